// The RDD transformations of a batch that are not set operators: sortByKey, keys, values, keyBy,
// zipWithIndex, coalesce (src/core/batch-layout.ts) and sample (src/core/sample.ts).
import { describe, expect, it } from "vitest";
import { Batch } from "../../src/core/batch.ts";
import type { Pair } from "../../src/core/executor.ts";
import { LocalExecutor } from "../../src/engine/local-executor.ts";

const executor = new LocalExecutor(2);
const of = <T>(records: readonly T[], n = 2): Batch<T> => Batch.fromRecords(records, n, executor);
const parts = <T>(...partitions: T[][]): Batch<T> => Batch.fromPartitions(partitions, executor);
const range = (from: number, to: number): number[] => Array.from({ length: to - from + 1 }, (_, i) => from + i);

describe("Batch.sortByKey", () => {
  const pairs = parts<Pair<string, number>>([["b", 1], ["a", 2]], [["c", 3], ["a", 4]], [["__proto__", 5]]);

  it("orders pairs by key, ascending by default, ties in batch order, in this batch's partition count", async () => {
    const s = pairs.sortByKey();
    expect(s.numPartitions).toBe(3);
    expect(await s.collect()).toEqual([["__proto__", 5], ["a", 2], ["a", 4], ["b", 1], ["c", 3]]);
    expect(await pairs.sortByKey(false).collect()).toEqual([["c", 3], ["b", 1], ["a", 2], ["a", 4], ["__proto__", 5]]);
  });

  it("cuts the order into numPartitions contiguous ranges", async () => {
    const s = pairs.sortByKey(true, 2);
    expect(s.numPartitions).toBe(2);
    expect(await s.partitions()).toEqual([[["__proto__", 5], ["a", 2]], [["a", 4], ["b", 1], ["c", 3]]]);
    expect(() => pairs.sortByKey(true, 0)).toThrow(/positive integer/);
  });

  it("orders numbers numerically with NaN last and -0 level with 0, and tuples element by element", async () => {
    const numbers = of<Pair<number, string>>([[NaN, "nan"], [10, "ten"], [-0, "minus zero"], [2, "two"], [0, "zero"]], 2);
    expect((await numbers.sortByKey().collect()).map(([, v]) => v)).toEqual(["minus zero", "zero", "two", "ten", "nan"]);
    expect((await numbers.sortByKey(false).collect()).map(([, v]) => v)).toEqual(["nan", "ten", "two", "minus zero", "zero"]);
    const tuples = of<Pair<[number, string], number>>([[[1, "b"], 1], [[0, "z"], 2], [[1, "a"], 3]]);
    expect(await tuples.sortByKey().values().collect()).toEqual([2, 3, 1]);
  });

  it("keeps the records and their type; empty batches stay empty", async () => {
    const record = ["k", { deep: true }] as const;
    const s: Batch<readonly ["k", { deep: boolean }]> = of([record]).sortByKey();
    expect((await s.collect())[0]).toBe(record);
    expect(await parts<Pair<string, number>>([], []).sortByKey().collect()).toEqual([]);
    // @ts-expect-error keys need a natural order
    const unordered = () => of<Pair<{ id: number }, number>>([]).sortByKey();
    expect(typeof unordered).toBe("function");
  });
});

describe("Batch.keys, Batch.values and Batch.keyBy", () => {
  it("take pairs apart and make them, partitions unchanged", async () => {
    const pairs = parts<Pair<string, number>>([["a", 1], ["__proto__", 2]], [], [["a", 3]]);
    expect(await pairs.keys().partitions()).toEqual([["a", "__proto__"], [], ["a"]]);
    expect(await pairs.values().partitions()).toEqual([[1, 2], [], [3]]);
    const keyed = parts(["apple", "bob"], ["cherry"]).keyBy((s) => s.length);
    expect(await keyed.partitions()).toEqual([[[5, "apple"], [3, "bob"]], [[6, "cherry"]]]);
    expect(await parts<string>([]).keyBy((s) => s).collect()).toEqual([]);
  });
});

describe("Batch.zipWithIndex", () => {
  it("numbers records in partition order, partitions unchanged", async () => {
    const z = parts(["a", "b"], [], ["c"], ["d"]).zipWithIndex();
    expect(z.numPartitions).toBe(4);
    expect(await z.partitions()).toEqual([[["a", 0], ["b", 1]], [], [["c", 2]], [["d", 3]]]);
    expect(await parts<string>([], []).zipWithIndex().partitions()).toEqual([[], []]);
  });

  it("is lazy and numbers the same records on every action", async () => {
    let calls = 0;
    const z = of(range(1, 6), 3)
      .map((x) => (calls++, x * 10))
      .zipWithIndex();
    expect(calls).toBe(0);
    expect(await z.collect()).toEqual(range(1, 6).map((x, i) => [x * 10, i]));
    expect(await z.filter(([, i]) => i >= 4).collect()).toEqual([[50, 4], [60, 5]]);
  });
});

describe("Batch.coalesce", () => {
  const five = parts([1], [2], [3], [4], [5]);

  it("merges contiguous partitions, keeping record order (Spark's coalescer)", async () => {
    expect(await five.coalesce(2).partitions()).toEqual([[1, 2], [3, 4, 5]]);
    expect(await five.coalesce(3).partitions()).toEqual([[1], [2, 3], [4, 5]]);
    expect(await five.coalesce(1).partitions()).toEqual([[1, 2, 3, 4, 5]]);
    expect(await parts([1, 2], [], [3], []).coalesce(2).partitions()).toEqual([[1, 2], [3]]);
  });

  it("cannot add partitions without a shuffle; with one it is repartition", async () => {
    const more = five.coalesce(10);
    expect(more.numPartitions).toBe(5);
    expect(await more.partitions()).toEqual([[1], [2], [3], [4], [5]]);
    const shuffled = five.coalesce(10, true);
    expect(shuffled.numPartitions).toBe(10);
    expect((await shuffled.collect()).sort()).toEqual([1, 2, 3, 4, 5]);
  });

  it("keeps hash partitioning only when nothing is merged", () => {
    const reduced = of<Pair<string, number>>([["a", 1], ["b", 2], ["c", 3]]).reduceByKey((x, y) => x + y, 4);
    expect(reduced.coalesce(4).hashPartitioned).toBe(true);
    expect(reduced.coalesce(8).hashPartitioned).toBe(true);
    expect(reduced.coalesce(2).hashPartitioned).toBe(false);
  });

  it("refuses a partition count that is not a positive integer", () => {
    expect(() => five.coalesce(0)).toThrow(/positive integer/);
    expect(() => five.coalesce(2.5)).toThrow(/positive integer/);
    expect(() => five.coalesce(NaN)).toThrow(/positive integer/);
  });
});

describe("Batch.sample", () => {
  const twenty = of(range(1, 20), 2);

  it("is the same sample for the same seed, on every runtime (pinned outputs)", async () => {
    expect(await twenty.sample(false, 0.5, 42).partitions()).toEqual([[1, 2, 5, 8, 9], [11, 14, 15, 16, 17, 19]]);
    expect(await twenty.sample(true, 0.5, 42).partitions()).toEqual([[3, 5, 8, 9, 9], [12, 12, 16, 17, 18, 19, 20]]);
    expect(await twenty.sample(false, 0.5, 43).partitions()).toEqual([[1, 4, 5, 6, 9], [12, 13, 14, 16, 17, 18, 20]]);
    expect(await twenty.sample(false, 0.5, 42).collect()).toEqual(await twenty.sample(false, 0.5, 42).collect());
  });

  it("draws a seed once when none is given, so every action sees the same sample", async () => {
    const s = of(range(1, 1000), 4).sample(false, 0.5);
    const first = await s.collect();
    expect(await s.collect()).toEqual(first);
    expect(await s.count()).toBe(first.length);
  });

  it("keeps records in their partitions and in order", async () => {
    const s = of(range(1, 100), 4).sample(true, 1.5, 7);
    expect(s.numPartitions).toBe(4);
    (await s.partitions()).forEach((p, i) => {
      for (const x of p) expect(Math.floor((x - 1) / 25)).toBe(i);
      expect(p).toEqual(p.slice().sort((a, b) => a - b));
    });
  });

  it("keeps each record with probability fraction (Bernoulli) or a Poisson number of times", async () => {
    const n = 10_000;
    const records = of(range(1, n), 4);
    // Within five standard deviations of the expected count.
    const bernoulli = await records.sample(false, 0.3, 1).count();
    expect(Math.abs(bernoulli - 0.3 * n)).toBeLessThan(5 * Math.sqrt(n * 0.3 * 0.7));
    expect(new Set(await records.sample(false, 0.3, 1).collect()).size).toBe(bernoulli);
    const poisson = await records.sample(true, 2, 1).count();
    expect(Math.abs(poisson - 2 * n)).toBeLessThan(5 * Math.sqrt(2 * n));
    // A large mean (drawn as a sum of small ones): mean and variance both near 40.
    const copies = new Map<number, number>();
    for (const x of await of(range(1, 1000)).sample(true, 40, 3).collect()) copies.set(x, (copies.get(x) ?? 0) + 1);
    const counts = range(1, 1000).map((x) => copies.get(x) ?? 0);
    const mean = counts.reduce((a, b) => a + b) / counts.length;
    const variance = counts.reduce((a, b) => a + (b - mean) ** 2, 0) / counts.length;
    expect(Math.abs(mean - 40)).toBeLessThan(1);
    expect(Math.abs(variance - 40)).toBeLessThan(10);
  });

  it("gives nothing for fraction 0 and everything for fraction 1 without replacement", async () => {
    expect(await twenty.sample(false, 0).collect()).toEqual([]);
    expect(await twenty.sample(true, 0).collect()).toEqual([]);
    expect(await twenty.sample(false, 1).collect()).toEqual(range(1, 20));
    expect(await parts<number>([], []).sample(true, 3, 1).collect()).toEqual([]);
  });

  it("refuses a fraction outside its range", () => {
    for (const [withReplacement, fraction] of [[false, -0.1], [false, 1.5], [false, NaN], [true, -1], [true, Infinity]] as const) {
      expect(() => twenty.sample(withReplacement, fraction, 1)).toThrow(expect.objectContaining({ code: "INVALID_ARGUMENT" }));
    }
    expect(() => twenty.sample(true, 1.5, 1)).not.toThrow();
  });
});
