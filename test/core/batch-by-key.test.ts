// Per-key aggregations with a zero value and groupBy (src/core/batch-by-key.ts): aggregateByKey,
// foldByKey (zero copied per key as Spark deserializes it) and groupBy.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Batch } from "../../src/core/batch.ts";
import { RivuletError } from "../../src/core/errors.ts";
import type { Pair } from "../../src/core/executor.ts";
import { canonicalKey, KeyMap } from "../../src/core/keys.ts";
import { HashPartitioner } from "../../src/core/partitioner.ts";
import { LocalExecutor } from "../../src/engine/local-executor.ts";

const executor = new LocalExecutor(2);
const of = <T>(records: readonly T[], n = 2): Batch<T> => Batch.fromRecords(records, n, executor);
const parts = <T>(...partitions: T[][]): Batch<T> => Batch.fromPartitions(partitions, executor);
const byKey = <K, V>(records: readonly Pair<K, V>[]): [K, V][] =>
  records.map(([k, v]): [K, V] => [k, v]).sort(([a], [b]) => (canonicalKey(a) < canonicalKey(b) ? -1 : canonicalKey(a) > canonicalKey(b) ? 1 : 0));

/** Partition sizes cutting `records` into consecutive partitions (some empty). */
const partitioned = <T>(records: fc.Arbitrary<T[]>): fc.Arbitrary<T[][]> =>
  records.chain((rs) =>
    fc.array(fc.integer({ min: 0, max: rs.length }), { maxLength: 4 }).map((cuts) => {
      const at = [0, ...cuts.sort((a, b) => a - b), rs.length];
      return at.slice(1).map((end, i) => rs.slice(at[i], end));
    }),
  );

describe("Batch.aggregateByKey", () => {
  it("folds each key's values per input partition from zero, then merges the partitions' accumulators", async () => {
    // Partition 0: a=1, a=2, b=3; partition 1: a=4, b=5. seqOp takes [sum, count]; combOp adds.
    const batch = parts<Pair<string, number>>([["a", 1], ["a", 2], ["b", 3]], [["a", 4], ["b", 5]]);
    const out = batch.aggregateByKey(
      [0, 0] as [number, number],
      ([s, n], v): [number, number] => [s + v, n + 1],
      ([s1, n1], [s2, n2]): [number, number] => [s1 + s2, n1 + n2],
    );
    expect(byKey(await out.collect())).toEqual([["a", [7, 3]], ["b", [8, 2]]]);
    expect(out.numPartitions).toBe(2);
    expect(out.hashPartitioned).toBe(true);
    expect(batch.aggregateByKey(0, (a, v) => a + v, (a, b) => a + b, 3).numPartitions).toBe(3);
  });

  it("counts the zero once per key and input partition, as Spark", async () => {
    // zero 10 with a sum: a appears in both partitions (10 + 1 + 2, 10 + 4), b in one.
    const batch = parts<Pair<string, number>>([["a", 1], ["a", 2]], [["a", 4], ["b", 5]]);
    const out = await batch.aggregateByKey(10, (acc, v) => acc + v, (x, y) => x + y).collect();
    expect(byKey(out)).toEqual([["a", 27], ["b", 15]]);
  });

  it("gives each key its own copy of a mutable zero, which seqOp and combOp may change in place", async () => {
    const zero = new Set<number>();
    const batch = parts<Pair<string, number>>([["a", 1], ["b", 2], ["a", 1]], [["a", 3], ["b", 2]]);
    const out = batch.aggregateByKey(
      zero,
      (set, v) => set.add(v),
      (x, y) => {
        for (const v of y) x.add(v);
        return x;
      },
    );
    const sets = byKey(await out.collect()).map(([k, s]) => [k, [...s].sort()]);
    expect(sets).toEqual([["a", [1, 3]], ["b", [2]]]);
    expect(zero.size).toBe(0);
    // Copied at the call, as Spark serializes it then: a later change to the caller's object does not count.
    const arrays = parts<Pair<string, number>>([["a", 1]], [["b", 2]]);
    const start: number[] = [];
    const pushed = arrays.aggregateByKey(start, (acc, v) => (acc.push(v), acc), (x, y) => x.concat(y));
    start.push(99);
    expect(byKey(await pushed.collect())).toEqual([["a", [1]], ["b", [2]]]);
  });

  it("copies plain objects, Maps and Dates, uses primitives as they are, and refuses what structuredClone cannot copy", async () => {
    const batch = of<Pair<string, number>>([["a", 1], ["a", 2], ["b", 3]], 1);
    const counts = await batch
      .aggregateByKey(new Map<string, number>(), (m, v) => m.set(String(v), 1), (x, y) => new Map([...x, ...y]))
      .collectAsMap();
    expect([...counts.get("a")!.keys()]).toEqual(["1", "2"]);
    expect([...counts.get("b")!.keys()]).toEqual(["3"]);
    const objects = await batch.aggregateByKey({ total: 0 }, (o, v) => ((o.total += v), o), (x, y) => ({ total: x.total + y.total })).collectAsMap();
    expect(objects.get("a")).toEqual({ total: 3 });
    const symbol: symbol = Symbol("zero");
    expect(byKey(await batch.aggregateByKey(symbol, (s) => s, (s) => s).collect())).toEqual([["a", symbol], ["b", symbol]]);
    expect(await batch.aggregateByKey(null as number | null, (acc, v) => (acc ?? 0) + v, (x, y) => (x ?? 0) + (y ?? 0)).collectAsMap()).toEqual(
      new Map([["a", 3], ["b", 3]]),
    );
    class Acc {
      total = 0;
    }
    const refused = (zero: unknown) => {
      try {
        batch.aggregateByKey(zero, (a) => a, (a) => a);
      } catch (e) {
        return e;
      }
      return undefined;
    };
    for (const zero of [new Acc(), () => 0, { f: () => 0 }]) {
      const error = refused(zero);
      expect(error).toBeInstanceOf(RivuletError);
      expect((error as RivuletError).code).toBe("INVALID_ARGUMENT");
    }
    expect(String(refused(new Acc()))).toMatch(/Acc/);
  });

  it("equals a reference fold of each key's values per partition (property)", async () => {
    const key = fc.oneof(fc.constantFrom("a", "b", "__proto__", NaN, -0, 0), fc.tuple(fc.nat(1), fc.constantFrom("x", "y")));
    await fc.assert(
      fc.asyncProperty(partitioned(fc.array(fc.tuple(key, fc.integer({ min: -50, max: 50 })), { maxLength: 30 })), fc.integer({ min: 1, max: 4 }), async (ps, n) => {
        // A non-commutative accumulator: the values in order, per partition, partitions concatenated.
        const out = await parts<Pair<unknown, number>>(...ps)
          .aggregateByKey([] as number[][], (acc, v) => {
            if (acc.length === 0) acc.push([]);
            acc[0]!.push(v);
            return acc;
          }, (x, y) => x.concat(y), n)
          .collect();
        const expected = new KeyMap<number[][]>();
        for (const p of ps) {
          const local = new KeyMap<number[]>();
          for (const [k, v] of p) {
            const vs = local.get(k) ?? [];
            vs.push(v);
            local.set(k, vs);
          }
          local.forEach((vs, k) => expected.set(k, [...(expected.get(k) ?? []), vs]));
        }
        expect(out.length).toBe(expected.size);
        for (const [k, acc] of out) expect(acc).toEqual(expected.get(k));
      }),
    );
  });
});

describe("Batch.foldByKey", () => {
  it("folds each key's values from a neutral zero", async () => {
    const batch = parts<Pair<string, number>>([["a", 1], ["b", 2]], [["a", 3], ["c", 4], ["a", 5]]);
    expect(byKey(await batch.foldByKey(0, (x, y) => x + y).collect())).toEqual([["a", 9], ["b", 2], ["c", 4]]);
    expect(byKey(await batch.foldByKey(1, (x, y) => x * y).collect())).toEqual([["a", 15], ["b", 2], ["c", 4]]);
    // A zero that is not neutral counts once per key and input partition.
    expect(byKey(await batch.foldByKey(100, (x, y) => x + y).collect())).toEqual([["a", 209], ["b", 102], ["c", 104]]);
    expect(batch.foldByKey(0, (x, y) => x + y, 4).numPartitions).toBe(4);
  });

  it("copies a mutable zero per key", async () => {
    const batch = parts<Pair<string, number[]>>([["a", [1]], ["b", [2]]], [["a", [3]]]);
    const out = await batch.foldByKey([], (acc, vs) => (acc.push(...vs), acc)).collectAsMap();
    expect(out).toEqual(new Map([["a", [1, 3]], ["b", [2]]]));
  });

  it("gives reduceByKey's sums for a zero of 0 (property)", async () => {
    await fc.assert(
      fc.asyncProperty(partitioned(fc.array(fc.tuple(fc.constantFrom("a", "b", "c"), fc.integer({ min: -9, max: 9 })), { maxLength: 30 })), async (ps) => {
        const batch = parts<Pair<string, number>>(...ps);
        const add = (x: number, y: number) => x + y;
        expect(byKey(await batch.foldByKey(0, add).collect())).toEqual(byKey(await batch.reduceByKey(add).collect()));
      }),
    );
  });
});

describe("Batch.groupBy", () => {
  it("groups records by f(record), in arrival order, hash-partitioned by the group key", async () => {
    const batch = of([1, 2, 3, 4, 5, 6, 7], 3);
    const out = batch.groupBy((x) => x % 3);
    expect(out.numPartitions).toBe(3);
    expect(byKey(await out.collect())).toEqual([[0, [3, 6]], [1, [1, 4, 7]], [2, [2, 5]]]);
    const partitioner = new HashPartitioner(3);
    (await out.partitions()).forEach((p, i) => p.forEach(([k]) => expect(partitioner.getPartition(k)).toBe(i)));
    expect(batch.groupBy((x) => x % 2, 5).numPartitions).toBe(5);
  });

  it("compares group keys by the key rules", async () => {
    const out = await of<number>([0, -0, NaN, NaN, 1]).groupBy((x) => [Number.isNaN(x) ? NaN : x]).collect();
    expect(out.map(([, xs]) => xs.length).sort()).toEqual([1, 2, 2]);
  });
});
