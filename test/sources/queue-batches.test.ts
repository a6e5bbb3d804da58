// queueStream of batches (Spark's Queue[RDD]): a queued Batch keeps its partitions, unions with
// queued arrays in order, serves as the default batch, and is read anew at each time it is given;
// an empty queue gives Spark's emptyRDD.
import { afterEach, describe, expect, it } from "vitest";
import { type BatchInfo, ManualClock, Seconds, StreamingContext } from "../../src/index.ts";

const contexts: StreamingContext[] = [];
afterEach(async () => {
  for (const ssc of contexts.splice(0)) await ssc.stop();
});

function context(): { ssc: StreamingContext; clock: ManualClock; inputs: number[] } {
  const clock = new ManualClock();
  const ssc = new StreamingContext({ batchInterval: Seconds(1), clock, parallelism: 2 });
  contexts.push(ssc);
  const inputs: number[] = [];
  ssc.addStreamingListener({ onBatchCompleted: ({ batchInfo }: { batchInfo: BatchInfo }) => void inputs.push(batchInfo.numRecords) });
  return { ssc, clock, inputs };
}

const range = (from: number, to: number): number[] => Array.from({ length: to - from + 1 }, (_, i) => from + i);

describe("queueStream of batches", () => {
  it("keeps a queued batch's partitions, as Spark's queue of makeRDD(1 to 1000, 10)", async () => {
    const { ssc, clock, inputs } = context();
    const queue = [ssc.parallelize(range(1, 1000), 10), ssc.parallelize(range(1, 4), 3)];
    const glommed: number[][][] = [];
    ssc.queueStream(queue).glom().foreachRDD(async (b) => void glommed.push(await b.collect()));
    ssc.start();
    await clock.advance(2000);
    expect(glommed[0]!.map((p) => p.length)).toEqual(Array(10).fill(100));
    expect(glommed[0]!.flat()).toEqual(range(1, 1000));
    expect(glommed[1]).toEqual([[1], [2], [3, 4]]);
    expect(inputs).toEqual([1000, 4]);
  });

  it("unions arrays and batches queued together, in queue order, with oneAtATime: false", async () => {
    const { ssc, clock } = context();
    const queue = [[1, 2], ssc.parallelize([3, 4, 5], 3), [6]];
    const out: number[][] = [];
    const parts: number[] = [];
    ssc.queueStream(queue, { oneAtATime: false }).foreachRDD(async (b) => {
      parts.push(b.numPartitions);
      out.push(await b.collect());
    });
    ssc.start();
    await clock.advance(2000);
    expect(out).toEqual([[1, 2, 3, 4, 5, 6], []]);
    // 2 (the array, cut into the parallelism) + 3 + 2.
    expect(parts[0]).toBe(7);
  });

  it("takes a batch as the default batch, computing a transformed one again at each time as Spark does an uncached RDD", async () => {
    const { ssc, clock, inputs } = context();
    let computed = 0;
    const defaultBatch = ssc.parallelize(["d"], 1).map((x) => (computed++, x.toUpperCase()));
    const out: string[][] = [];
    ssc.queueStream<string>([["a"]], { defaultBatch }).foreachRDD(async (b) => void out.push(await b.collect()));
    ssc.start();
    await clock.advance(3000);
    expect(out).toEqual([["a"], ["D"], ["D"]]);
    expect(computed).toBe(2);
    // A batch still to be computed counts no input records, as Spark's queue stream reports none.
    expect(inputs).toEqual([1, 0, 0]);
  });

  it("gives Spark's emptyRDD, a batch of no partitions, once the queue is empty; an empty entry is the parallelism's empty partitions", async () => {
    const { ssc, clock } = context();
    const parts: number[] = [];
    let partitionsRun = 0;
    ssc.queueStream<number>([[], [1]]).foreachRDD(async (b) => {
      parts.push(b.numPartitions);
      await b.foreachPartition(() => void partitionsRun++);
    });
    ssc.start();
    await clock.advance(3000);
    expect(parts).toEqual([2, 2, 0]);
    expect(partitionsRun).toBe(4);
  });

  it("keeps a queued batch's hash partitioning, so a join with it reads it in place", async () => {
    const { ssc, clock } = context();
    const counts = ssc.parallelize<[string, number]>([["a", 1], ["b", 2], ["a", 3]], 2).reduceByKey((x, y) => x + y, 4);
    const out: [string, number][][] = [];
    let partitioned = false;
    ssc.queueStream([counts]).foreachRDD(async (b) => {
      partitioned = b.hashPartitioned;
      out.push(await b.collect());
    });
    ssc.start();
    await clock.advance(1000);
    expect(partitioned).toBe(true);
    expect(new Map(out[0])).toEqual(new Map([["a", 4], ["b", 2]]));
  });
});
