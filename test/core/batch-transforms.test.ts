// The RDD transformations of a batch that are not set operators: sortByKey, keys, values, keyBy,
// zipWithIndex, coalesce (src/core/batch-layout.ts) and sample (src/core/sample.ts).
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Batch } from "../../src/core/batch.ts";
import type { Pair } from "../../src/core/executor.ts";
import { poisson } from "../../src/core/sample.ts";
import { LocalExecutor } from "../../src/engine/local-executor.ts";
import { prng } from "../support/random.ts";

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

  it("cuts the order into numPartitions contiguous key ranges, each key in one partition", async () => {
    // As Spark's RangePartitioner: a key's records never straddle two partitions, so "a" goes
    // whole to the first (range bounds are inclusive) rather than being cut at the middle.
    const s = pairs.sortByKey(true, 2);
    expect(s.numPartitions).toBe(2);
    expect(await s.partitions()).toEqual([[["__proto__", 5], ["a", 2], ["a", 4]], [["b", 1], ["c", 3]]]);
    expect(await pairs.sortByKey(false, 2).partitions()).toEqual([[["c", 3], ["b", 1]], [["a", 2], ["a", 4], ["__proto__", 5]]]);
    expect(() => pairs.sortByKey(true, 0)).toThrow(/positive integer/);
  });

  it("keeps every key in one partition, ranges disjoint and as even as the keys allow", async () => {
    const b = of<Pair<number, string>>([[1, "a"], [1, "b"], [1, "c"], [2, "d"]], 2);
    expect(await b.sortByKey(true, 2).partitions()).toEqual([[[1, "a"], [1, "b"], [1, "c"]], [[2, "d"]]]);
    // Distinct keys are cut as fromRecords cuts records; -0 and 0, NaN and NaN are one key each.
    expect(await of<Pair<number, number>>(range(1, 5).map((k) => [k, k])).sortByKey(true, 2).keys().glom().collect()).toEqual([[1, 2], [3, 4, 5]]);
    const zeros = of<Pair<number, string>>([[0, "a"], [NaN, "b"], [-0, "c"], [NaN, "d"]]);
    expect(await zeros.sortByKey(true, 2).values().glom().collect()).toEqual([["a", "c"], ["b", "d"]]);
    // A key heavier than an even share leaves a partition empty; the count stays as asked.
    const heavy = of<Pair<string, number>>([["a", 1], ["b", 2], ["b", 3], ["b", 4], ["b", 5], ["b", 6], ["c", 7]]);
    const s = heavy.sortByKey(true, 3);
    expect(s.numPartitions).toBe(3);
    expect(await s.keys().glom().collect()).toEqual([["a"], ["b", "b", "b", "b", "b"], ["c"]]);
    expect(await heavy.sortByKey(true, 4).keys().glom().collect()).toEqual([["a"], [], ["b", "b", "b", "b", "b"], ["c"]]);
    expect(await of<Pair<string, number>>([["k", 1], ["k", 2], ["k", 3]]).sortByKey(true, 3).keys().glom().collect()).toEqual([[], ["k", "k", "k"], []]);
  });

  it("range-partitions any batch: each key in one partition, the partitions in order (property)", async () => {
    const records = fc.array(fc.tuple(fc.integer({ min: 0, max: 6 }), fc.nat()), { maxLength: 60 });
    await fc.assert(
      fc.asyncProperty(records, fc.integer({ min: 1, max: 8 }), fc.boolean(), async (pairs, n, ascending) => {
        const ps = await of<Pair<number, number>>(pairs, 3).sortByKey(ascending, n).partitions();
        expect(ps).toHaveLength(n);
        const stable = pairs.slice().sort((x, y) => (ascending ? x[0] - y[0] : y[0] - x[0]));
        expect(ps.flat()).toEqual(stable);
        const partitionOf = new Map<number, number>();
        ps.forEach((p, i) => {
          for (const [k] of p) expect(partitionOf.get(k) ?? i).toBe(i);
          for (const [k] of p) partitionOf.set(k, i);
        });
      }),
    );
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
    // A mean above the product-of-uniforms range (drawn by transformed rejection): mean and
    // variance both near 40.
    const copies = new Map<number, number>();
    for (const x of await of(range(1, 1000)).sample(true, 40, 3).collect()) copies.set(x, (copies.get(x) ?? 0) + 1);
    const counts = range(1, 1000).map((x) => copies.get(x) ?? 0);
    const mean = counts.reduce((a, b) => a + b) / counts.length;
    const variance = counts.reduce((a, b) => a + (b - mean) ** 2, 0) / counts.length;
    expect(Math.abs(mean - 40)).toBeLessThan(1);
    expect(Math.abs(variance - 40)).toBeLessThan(10);
  });

  it("draws Poisson counts of a large mean in constant time, with mean and variance the mean", () => {
    // As Spark's PoissonSampler, whose commons-math PoissonDistribution samples a large mean in
    // constant time; here Hörmann's PTRS, checked against the Poisson moments.
    for (const [mean, seed] of [[1e3, 1], [1e6, 2], [1e9, 3]] as const) {
      const uniform = prng(seed);
      let calls = 0;
      const random = (): number => (calls++, uniform());
      const n = 20_000;
      let s = 0;
      let s2 = 0;
      for (let i = 0; i < n; i++) {
        const d = poisson(mean, random) - mean;
        s += d;
        s2 += d * d;
      }
      const m = s / n;
      const variance = s2 / n - m * m;
      // Within five standard errors: of the mean, sqrt(mean / n); of the variance, about mean * sqrt(2 / n).
      expect(Math.abs(m)).toBeLessThan(5 * Math.sqrt(mean / n));
      expect(Math.abs(variance / mean - 1)).toBeLessThan(5 * Math.sqrt(2 / n));
      // About two uniforms a draw (rejections are rare), however large the mean.
      expect(calls / n).toBeLessThan(3);
    }
  });

  it("samples one record a large number of times with replacement", async () => {
    const copies = await of([7], 1).sample(true, 1e5, 1).collect();
    expect(Math.abs(copies.length - 1e5)).toBeLessThan(5 * Math.sqrt(1e5));
    expect(copies.every((x) => x === 7)).toBe(true);
  });

  it("gives nothing for fraction 0 and everything for fraction 1 without replacement", async () => {
    expect(await twenty.sample(false, 0).collect()).toEqual([]);
    expect(await twenty.sample(true, 0).collect()).toEqual([]);
    expect(await twenty.sample(false, 1).collect()).toEqual(range(1, 20));
    expect(await parts<number>([], []).sample(true, 3, 1).collect()).toEqual([]);
  });

  it("refuses a fraction outside its range", () => {
    // With replacement, at most the largest array length: one record's copies fill a partition.
    for (const [withReplacement, fraction] of [[false, -0.1], [false, 1.5], [false, NaN], [true, -1], [true, Infinity], [true, 2 ** 32], [true, 1e18]] as const) {
      expect(() => twenty.sample(withReplacement, fraction, 1)).toThrow(expect.objectContaining({ code: "INVALID_ARGUMENT" }));
    }
    expect(() => twenty.sample(true, 1.5, 1)).not.toThrow();
  });
});
