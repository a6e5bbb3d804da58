// A stream's key-value operators given a number of partitions or a Partitioner
// (src/dstream/partitioning.ts), as Spark's overloads `reduceByKey(f, partitioner)`,
// `join(other, partitioner)` and the like: a HashPartitioner is the shuffle's own placement, any
// other partitioner places each key in the partition its getPartition names.
import { describe, expect, it, vi } from "vitest";
import { type DStream, HashPartitioner, ManualClock, type Partitioner, Seconds, StreamingContext, sum } from "../../src/index.ts";
import { runOperation, runOperation2, sorted } from "../support/spark-suite.ts";

/** Even keys in partition 0, odd keys in partition 1. */
const byParity: Partitioner = { numPartitions: 2, getPartition: (key) => Math.abs(key as number) % 2 };

const ones = (s: DStream<number>): DStream<[number, number]> => s.map((x): [number, number] => [x, 1]);

describe("a HashPartitioner", () => {
  it("gives exactly what the same number of partitions gives (Spark: reduceByKey(f, new HashPartitioner(n)))", async () => {
    const input = [[1, 2, 3, 4, 5, 2, 4, 9, 10, 11], [7, 7, 8]];
    const byCount = await runOperation(input, (s) => ones(s).reduceByKey(sum, 3).glom());
    const byPartitioner = await runOperation(input, (s) => ones(s).reduceByKey(sum, new HashPartitioner(3)).glom());
    expect(byPartitioner).toEqual(byCount);
    expect(byPartitioner.map((b) => b.length)).toEqual([3, 3]);
  });
});

describe("a custom Partitioner", () => {
  it("places the keys of reduceByKey (Spark: reduceByKey(f, partitioner))", async () => {
    const out = await runOperation([[1, 2, 3, 4, 5, 2, 4], [6]], (s) => ones(s).reduceByKey(sum, byParity).glom(), { parallelism: 3 });
    expect(out.map((parts) => parts.map(sorted))).toEqual([
      [
        [[2, 2], [4, 2]],
        [[1, 1], [3, 1], [5, 1]],
      ],
      [[[6, 1]], []],
    ]);
  });

  it("places the keys of groupByKey and of combineByKey without a map-side combine", async () => {
    const input = [[1, 2, 3, 2, 1, 1]];
    const grouped = await runOperation(input, (s) => ones(s).groupByKey(byParity).glom(), { parallelism: 3 });
    expect(grouped.map((parts) => parts.map(sorted))).toEqual([[[[2, [1, 1]]], [[1, [1, 1, 1]], [3, [1]]]]]);
    const combined = await runOperation(
      input,
      (s) =>
        ones(s)
          .combineByKey(
            (v) => [v],
            (c: number[], v) => [...c, v],
            (a, b) => [...a, ...b],
            byParity,
            false,
          )
          .mapValues((c) => c.length)
          .glom(),
      { parallelism: 3 },
    );
    expect(combined.map((parts) => parts.map(sorted))).toEqual([[[[2, 2]], [[1, 3], [3, 1]]]]);
  });

  it("places the keys of join, cogroup and the outer joins (Spark: join(other, partitioner))", async () => {
    const a = [[1, 2, 3]];
    const b = [[2, 3, 4]];
    const run = <R>(op: (x: DStream<[number, number]>, y: DStream<[number, number]>) => DStream<R>) =>
      runOperation2(a, b, (x, y) => op(ones(x), ones(y)).glom(), { parallelism: 3 }).then((out) => out.map((parts) => parts.map(sorted)));
    expect(await run((x, y) => x.join(y, byParity))).toEqual([[[[2, [1, 1]]], [[3, [1, 1]]]]]);
    expect(await run((x, y) => x.leftOuterJoin(y, byParity))).toEqual([[[[2, [1, 1]]], [[1, [1, undefined]], [3, [1, 1]]]]]);
    expect(await run((x, y) => x.rightOuterJoin(y, byParity))).toEqual([[[[2, [1, 1]], [4, [undefined, 1]]], [[3, [1, 1]]]]]);
    expect(await run((x, y) => x.fullOuterJoin(y, byParity))).toEqual([
      [
        [[2, [1, 1]], [4, [undefined, 1]]],
        [[1, [1, undefined]], [3, [1, 1]]],
      ],
    ]);
    expect(await run((x, y) => x.cogroup(y, byParity))).toEqual([
      [
        [[2, [[1], [1]]], [4, [[], [1]]]],
        [[1, [[1], []]], [3, [[1], [1]]]],
      ],
    ]);
  });

  it("fails the batch when getPartition names no partition of it", async () => {
    vi.spyOn(console, "error").mockImplementation(() => undefined);
    const clock = new ManualClock();
    const ssc = new StreamingContext({ batchInterval: Seconds(1), clock, parallelism: 2, workers: false });
    const outOfRange: Partitioner = { numPartitions: 2, getPartition: (key) => (key === "bad" ? 2 : 0) };
    ssc
      .queueStream<string>([["ok", "bad"]])
      .map((w): [string, number] => [w, 1])
      .reduceByKey(sum, outOfRange)
      .foreachRDD(async (b) => void (await b.collect()));
    ssc.start();
    await clock.advance(1000);
    await expect(ssc.awaitTermination()).rejects.toThrow(/placed key "bad" in partition 2; getPartition must return an integer in \[0, 2\)/);
    await ssc.stop();
    vi.restoreAllMocks();
  });
});

describe("a partitioning", () => {
  it("is checked when the stream is made: a positive integer, or an object with numPartitions and getPartition", () => {
    const ssc = new StreamingContext({ batchInterval: Seconds(1), clock: new ManualClock(), workers: false });
    const pairs = ssc.queueStream<[string, number]>([]);
    expect(() => pairs.reduceByKey(sum, 0)).toThrowError(expect.objectContaining({ code: "INVALID_ARGUMENT" }));
    expect(() => pairs.groupByKey(1.5)).toThrowError(expect.objectContaining({ code: "INVALID_ARGUMENT" }));
    const shapeless = { numPartitions: 2 } as unknown as Partitioner;
    expect(() => pairs.join(pairs, shapeless)).toThrowError(expect.objectContaining({ code: "INVALID_ARGUMENT", message: expect.stringContaining("getPartition") }));
    expect(() => pairs.cogroup(pairs, { numPartitions: 0, getPartition: () => 0 })).toThrowError(expect.objectContaining({ code: "INVALID_ARGUMENT" }));
  });
});
