// examples/programming-guide.ts, the snippets of Spark Streaming's programming guide: each is
// built on queue streams under a manual clock, and its output batches are compared whole with
// batches worked out by hand from Spark's semantics.
import { afterEach, describe, expect, it } from "vitest";
import {
  cleanedDStream,
  type Connection,
  ConnectionPool,
  countByValueAndCogroup,
  incrementalWindowedWordCounts,
  outerJoins,
  quickExample,
  repartitionedInput,
  runningCounts,
  sendWithConnectionMadeAtDriver,
  sendWithConnectionPerPartition,
  sendWithConnectionPerRecord,
  sendWithConnectionPool,
  streamDatasetJoin,
  streamStreamJoin,
  unifiedInputStreams,
  updateFunction,
  windowedStreamJoin,
  windowedWordCounts,
  windowOperations,
} from "../../examples/programming-guide.ts";
import { type DStream, ManualClock, MemoryCheckpointStore, Seconds, StreamingContext } from "../../src/index.ts";
import { printed } from "../support/printed.ts";
import { sorted } from "../support/spark-suite.ts";

let ssc: StreamingContext | undefined;

afterEach(async () => {
  await ssc?.stop();
  ssc = undefined;
  ConnectionPool.shutdown();
});

/** A context of 1 s batches (the guide's) on two partitions, with a checkpoint store for state and windows. */
function context(): { ssc: StreamingContext; clock: ManualClock; log: string[] } {
  const clock = new ManualClock();
  const log: string[] = [];
  ssc = new StreamingContext({ batchInterval: Seconds(1), clock, parallelism: 2, log: (text) => log.push(text) });
  ssc.checkpoint(new MemoryCheckpointStore());
  return { ssc, clock, log };
}

/** `n` queued batches, empty but for the seconds given (batch `s` is the one at `s * 1000` ms). */
function seconds<T>(n: number, records: Record<number, T[]>): T[][] {
  return Array.from({ length: n }, (_, i) => records[i + 1] ?? []);
}

/** Every batch of `stream`, by time, its records sorted (their order within a batch is the partitioning's). */
function collected<T>(stream: DStream<T>): Map<number, T[]> {
  const out = new Map<number, T[]>();
  stream.foreachRDD(async (batch, time) => void out.set(time, sorted(await batch.collect())));
  return out;
}

/** Every batch of `op` over the quick example's pairs of `n` seconds of `lines`, run to the last. */
async function overPairs<T>(n: number, lines: Record<number, string[]>, op: (pairs: DStream<[string, number]>) => DStream<T>): Promise<Map<number, T[]>> {
  const { ssc, clock } = context();
  const out = collected(op(quickExample(ssc.queueStream(seconds(n, lines))).pairs));
  ssc.start();
  await clock.advance(n * 1000);
  return out;
}

/** The batches expected at these seconds, records sorted as `collected` sorts them. */
function batches<T>(entries: [second: number, records: T[]][]): Map<number, T[]> {
  return new Map(entries.map(([s, records]) => [s * 1000, sorted(records)]));
}

/** A printed batch's header and records, the records sorted (their order is the partitioning's). */
function printedSorted(text: string): string[] {
  const lines = text.split("\n");
  return [...lines.slice(0, 3), ...lines.slice(3, -1).sort(), ...lines.slice(-1)];
}

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}

describe("A Quick Example", () => {
  it("prints each second's word counts", async () => {
    const { ssc, clock, log } = context();
    const { wordCounts } = quickExample(ssc.queueStream([["hello world", "hello rivulet"], ["hello again"]]));
    const counts = collected(wordCounts);
    ssc.start();
    await clock.advance(2000);
    expect(counts).toEqual(
      batches([
        [1, [["hello", 2], ["world", 1], ["rivulet", 1]]],
        [2, [["hello", 1], ["again", 1]]],
      ]),
    );
    expect(log.map(printedSorted)).toEqual([printedSorted(printed(1000, "(hello,2)", "(rivulet,1)", "(world,1)")), printedSorted(printed(2000, "(again,1)", "(hello,1)"))]);
  });
});

describe("Transformations on DStreams", () => {
  it("countByValue counts each word of a batch; cogroup gathers each key's values of both streams", async () => {
    const { ssc, clock } = context();
    const words = ssc.queueStream([["a", "b", "a"], ["c"]]);
    const stream1 = ssc.queueStream<[string, string]>([[["k1", "a"], ["k2", "b"], ["k1", "c"]]]);
    const stream2 = ssc.queueStream<[string, string]>([[["k1", "x"], ["k3", "z"]], [["k3", "y"]]]);
    const { wordFrequencies, cogrouped } = countByValueAndCogroup(words, stream1, stream2);
    const frequencies = collected(wordFrequencies);
    // The values' order within a key is the partitions'; Spark promises none either.
    const groups = collected(cogrouped.map(([k, [vs, ws]]): [string, [string[], string[]]] => [k, [vs.slice().sort(), ws.slice().sort()]]));
    ssc.start();
    await clock.advance(2000);
    expect(frequencies).toEqual(
      batches([
        [1, [["a", 2], ["b", 1]]],
        [2, [["c", 1]]],
      ]),
    );
    expect(groups).toEqual(
      batches<[string, [string[], string[]]]>([
        [
          1,
          [
            ["k1", [["a", "c"], ["x"]]],
            ["k2", [["b"], []]],
            ["k3", [[], ["z"]]],
          ],
        ],
        [2, [["k3", [[], ["y"]]]]],
      ]),
    );
  });
});

describe("UpdateStateByKey Operation", () => {
  it("updateFunction adds the new values to the running count, starting from none", () => {
    expect(updateFunction([1, 1, 1], undefined)).toBe(3);
    expect(updateFunction([1], 4)).toBe(5);
    expect(updateFunction([], 4)).toBe(4);
  });

  it("keeps a running count of each word, every key in every batch, new values or not", async () => {
    const counts = await overPairs(5, { 1: ["a b a"], 2: ["b c"], 4: ["a"] }, runningCounts);
    expect(counts).toEqual(
      batches([
        [1, [["a", 2], ["b", 1]]],
        [2, [["a", 2], ["b", 2], ["c", 1]]],
        [3, [["a", 2], ["b", 2], ["c", 1]]],
        [4, [["a", 3], ["b", 2], ["c", 1]]],
        [5, [["a", 3], ["b", 2], ["c", 1]]],
      ]),
    );
  });
});

describe("Transform Operation", () => {
  it("joins each batch's word counts with the spam scores and keeps the words scored below the threshold", async () => {
    const { ssc, clock } = context();
    const spamInfoRDD = ssc.parallelize<[string, number]>([
      ["spam", 0.9],
      ["ham", 0.1],
      ["eggs", 0.4],
    ]);
    const { wordCounts } = quickExample(ssc.queueStream([["spam ham spam eggs toast"], ["ham ham spam"], ["toast"]]));
    const cleaned = collected(cleanedDStream(wordCounts, spamInfoRDD));
    ssc.start();
    await clock.advance(3000);
    // toast has no spam information: the inner join drops it, as Spark's.
    expect(cleaned).toEqual(
      batches([
        [1, [["eggs", 1], ["ham", 1]]],
        [2, [["ham", 2]]],
        [3, []],
      ]),
    );
  });
});

describe("Window Operations", () => {
  /** Words at seconds 1, 10, 11, 25, 31 and 40; windows of 30 s every 10 s until 70 s. */
  const LINES = { 1: ["a"], 10: ["a b"], 11: ["b"], 25: ["c"], 31: ["a"], 40: ["c"] };

  it("reduceByKeyAndWindow counts the words of the last 30 seconds, every 10 seconds", async () => {
    const windows = await overPairs(70, LINES, windowedWordCounts);
    // The window at t covers (t - 30 s, t].
    expect(windows).toEqual(
      batches([
        [10, [["a", 2], ["b", 1]]],
        [20, [["a", 2], ["b", 2]]],
        [30, [["a", 2], ["b", 2], ["c", 1]]],
        [40, [["a", 1], ["b", 1], ["c", 2]]],
        [50, [["a", 1], ["c", 2]]],
        [60, [["a", 1], ["c", 1]]],
        [70, []],
      ]),
    );
  });

  it("the incremental form gives the same counts, and keeps each word seen, counted 0, once its batches have left", async () => {
    const windows = await overPairs(70, LINES, incrementalWindowedWordCounts);
    expect(windows).toEqual(
      batches([
        [10, [["a", 2], ["b", 1]]],
        [20, [["a", 2], ["b", 2]]],
        [30, [["a", 2], ["b", 2], ["c", 1]]],
        [40, [["a", 1], ["b", 1], ["c", 2]]],
        [50, [["a", 1], ["b", 0], ["c", 2]]],
        [60, [["a", 1], ["b", 0], ["c", 1]]],
        [70, [["a", 0], ["b", 0], ["c", 0]]],
      ]),
    );
  });

  it("window, countByWindow, reduceByWindow and countByValueAndWindow over 3 s every 2 s (the guide's figure)", async () => {
    const { ssc, clock } = context();
    const stream = ssc.queueStream(seconds(10, { 1: [1], 2: [2, 3], 3: [4], 5: [5] }));
    const ops = windowOperations(stream, Seconds(3), Seconds(2));
    const windowed = collected(ops.windowed);
    const counts = collected(ops.countByWindow);
    const sums = collected(ops.reduceByWindow);
    const valueCounts = collected(ops.countByValueAndWindow);
    ssc.start();
    await clock.advance(10_000);
    // The window at t covers the batches of (t - 3 s, t].
    expect(windowed).toEqual(
      batches([
        [2, [1, 2, 3]],
        [4, [2, 3, 4]],
        [6, [5]],
        [8, []],
        [10, []],
      ]),
    );
    // Spark's countByWindow is an incremental reduceByWindow of ones: an empty window counts 0.
    expect(counts).toEqual(
      batches([
        [2, [3]],
        [4, [3]],
        [6, [1]],
        [8, [0]],
        [10, [0]],
      ]),
    );
    // reduceByWindow without an inverse is a reduce of a window of reduces: nothing for an empty window.
    expect(sums).toEqual(
      batches([
        [2, [6]],
        [4, [9]],
        [6, [5]],
        [8, []],
        [10, []],
      ]),
    );
    // countByValueAndWindow filters the zeros out, as Spark's.
    expect(valueCounts).toEqual(
      batches([
        [
          2,
          [
            [1, 1],
            [2, 1],
            [3, 1],
          ],
        ],
        [
          4,
          [
            [2, 1],
            [3, 1],
            [4, 1],
          ],
        ],
        [6, [[5, 1]]],
        [8, []],
        [10, []],
      ]),
    );
  });

  it("countByWindow and countByValueAndWindow give nothing for windows before the first record", async () => {
    const { ssc, clock } = context();
    const stream = ssc.queueStream(seconds(8, { 5: [5] }));
    const ops = windowOperations(stream, Seconds(3), Seconds(2));
    const counts = collected(ops.countByWindow);
    const valueCounts = collected(ops.countByValueAndWindow);
    ssc.start();
    await clock.advance(8000);
    // Spark's countByWindow reduces the ones under a single key: no key before the first record,
    // then the key stays, counted 0 once the record has left.
    expect(counts).toEqual(
      batches([
        [2, []],
        [4, []],
        [6, [1]],
        [8, [0]],
      ]),
    );
    expect(valueCounts).toEqual(
      batches([
        [2, []],
        [4, []],
        [6, [[5, 1]]],
        [8, []],
      ]),
    );
  });
});

describe("Join Operations", () => {
  it("joins each batch of stream1 with stream2's at the same time, inner and outer", async () => {
    const { ssc, clock, log } = context();
    const stream1 = ssc.queueStream<[string, string]>([[["k1", "a"], ["k2", "b"]], [["k3", "c"]]]);
    const stream2 = ssc.queueStream<[string, string]>([[["k1", "x"], ["k1", "y"], ["k3", "z"]], []]);
    const joined = collected(streamStreamJoin(stream1, stream2));
    const { leftOuter, rightOuter, fullOuter } = outerJoins(stream1, stream2);
    const left = collected(leftOuter);
    const right = collected(rightOuter);
    const full = collected(fullOuter);
    leftOuter.print();
    ssc.start();
    await clock.advance(2000);
    expect(joined).toEqual(
      batches<[string, [string, string]]>([
        [
          1,
          [
            ["k1", ["a", "x"]],
            ["k1", ["a", "y"]],
          ],
        ],
        [2, []],
      ]),
    );
    expect(left).toEqual(
      batches<[string, [string, string | undefined]]>([
        [
          1,
          [
            ["k1", ["a", "x"]],
            ["k1", ["a", "y"]],
            ["k2", ["b", undefined]],
          ],
        ],
        [2, [["k3", ["c", undefined]]]],
      ]),
    );
    expect(right).toEqual(
      batches<[string, [string | undefined, string]]>([
        [
          1,
          [
            ["k1", ["a", "x"]],
            ["k1", ["a", "y"]],
            ["k3", [undefined, "z"]],
          ],
        ],
        [2, []],
      ]),
    );
    expect(full).toEqual(
      batches<[string, [string | undefined, string | undefined]]>([
        [
          1,
          [
            ["k1", ["a", "x"]],
            ["k1", ["a", "y"]],
            ["k2", ["b", undefined]],
            ["k3", [undefined, "z"]],
          ],
        ],
        [2, [["k3", ["c", undefined]]]],
      ]),
    );
    // Spark prints (k3,(c,None)): its Option is undefined here, printed as such.
    expect(log[1]).toBe(printed(2000, "(k3,(c,undefined))"));
  });

  it("joins the last 20 seconds of stream1 with the last minute of stream2, every second", async () => {
    const { ssc, clock } = context();
    const stream1 = ssc.queueStream<[string, string]>(seconds(61, { 1: [["k", "v1"]], 25: [["k", "v25"]], 60: [["k", "v60"]] }));
    const stream2 = ssc.queueStream<[string, string]>(seconds(61, { 1: [["k", "w1"]], 30: [["k", "w30"]] }));
    const joined = collected(windowedStreamJoin(stream1, stream2));
    ssc.start();
    await clock.advance(61_000);
    // stream1's record of second s is in the windows of s to s + 19, stream2's in those of s to s + 59.
    const v1w1: [string, [string, string]] = ["k", ["v1", "w1"]];
    const v25w1: [string, [string, string]] = ["k", ["v25", "w1"]];
    const v25w30: [string, [string, string]] = ["k", ["v25", "w30"]];
    const v60w1: [string, [string, string]] = ["k", ["v60", "w1"]];
    const v60w30: [string, [string, string]] = ["k", ["v60", "w30"]];
    expect(joined).toEqual(
      batches([
        ...range(1, 20).map((s): [number, [string, [string, string]][]] => [s, [v1w1]]),
        ...range(21, 24).map((s): [number, [string, [string, string]][]] => [s, []]),
        ...range(25, 29).map((s): [number, [string, [string, string]][]] => [s, [v25w1]]),
        ...range(30, 44).map((s): [number, [string, [string, string]][]] => [s, [v25w1, v25w30]]),
        ...range(45, 59).map((s): [number, [string, [string, string]][]] => [s, []]),
        [60, [v60w1, v60w30]],
        [61, [v60w30]],
      ]),
    );
  });

  it("joins a 20-second window of a stream with a data set, every second", async () => {
    const { ssc, clock } = context();
    const dataset = ssc.parallelize<[string, string]>([
      ["k", "d"],
      ["m", "e"],
    ]);
    const stream = ssc.queueStream<[string, string]>(seconds(25, { 1: [["k", "v1"], ["j", "x"]], 5: [["k", "v5"]] }));
    const joined = collected(streamDatasetJoin(stream, dataset));
    ssc.start();
    await clock.advance(25_000);
    const v1: [string, [string, string]] = ["k", ["v1", "d"]];
    const v5: [string, [string, string]] = ["k", ["v5", "d"]];
    expect(joined).toEqual(
      batches([
        ...range(1, 4).map((s): [number, [string, [string, string]][]] => [s, [v1]]),
        ...range(5, 20).map((s): [number, [string, [string, string]][]] => [s, [v1, v5]]),
        ...range(21, 24).map((s): [number, [string, [string, string]][]] => [s, [v5]]),
        [25, []],
      ]),
    );
  });
});

describe("Design Patterns for using foreachRDD", () => {
  /** What a connection was sent, and whether it was closed. */
  interface Opened {
    sent: string[];
    closed: boolean;
  }

  function connections(): { opened: Opened[]; createNewConnection: () => Connection<string> } {
    const opened: Opened[] = [];
    return {
      opened,
      createNewConnection: () => {
        const c: Opened = { sent: [], closed: false };
        opened.push(c);
        return {
          send: (record) => void c.sent.push(record),
          close: () => void (c.closed = true),
        };
      },
    };
  }

  /** Four records, one, an empty batch, two; then a second with the queue run dry. */
  const RECORDS = [["r1", "r2", "r3", "r4"], ["r5"], [], ["r6", "r7"]];

  it("a connection made at the driver and used by rdd.foreach works here (Spark fails to serialize it): one per batch", async () => {
    const { ssc, clock } = context();
    const { opened, createNewConnection } = connections();
    sendWithConnectionMadeAtDriver(ssc.queueStream(RECORDS.map((b) => b.slice())), createNewConnection);
    ssc.start();
    await clock.advance(5000);
    expect(opened).toEqual([
      { sent: ["r1", "r2", "r3", "r4"], closed: false },
      { sent: ["r5"], closed: false },
      { sent: [], closed: false },
      { sent: ["r6", "r7"], closed: false },
      { sent: [], closed: false },
    ]);
  });

  it("a connection per record: as many connections as records, each closed", async () => {
    const { ssc, clock } = context();
    const { opened, createNewConnection } = connections();
    sendWithConnectionPerRecord(ssc.queueStream(RECORDS.map((b) => b.slice())), createNewConnection);
    ssc.start();
    await clock.advance(5000);
    expect(opened).toEqual(["r1", "r2", "r3", "r4", "r5", "r6", "r7"].map((r) => ({ sent: [r], closed: true })));
  });

  it("a connection per partition: one for each of a batch's partitions, empty ones included, each closed", async () => {
    const { ssc, clock } = context();
    const { opened, createNewConnection } = connections();
    sendWithConnectionPerPartition(ssc.queueStream(RECORDS.map((b) => b.slice())), createNewConnection);
    ssc.start();
    await clock.advance(5000);
    // Records are cut into the two partitions as sc.parallelize cuts them: one record goes to the
    // second. An empty queue entry is two empty partitions, as sc.parallelize(Seq(), 2). The
    // batch after the queue has run dry is Spark's sc.emptyRDD, of no partitions: no connection.
    expect(opened).toEqual([["r1", "r2"], ["r3", "r4"], [], ["r5"], [], [], ["r6"], ["r7"]].map((sent) => ({ sent, closed: true })));
  });

  it("the static pool makes one connection lazily and reuses it for every partition of every batch", async () => {
    const { ssc, clock } = context();
    const { opened, createNewConnection } = connections();
    ConnectionPool.configure(createNewConnection, clock);
    sendWithConnectionPool(ssc.queueStream(RECORDS.map((b) => b.slice())));
    expect(opened).toEqual([]);
    ssc.start();
    await clock.advance(5000);
    // Partitions run one after another here, so one connection serves them all (Spark's two
    // executor threads would take two).
    expect(opened).toEqual([{ sent: ["r1", "r2", "r3", "r4", "r5", "r6", "r7"], closed: false }]);
    ConnectionPool.shutdown();
    expect(opened).toEqual([{ sent: ["r1", "r2", "r3", "r4", "r5", "r6", "r7"], closed: true }]);
  });

  it("the pool closes a connection unused for longer than its idle timeout and makes a new one", async () => {
    const { ssc, clock } = context();
    const { opened, createNewConnection } = connections();
    ConnectionPool.configure(createNewConnection, clock, Seconds(5));
    // Output every 10 s: the connection of one output is idle for 10 s before the next.
    const stream = ssc.queueStream(seconds(20, { 3: ["a"], 12: ["b"] }));
    sendWithConnectionPool(stream.window(Seconds(10), Seconds(10)));
    ssc.start();
    await clock.advance(20_000);
    expect(opened).toEqual([
      { sent: ["a"], closed: true },
      { sent: ["b"], closed: false },
    ]);
  });
});

describe("Level of Parallelism in Data Receiving", () => {
  it("unions five input streams into one, the first stream's records first, and prints it", async () => {
    const { ssc, clock, log } = context();
    const created: number[] = [];
    const unified = collected(
      unifiedInputStreams(ssc, (i) => {
        created.push(i);
        return ssc.queueStream([[`s${i}-1`, `s${i}-2`, `s${i}-3`], i === 3 ? [`s3-4`] : []]);
      }),
    );
    ssc.start();
    await clock.advance(2000);
    expect(created).toEqual([1, 2, 3, 4, 5]);
    expect(unified).toEqual(batches([[1, range(1, 5).flatMap((i) => [`s${i}-1`, `s${i}-2`, `s${i}-3`])], [2, ["s3-4"]]]));
    expect(log).toEqual([
      printed(1000, "s1-1", "s1-2", "s1-3", "s2-1", "s2-2", "s2-3", "s3-1", "s3-2", "s3-3", "s4-1", "..."),
      printed(2000, "s3-4"),
    ]);
  });

  it("repartition spreads each batch over the partitions asked for", async () => {
    const { ssc, clock } = context();
    const input = ssc.queueStream([range(0, 9)]);
    const parts: number[][][] = [];
    repartitionedInput(input, 5)
      .glom()
      .foreachRDD(async (batch) => void parts.push(await batch.collect()));
    ssc.start();
    await clock.advance(1000);
    expect(parts).toHaveLength(1);
    // Each of the two input partitions deals its five records round the five, as Spark's repartition.
    expect(parts[0]!.map((p) => p.length)).toEqual([2, 2, 2, 2, 2]);
    expect(parts[0]!.flat().sort((a, b) => a - b)).toEqual(range(0, 9));
  });
});
