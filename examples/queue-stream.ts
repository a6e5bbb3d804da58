/**
 * Spark's QueueStream (examples/streaming/QueueStream.scala) in Rivulet: pushes a batch of the
 * numbers 1 to 1000 into a queue every second while the context runs, counts them by last digit
 * (each batch prints ten pairs `(digit,100)`), and stops the context after thirty batches.
 */
import { type Batch, type Clock, Seconds, StreamingContext, type StreamingContextOptions, SystemClock } from "../src/index.ts";

/** What a caller may set: a `ManualClock` (which also times the pushes) and a `log` to drive it from a test. */
export type QueueStreamOptions = Pick<StreamingContextOptions, "clock" | "log" | "parallelism">;

/**
 * Spark's `QueueStream.main`: returns the started context at once; the pushes go on in the
 * background, and the context stops itself after the last one (`awaitTermination()` resolves then).
 */
export function main(options: QueueStreamOptions = {}): StreamingContext {
  // The pushes sleep on the context's clock, so that a ManualClock drives them as it drives the batches.
  const clock: Clock = options.clock ?? new SystemClock();
  // Create the context
  const ssc = new StreamingContext({ ...options, clock, batchInterval: Seconds(1) });

  // Create the queue through which RDDs can be pushed to
  // a QueueInputDStream
  const rddQueue: Batch<number>[] = [];

  // Create the QueueInputDStream and use it do some processing
  const inputStream = ssc.queueStream(rddQueue);
  const mappedStream = inputStream.map((x) => [x % 10, 1] as const);
  const reducedStream = mappedStream.reduceByKey((a, b) => a + b);
  reducedStream.print();
  ssc.start();

  // Create and push some RDDs into rddQueue. JavaScript runs one thread, so the queue needs
  // no synchronization (Spark's rddQueue.synchronized).
  void (async () => {
    for (let i = 1; i <= 30; i++) {
      rddQueue.push(ssc.parallelize(range(1, 1000), 10));
      await sleep(clock, 1000);
    }
    await ssc.stop();
  })();
  return ssc;
}

/** Scala's `from to to`. */
function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}

/** `Thread.sleep(ms)` on `clock`. */
function sleep(clock: Clock, ms: number): Promise<void> {
  return new Promise((resolve) => void clock.schedule(clock.now() + ms, resolve));
}
