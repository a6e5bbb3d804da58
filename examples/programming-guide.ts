/**
 * The code snippets of Spark Streaming's programming guide (docs/streaming-programming-guide.md,
 * "Spark Streaming Programming Guide") in Rivulet, one function per snippet. Each takes the
 * context and the input streams it needs: where the guide reads from a socket, Kafka or Hadoop,
 * any input stream will do (a `queueStream` in a test).
 *
 * The snippets that need Spark SQL, MLlib, Kafka, Kinesis or a cluster are left out; the
 * checkpointing and "Accumulators, Broadcast Variables, and Checkpoints" snippets are
 * examples/recoverable-network-word-count.ts.
 */
import { type Batch, type Clock, type DStream, type Duration, Minutes, Seconds, type StreamingContext } from "../src/index.ts";

// ---- A Quick Example ---------------------------------------------------------------------------

/** "A Quick Example": the word count the later snippets build on (`pairs`, `wordCounts`). */
export function quickExample(lines: DStream<string>): { words: DStream<string>; pairs: DStream<[string, number]>; wordCounts: DStream<[string, number]> } {
  // Split each line into words
  const words = lines.flatMap((line) => line.split(" "));
  // Count each word in each batch. A tuple needs its type spelled out: `[word, 1]` alone would
  // be an array of `string | number`.
  const pairs = words.map((word): [string, number] => [word, 1]);
  const wordCounts = pairs.reduceByKey((a, b) => a + b);

  // Print the first ten elements of each RDD generated in this DStream to the console
  wordCounts.print();
  return { words, pairs, wordCounts };
}

// ---- Transformations on DStreams ----------------------------------------------------------------

/**
 * "Transformations on DStreams", the table's `countByValue()` and `cogroup(otherStream)`. The
 * table describes cogroup's records as `(K, Seq[V], Seq[W])`; Spark gives `(K, (Iterable[V],
 * Iterable[W]))`, here `[k, [v[], w[]]]`.
 */
export function countByValueAndCogroup(
  words: DStream<string>,
  stream1: DStream<[string, string]>,
  stream2: DStream<[string, string]>,
): { wordFrequencies: DStream<[string, number]>; cogrouped: DStream<[string, [string[], string[]]]> } {
  const wordFrequencies = words.countByValue();
  const cogrouped = stream1.cogroup(stream2);
  return { wordFrequencies, cogrouped };
}

/**
 * "UpdateStateByKey Operation": the state update function. The guide's Scala leaves the sum out
 * (`val newCount = ...`); its Python tab spells it: the new values added to the previous count.
 * Scala's `Option[Int]` is `number | undefined`, `Some(newCount)` the number itself.
 */
export function updateFunction(newValues: number[], runningCount: number | undefined): number | undefined {
  const newCount = newValues.reduce((a, b) => a + b, runningCount ?? 0); // add the new values with the previous running count to get the new count
  return newCount;
}

/** "UpdateStateByKey Operation": `pairs.updateStateByKey[Int](updateFunction _)`; needs `ssc.checkpoint(store)`. */
export function runningCounts(pairs: DStream<[string, number]>): DStream<[string, number]> {
  // TypeScript infers the state's type from updateFunction, where Scala is given `[Int]`.
  const runningCounts = pairs.updateStateByKey(updateFunction);
  return runningCounts;
}

/**
 * "Transform Operation": real-time data cleaning, joining each batch with precomputed spam
 * information (Java's tab: `JavaPairRDD<String, Double>`, a spam score per word) and filtering on
 * it. The guide elides the filter and what follows it (`filter(...)`, `...`); its Java tab gives the
 * result's type, `JavaPairDStream<String, Integer>`: the words whose score is below
 * `spamThreshold`, with their counts.
 *
 * @param spamInfoRDD Spark's `ssc.sparkContext.newAPIHadoopRDD(...)`; there is no Hadoop input
 *   format here, so the data set is made with `ssc.parallelize(pairs)` (or fetched and parallelized).
 */
export function cleanedDStream(wordCounts: DStream<[string, number]>, spamInfoRDD: Batch<[string, number]>, spamThreshold = 0.5): DStream<[string, number]> {
  const cleanedDStream = wordCounts.transform((rdd) =>
    rdd
      .join(spamInfoRDD) // join data stream with spam information to do data cleaning
      .filter(([, [, spamScore]]) => spamScore < spamThreshold)
      .mapValues(([count]) => count),
  );
  return cleanedDStream;
}

// ---- Window Operations --------------------------------------------------------------------------

/** "Window Operations": word counts over the last 30 seconds of data, every 10 seconds. */
export function windowedWordCounts(pairs: DStream<[string, number]>): DStream<[string, number]> {
  // Reduce last 30 seconds of data, every 10 seconds
  const windowedWordCounts = pairs.reduceByKeyAndWindow((a: number, b: number) => a + b, Seconds(30), Seconds(10));
  return windowedWordCounts;
}

/**
 * "Window Operations", the Python tab's form (Scala's `reduceByKeyAndWindow(_ + _, _ - _,
 * Seconds(30), Seconds(10))`): the window updated incrementally, adding the batches that enter
 * and subtracting those that leave. Needs `ssc.checkpoint(store)`. As in Spark, without a filter
 * function a word stays in the window, counted 0, once its batches have left.
 */
export function incrementalWindowedWordCounts(pairs: DStream<[string, number]>): DStream<[string, number]> {
  // Reduce last 30 seconds of data, every 10 seconds
  const windowedWordCounts = pairs.reduceByKeyAndWindow(
    (x: number, y: number) => x + y,
    (x: number, y: number) => x - y,
    Seconds(30),
    Seconds(10),
  );
  return windowedWordCounts;
}

/**
 * "Window Operations", the table of common window operations, each given the window length and
 * the sliding interval. `countByWindow` and `countByValueAndWindow` are incremental in Spark and
 * here alike, so they need `ssc.checkpoint(store)`.
 */
export function windowOperations(
  stream: DStream<number>,
  windowLength: Duration,
  slideInterval: Duration,
): { windowed: DStream<number>; countByWindow: DStream<number>; reduceByWindow: DStream<number>; countByValueAndWindow: DStream<[number, number]> } {
  return {
    windowed: stream.window(windowLength, slideInterval),
    countByWindow: stream.countByWindow(windowLength, slideInterval),
    reduceByWindow: stream.reduceByWindow((a, b) => a + b, windowLength, slideInterval),
    countByValueAndWindow: stream.countByValueAndWindow(windowLength, slideInterval),
  };
}

// ---- Join Operations ----------------------------------------------------------------------------

/** "Join Operations", stream-stream joins: each batch of `stream1` joined with `stream2`'s at the same time. */
export function streamStreamJoin(stream1: DStream<[string, string]>, stream2: DStream<[string, string]>): DStream<[string, [string, string]]> {
  const joinedStream = stream1.join(stream2);
  return joinedStream;
}

/**
 * "Join Operations": "You can also do leftOuterJoin, rightOuterJoin, fullOuterJoin". Scala's
 * `Option[W]` is `W | undefined`: a missing side is `undefined`, not `None`, and a present one
 * is the value itself, not `Some(value)`.
 */
export function outerJoins(
  stream1: DStream<[string, string]>,
  stream2: DStream<[string, string]>,
): {
  leftOuter: DStream<[string, [string, string | undefined]]>;
  rightOuter: DStream<[string, [string | undefined, string]]>;
  fullOuter: DStream<[string, [string | undefined, string | undefined]]>;
} {
  return { leftOuter: stream1.leftOuterJoin(stream2), rightOuter: stream1.rightOuterJoin(stream2), fullOuter: stream1.fullOuterJoin(stream2) };
}

/** "Join Operations", joins over windows: the last 20 seconds of `stream1` with the last minute of `stream2`, every batch. */
export function windowedStreamJoin(stream1: DStream<[string, string]>, stream2: DStream<[string, string]>): DStream<[string, [string, string]]> {
  const windowedStream1 = stream1.window(Seconds(20));
  const windowedStream2 = stream2.window(Minutes(1));
  const joinedStream = windowedStream1.join(windowedStream2);
  return joinedStream;
}

/** "Join Operations", stream-dataset joins: a windowed stream joined with a static data set through `transform`. */
export function streamDatasetJoin(stream: DStream<[string, string]>, dataset: Batch<[string, string]>): DStream<[string, [string, string]]> {
  const windowedStream = stream.window(Seconds(20));
  const joinedStream = windowedStream.transform((rdd) => rdd.join(dataset));
  return joinedStream;
}

// ---- Output Operations on DStreams: Design Patterns for using foreachRDD -------------------------
//
// Spark's `foreach` and `foreachPartition` block; here they return promises. The output
// operation awaits every action its function starts, returned or not, so the guide's block
// bodies carry over; these return the promise anyway, which says so where it is read.

/** A connection to an external system, as the guide's `createNewConnection()` returns. */
export interface Connection<T> {
  send(record: T): void;
  close(): void;
}

/**
 * "Design Patterns for using foreachRDD", the first mistake: a connection made at the driver and
 * used by `rdd.foreach`. In Spark this fails (the connection must be serialized to the
 * workers); here `foreach` runs where `foreachRDD` runs, on the driver, so it works, one
 * connection per batch, never closed (the snippet does not close it either).
 */
export function sendWithConnectionMadeAtDriver<T>(dstream: DStream<T>, createNewConnection: () => Connection<T>): void {
  dstream.foreachRDD((rdd) => {
    const connection = createNewConnection(); // executed at the driver
    return rdd.foreach((record) => {
      connection.send(record); // executed at the worker in Spark; at the driver here
    });
  });
}

/** "Design Patterns for using foreachRDD", the second mistake: a new connection for every record. */
export function sendWithConnectionPerRecord<T>(dstream: DStream<T>, createNewConnection: () => Connection<T>): void {
  dstream.foreachRDD((rdd) =>
    rdd.foreach((record) => {
      const connection = createNewConnection();
      connection.send(record);
      connection.close();
    }),
  );
}

/** "Design Patterns for using foreachRDD": one connection per partition, `rdd.foreachPartition`. */
export function sendWithConnectionPerPartition<T>(dstream: DStream<T>, createNewConnection: () => Connection<T>): void {
  dstream.foreachRDD((rdd) =>
    rdd.foreachPartition((partitionOfRecords) => {
      const connection = createNewConnection();
      partitionOfRecords.forEach((record) => connection.send(record));
      connection.close();
    }),
  );
}

/**
 * The guide's `ConnectionPool`, "a static, lazily initialized pool of connections": connections
 * are made on demand and closed once unused for `idleTimeout`, as the guide advises. Static
 * means one per JavaScript realm here, the driver's, where `foreachPartition` runs.
 *
 * Idle connections are closed when a connection is next asked for, on `clock`'s time, so that no
 * timer outlives the job and a `ManualClock` drives the timeouts.
 */
export class ConnectionPool {
  private static createConnection: (() => Connection<unknown>) | undefined;
  private static clock: Clock | undefined;
  private static idleTimeout = 60_000;
  private static readonly idle: { connection: Connection<unknown>; since: number }[] = [];

  /** How the pool connects, set once where the application starts (a Spark executor reads it from its configuration). */
  static configure(createConnection: () => Connection<unknown>, clock: Clock, idleTimeout: Duration = Minutes(1)): void {
    ConnectionPool.createConnection = createConnection;
    ConnectionPool.clock = clock;
    ConnectionPool.idleTimeout = idleTimeout.milliseconds;
  }

  static getConnection<T>(): Connection<T> {
    const { createConnection, clock } = ConnectionPool;
    if (createConnection === undefined || clock === undefined) throw new Error("ConnectionPool.configure() was not called");
    const now = clock.now();
    // Idle connections are kept oldest first.
    while (ConnectionPool.idle.length > 0 && now - ConnectionPool.idle[0]!.since > ConnectionPool.idleTimeout) {
      ConnectionPool.idle.shift()!.connection.close();
    }
    // The most recently returned one is reused, so that the others can time out.
    const reused = ConnectionPool.idle.pop();
    return (reused?.connection ?? createConnection()) as Connection<T>;
  }

  static returnConnection<T>(connection: Connection<T>): void {
    ConnectionPool.idle.push({ connection: connection as Connection<unknown>, since: ConnectionPool.clock?.now() ?? 0 });
  }

  /** Closes every idle connection and forgets the configuration, at shutdown. */
  static shutdown(): void {
    for (const { connection } of ConnectionPool.idle.splice(0)) connection.close();
    ConnectionPool.createConnection = undefined;
    ConnectionPool.clock = undefined;
  }
}

/** "Design Patterns for using foreachRDD": connections reused across partitions and batches, from the static pool. */
export function sendWithConnectionPool<T>(dstream: DStream<T>): void {
  dstream.foreachRDD((rdd) =>
    rdd.foreachPartition((partitionOfRecords) => {
      // ConnectionPool is a static, lazily initialized pool of connections
      const connection = ConnectionPool.getConnection<T>();
      partitionOfRecords.forEach((record) => connection.send(record));
      ConnectionPool.returnConnection(connection); // return to the pool for future reuse
    }),
  );
}

// ---- Performance Tuning: Level of Parallelism in Data Receiving ---------------------------------

/**
 * "Level of Parallelism in Data Receiving": several input streams (Kafka's in the guide, made by
 * `createStream` here), unioned into one.
 */
export function unifiedInputStreams<T>(streamingContext: StreamingContext, createStream: (i: number) => DStream<T>): DStream<T> {
  const numStreams = 5;
  const kafkaStreams = Array.from({ length: numStreams }, (_, k) => createStream(k + 1));
  const unifiedStream = streamingContext.union(kafkaStreams);
  unifiedStream.print();
  return unifiedStream;
}

/** "Level of Parallelism in Data Receiving", the alternative: `inputStream.repartition(<number of partitions>)`. */
export function repartitionedInput<T>(inputStream: DStream<T>, numPartitions: number): DStream<T> {
  return inputStream.repartition(numPartitions);
}
