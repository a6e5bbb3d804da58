// Batch (src/core/batch.ts), the RDD analog: actions, laziness, shuffles kept, cache().
import { describe, expect, it } from "vitest";
import { Batch } from "../../src/core/batch.ts";
import type { Pair } from "../../src/core/executor.ts";
import { sum } from "../../src/core/reducers.ts";
import { LocalExecutor } from "../../src/engine/local-executor.ts";

const executor = new LocalExecutor(2);
const of = <T>(records: readonly T[], n = 2): Batch<T> => Batch.fromRecords(records, n, executor);
const range = (from: number, to: number): number[] => Array.from({ length: to - from + 1 }, (_, i) => from + i);

/** A function that counts its calls. */
function counting<A extends unknown[], R>(f: (...args: A) => R): { f: (...args: A) => R; readonly calls: number } {
  const c = {
    calls: 0,
    f: (...args: A): R => {
      c.calls++;
      return f(...args);
    },
  };
  return c;
}

describe("Batch actions", () => {
  it("collect gives every record, partition after partition", async () => {
    expect(await Batch.fromPartitions([[1, 2], [], [3], [4, 5]], executor).collect()).toEqual([1, 2, 3, 4, 5]);
    expect(await of(range(1, 7), 3).collect()).toEqual(range(1, 7));
    expect(await of([], 4).collect()).toEqual([]);
  });

  it("collect returns a copy the caller may change", async () => {
    const b = Batch.fromPartitions([[1, 2]], executor);
    const first = await b.collect();
    first.push(99);
    expect(await b.collect()).toEqual([1, 2]);
  });

  it("count counts every record", async () => {
    expect(await of(range(1, 10), 3).count()).toBe(10);
    expect(await Batch.fromPartitions([[], [], []], executor).count()).toBe(0);
  });

  it("isEmpty is true only for a batch with no record", async () => {
    expect(await of([], 3).isEmpty()).toBe(true);
    expect(await Batch.fromPartitions([[], [0]], executor).isEmpty()).toBe(false);
    expect(await of([1, 2]).filter(() => false).isEmpty()).toBe(true);
  });

  it("take gives the first n records in partition order", async () => {
    const b = Batch.fromPartitions([[1], [], [2, 3, 4], [5]], executor);
    expect(await b.take(0)).toEqual([]);
    expect(await b.take(1)).toEqual([1]);
    expect(await b.take(3)).toEqual([1, 2, 3]);
    expect(await b.take(5)).toEqual([1, 2, 3, 4, 5]);
    expect(await b.take(100)).toEqual([1, 2, 3, 4, 5]);
  });

  it("take refuses a count that is not a non-negative integer, as top and takeOrdered do", async () => {
    // Spark's take(num: Int) takes a whole number; 1.5 is not rounded either way.
    const b = of([1, 2, 3, 4, 5], 3);
    for (const n of [1.5, -1, NaN, Infinity]) {
      await expect(b.take(n)).rejects.toThrow(expect.objectContaining({ name: "RivuletError", code: "INVALID_ARGUMENT" }));
    }
  });

  it("partitions gives the records of each partition; fromRecords slices as Spark's makeRDD", async () => {
    expect(await of([1, 2, 3, 4, 5], 2).partitions()).toEqual([[1, 2], [3, 4, 5]]);
    expect(await of([1, 2, 3, 4, 5], 3).partitions()).toEqual([[1], [2, 3], [4, 5]]);
    expect(await of([1, 2], 4).partitions()).toEqual([[], [1], [], [2]]);
    expect(of([1, 2], 4).numPartitions).toBe(4);
  });

  it("refuses a partition count that is not a positive integer", () => {
    expect(() => of([1], 0)).toThrow(/positive integer/);
    expect(() => of([1]).repartition(1.5)).toThrow(/positive integer/);
    expect(() => of<Pair<string, number>>([["a", 1]]).reduceByKey(sum, -1)).toThrow(/positive integer/);
    expect(() => of<Pair<string, number>>([["a", 1]]).cogroup(of<Pair<string, number>>([]), 0)).toThrow(/positive integer/);
  });
});

describe("Batch operators", () => {
  it("map, filter and flatMap fuse and keep order", async () => {
    const b = of(range(1, 10), 3)
      .map((x) => x * 2)
      .filter((x) => x % 3 !== 0)
      .flatMap((x) => [x, -x]);
    expect(await b.collect()).toEqual(
      range(1, 10)
        .map((x) => x * 2)
        .filter((x) => x % 3 !== 0)
        .flatMap((x) => [x, -x]),
    );
    expect(b.numPartitions).toBe(3);
  });

  it("mapPartitions and glom see the partitions with their indices", async () => {
    const b = of(range(1, 6), 3);
    expect(await b.glom().collect()).toEqual([[1, 2], [3, 4], [5, 6]]);
    expect(await b.mapPartitions((rs, i) => [i * 100 + rs.length]).collect()).toEqual([2, 102, 202]);
  });

  it("union puts this batch's partitions before the other's", async () => {
    const u = of([1, 2, 3], 2).union(of([4, 5], 1));
    expect(u.numPartitions).toBe(3);
    expect(await u.partitions()).toEqual([[1], [2, 3], [4, 5]]);
  });

  it("repartition keeps every record and balances the partitions", async () => {
    const r = of(range(1, 100), 3).repartition(4);
    expect(r.numPartitions).toBe(4);
    const parts = await r.partitions();
    expect(parts).toHaveLength(4);
    expect(parts.flat().sort((a, b) => a - b)).toEqual(range(1, 100));
    for (const p of parts) expect(Math.abs(p.length - 25)).toBeLessThanOrEqual(3);
  });

  it("countBatch and reduceBatch give one record, reduceBatch none for an empty batch", async () => {
    expect(await of(range(1, 5)).countBatch().collect()).toEqual([5]);
    expect(await of([]).countBatch().collect()).toEqual([0]);
    expect(await of(range(1, 5)).reduceBatch((a, b) => a + b).collect()).toEqual([15]);
    expect(await of<number>([]).reduceBatch((a, b) => a + b).collect()).toEqual([]);
  });

  it("reduceByKey and groupByKey give one record per key in numPartitions partitions; countByValue counts", async () => {
    const pairs = of<Pair<string, number>>([["a", 1], ["b", 2], ["a", 3], ["c", 4], ["a", 5]], 2);
    const reduced = pairs.reduceByKey(sum, 3);
    expect(reduced.numPartitions).toBe(3);
    expect((await reduced.partitions()).length).toBe(3);
    expect((await reduced.collect()).sort()).toEqual([["a", 9], ["b", 2], ["c", 4]]);
    expect(new Map(await pairs.groupByKey().collect())).toEqual(new Map([["a", [1, 3, 5]], ["b", [2]], ["c", [4]]]));
    expect(await of(["x", "y", "x"]).countByValue()).toEqual(new Map([["x", 2], ["y", 1]]));
  });
});

describe("Batch.groupByKey with large groups", () => {
  it("merges groups of any size from several partitions", async () => {
    // 2 input partitions of 200 000 values of one key each: the reduce side merges two groups of
    // 200 000. (Fails today with "RangeError: Maximum call stack size exceeded": the merge is
    // `a.push(...b)`, one call argument per value.)
    const n = 400_000;
    const grouped = of(Array.from({ length: n }, (_, i): Pair<string, number> => ["hot", i]), 2).groupByKey(1);
    const [[key, values]] = (await grouped.collect()) as [[string, number[]]];
    expect(key).toBe("hot");
    expect(values).toHaveLength(n);
    expect(values[0]).toBe(0);
    expect(values[n - 1]).toBe(n - 1);
  });
});

describe("Batch laziness", () => {
  it("runs nothing until an action", async () => {
    const m = counting((x: number) => x + 1);
    const r = counting((a: number, b: number) => a + b);
    const b = of(range(1, 10))
      .map(m.f)
      .map((x): Pair<number, number> => [x % 2, x])
      .reduceByKey(r.f)
      .map(([k, v]) => `${k}=${v}`)
      .filter((s) => s.length > 0);
    of(range(1, 10)).map(m.f).union(of([1]).map(m.f).repartition(2)).glom().countBatch();
    expect(m.calls).toBe(0);
    expect(r.calls).toBe(0);
    expect((await b.collect()).sort()).toEqual(["0=30", "1=35"]);
    expect(m.calls).toBe(10);
  });

  it("computes a shuffled batch once across two actions", async () => {
    const m = counting((x: number): Pair<string, number> => [x % 3 === 0 ? "fizz" : "other", 1]);
    const r = counting((a: number, b: number) => a + b);
    const shuffled = of(range(1, 30), 3).map(m.f).reduceByKey(r.f);
    expect(await shuffled.count()).toBe(2);
    const callsAfterFirst = [m.calls, r.calls];
    expect(callsAfterFirst[0]).toBe(30);
    expect((await shuffled.collect()).sort()).toEqual([["fizz", 10], ["other", 20]]);
    expect(await shuffled.take(1)).toHaveLength(1);
    expect(await shuffled.isEmpty()).toBe(false);
    expect([m.calls, r.calls]).toEqual(callsAfterFirst);
  });

  it("computes a shuffled batch once for every batch derived from it", async () => {
    const m = counting((x: number): Pair<number, number> => [x % 2, x]);
    const grouped = of(range(1, 8)).map(m.f).groupByKey();
    const a = grouped.map(([k, vs]) => [k, vs.length]);
    const b = grouped.flatMap(([, vs]) => vs);
    expect((await a.collect()).sort()).toEqual([[0, 4], [1, 4]]);
    expect((await b.collect()).sort((x, y) => x - y)).toEqual(range(1, 8));
    expect(m.calls).toBe(8);
  });

  it("recomputes a narrow batch on every action unless it is cached, as Spark's RDD", async () => {
    const m = counting((x: number) => x * 2);
    const b = of(range(1, 5)).map(m.f);
    await b.collect();
    await b.count();
    expect(m.calls).toBe(10);
  });

  it("cache() keeps a narrow batch's records for later actions", async () => {
    const m = counting((x: number) => x * 2);
    const b = of(range(1, 5)).map(m.f);
    expect(b.cache()).toBe(b);
    expect(m.calls).toBe(0); // cache() itself is lazy
    expect(await b.collect()).toEqual([2, 4, 6, 8, 10]);
    expect(await b.count()).toBe(5);
    expect(await b.take(2)).toEqual([2, 4]);
    expect(m.calls).toBe(5);
  });

  it("persist() is cache()", async () => {
    const m = counting((x: number) => x + 1);
    const b = of(range(1, 3)).map(m.f);
    expect(b.persist()).toBe(b);
    expect(await b.collect()).toEqual([2, 3, 4]);
    expect(await b.count()).toBe(3);
    expect(m.calls).toBe(3);
  });

  it("cache() makes batches derived from a cached batch read its records", async () => {
    const m = counting((x: number) => x * 2);
    const cached = of(range(1, 5)).map(m.f).cache();
    const plusOne = cached.map((x) => x + 1);
    const evens = cached.filter((x) => x % 4 === 0);
    expect(await plusOne.collect()).toEqual([3, 5, 7, 9, 11]);
    expect(await evens.collect()).toEqual([4, 8]);
    expect(await cached.collect()).toEqual([2, 4, 6, 8, 10]);
    expect(m.calls).toBe(5);
  });

  it("cache() on a batch also serves the batches derived from it before the call (as Spark's persist)", async () => {
    // In Spark, `b = a.map(f); c = b.map(g); b.cache(); c.count(); b.count()` runs f once per
    // record: marking b persisted is enough, whenever c was defined. (Fails today: Batch.narrow
    // fuses b's plan into c at definition time, so c neither reads nor fills b's cache, and f
    // runs twice per record.)
    const m = counting((x: number) => x * 2);
    const b = of(range(1, 5)).map(m.f);
    const c = b.map((x) => x + 1);
    b.cache();
    expect(await c.collect()).toEqual([3, 5, 7, 9, 11]);
    expect(await b.collect()).toEqual([2, 4, 6, 8, 10]);
    expect(m.calls).toBe(5);
  });

  it("a failing function fails the action, not the definition", async () => {
    const b = of([1, 2, 3]).map((x) => {
      if (x === 2) throw new Error("boom");
      return x;
    });
    await expect(b.collect()).rejects.toThrow("boom");
  });
});
