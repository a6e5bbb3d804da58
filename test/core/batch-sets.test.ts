// The set operators of a batch (src/core/batch-sets.ts): distinct, subtract, subtractByKey,
// intersection (through the shuffles, under the key rules) and cartesian.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Batch } from "../../src/core/batch.ts";
import type { Pair } from "../../src/core/executor.ts";
import { canonicalKey } from "../../src/core/keys.ts";
import { HashPartitioner } from "../../src/core/partitioner.ts";
import { LocalExecutor } from "../../src/engine/local-executor.ts";

const executor = new LocalExecutor(2);
const of = <T>(records: readonly T[], n = 2): Batch<T> => Batch.fromRecords(records, n, executor);
const parts = <T>(...partitions: T[][]): Batch<T> => Batch.fromPartitions(partitions, executor);

/** Records in a canonical order (by their canonical key), for outputs whose order is the shuffle's. */
const canonicalSort = <T>(records: readonly T[]): T[] => records.slice().sort((a, b) => (canonicalKey(a) < canonicalKey(b) ? -1 : canonicalKey(a) > canonicalKey(b) ? 1 : 0));

/** Every record sits in the partition its hash names (the output of a shuffle into `n`). */
async function expectHashPlaced(batch: Batch<unknown>, keyOf: (record: never) => unknown = (r) => r): Promise<void> {
  const partitioner = new HashPartitioner(batch.numPartitions);
  (await batch.partitions()).forEach((p, i) => {
    for (const r of p) expect(partitioner.getPartition(keyOf(r as never))).toBe(i);
  });
}

/** The special keys of keys.ts, mixed with ordinary ones. */
const keyish = fc.oneof(
  fc.constantFrom<unknown>("__proto__", "constructor", "a", "b", NaN, -0, 0, 1, 2),
  fc.tuple(fc.constantFrom(0, -0, 1), fc.constantFrom("x", "__proto__")),
);

/** Keeps the first record of each canonical key: the reference for distinct. */
const dedupe = <T>(records: readonly T[]): T[] => {
  const seen = new Set<string>();
  return records.filter((r) => !seen.has(canonicalKey(r)) && (seen.add(canonicalKey(r)), true));
};

describe("Batch.distinct", () => {
  it("keeps each record once, hash-partitioned into this batch's partition count", async () => {
    const b = parts([1, 2, 2], [3, 1], [], [2]);
    const d = b.distinct();
    expect(d.numPartitions).toBe(4);
    expect((await d.collect()).sort()).toEqual([1, 2, 3]);
    await expectHashPlaced(d);
    const two = b.distinct(2);
    expect(two.numPartitions).toBe(2);
    expect((await two.collect()).sort()).toEqual([1, 2, 3]);
    await expectHashPlaced(two);
    expect(await parts<number>([], []).distinct().collect()).toEqual([]);
  });

  it("compares by the key rules and keeps each record's first occurrence", async () => {
    const tuple = [1, "a"] as const;
    const d = await parts<unknown>([NaN, -0, "__proto__", tuple], [NaN, 0, "__proto__", [1, "a"], "constructor", [1, "b"]]).distinct(3).collect();
    expect(canonicalSort(d)).toEqual(canonicalSort([NaN, -0, "__proto__", [1, "a"], "constructor", [1, "b"]]));
    expect(d.find((x) => Array.isArray(x) && x[1] === "a")).toBe(tuple);
    expect(d.some((x) => Object.is(x, -0))).toBe(true);
  });

  it("refuses a bad partition count", () => {
    expect(() => of([1]).distinct(0)).toThrow(/positive integer/);
  });

  it("equals a first-occurrence dedupe (property)", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(keyish, { maxLength: 40 }), fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 4 }), async (records, inParts, outParts) => {
        const d = await of(records, inParts).distinct(outParts).collect();
        expect(canonicalSort(d).map(canonicalKey)).toEqual(canonicalSort(dedupe(records)).map(canonicalKey));
      }),
      { numRuns: 150 },
    );
  });
});

describe("Batch.subtract", () => {
  it("keeps every occurrence of the records missing from other", async () => {
    const b = parts([1, 2, 2, 3], [4, 2, 1]);
    const s = b.subtract(of([2, 5], 3));
    expect(s.numPartitions).toBe(2);
    expect((await s.collect()).sort()).toEqual([1, 1, 3, 4]);
    expect((await b.subtract(of([]), 3).collect()).sort()).toEqual([1, 1, 2, 2, 2, 3, 4]);
    expect(b.subtract(of([]), 3).numPartitions).toBe(3);
    expect(await of<number>([]).subtract(of([1])).collect()).toEqual([]);
    expect(await b.subtract(b).collect()).toEqual([]);
  });

  it("compares by the key rules and gives this batch's records as they were", async () => {
    const kept = [7, "x"] as const;
    const s = await of<unknown>([-0, NaN, "__proto__", "constructor", [1, "x"], kept, "y"], 3)
      .subtract(of<unknown>([0, NaN, "__proto__", [1, "x"]]))
      .collect();
    expect(canonicalSort(s)).toEqual(canonicalSort(["constructor", [7, "x"], "y"]));
    expect(s.find(Array.isArray)).toBe(kept);
  });

  it("equals filtering out what other holds (property)", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(keyish, { maxLength: 30 }), fc.array(keyish, { maxLength: 30 }), fc.integer({ min: 1, max: 4 }), async (a, b, n) => {
        const out = await of(a, 3).subtract(of(b, 2), n).collect();
        const gone = new Set(b.map(canonicalKey));
        expect(canonicalSort(out).map(canonicalKey)).toEqual(canonicalSort(a.filter((x) => !gone.has(canonicalKey(x)))).map(canonicalKey));
      }),
      { numRuns: 150 },
    );
  });
});

describe("Batch.subtractByKey", () => {
  it("keeps every pair whose key is missing from other, hash-partitioned by key", async () => {
    const b = parts<Pair<string, number>>([["a", 1], ["b", 2]], [["a", 3], ["c", 4]], [["d", 5]]);
    const s = b.subtractByKey(of<Pair<string, boolean>>([["b", true], ["z", false]]));
    expect(s.numPartitions).toBe(3);
    expect(s.hashPartitioned).toBe(true);
    expect((await s.collect()).sort()).toEqual([["a", 1], ["a", 3], ["c", 4], ["d", 5]]);
    await expectHashPlaced(s, (r: Pair<string, number>) => r[0]);
    expect((await b.subtractByKey(of<Pair<string, number>>([]), 1).partitions()).map((p) => p.length)).toEqual([5]);
  });

  it("compares keys by the key rules", async () => {
    const b = of<Pair<unknown, number>>([[NaN, 1], [-0, 2], ["__proto__", 3], [[1, "t"], 4], ["constructor", 5], [NaN, 6]], 2);
    const s = await b.subtractByKey(of<Pair<unknown, null>>([[NaN, null], [0, null], ["__proto__", null], [[1, "t"], null]])).collect();
    expect(s).toEqual([["constructor", 5]]);
  });

  it("reads a hash-partitioned batch in place and stays correct after it", async () => {
    const counts = of<Pair<string, number>>([["a", 1], ["b", 1], ["a", 1], ["c", 1]], 2).reduceByKey((x, y) => x + y, 2);
    const s = counts.subtractByKey(of<Pair<string, number>>([["b", 0]]));
    expect(canonicalSort(await s.collect())).toEqual([["a", 2], ["c", 1]]);
    await expectHashPlaced(s, (r: Pair<string, number>) => r[0]);
  });
});

describe("Batch.intersection", () => {
  it("keeps records present in both batches once each", async () => {
    const i = of([1, 2, 2, 3, 5], 3).intersection(of([2, 3, 3, 4], 2));
    expect(i.numPartitions).toBe(3); // the larger batch's, as Spark's defaultPartitioner
    expect((await i.collect()).sort()).toEqual([2, 3]);
    await expectHashPlaced(i);
    expect(of([1]).intersection(of([1]), 5).numPartitions).toBe(5);
    expect(await of([1, 2]).intersection(of<number>([])).collect()).toEqual([]);
    expect(await of<number>([]).intersection(of([1, 2])).collect()).toEqual([]);
  });

  it("compares by the key rules and gives the first occurrence in this batch", async () => {
    const mine = ["k", 0] as const;
    const i = await of<unknown>([-0, NaN, NaN, "__proto__", mine, ["k", 0], "constructor", "only-here"], 3)
      .intersection(of<unknown>([0, NaN, "__proto__", ["k", -0], "constructor", "only-there"]))
      .collect();
    expect(canonicalSort(i)).toEqual(canonicalSort([-0, NaN, "__proto__", ["k", 0], "constructor"]));
    expect(i.find(Array.isArray)).toBe(mine);
    expect(i.some((x) => Object.is(x, -0))).toBe(true);
  });

  it("equals the deduped records of this batch that other holds (property)", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(keyish, { maxLength: 30 }), fc.array(keyish, { maxLength: 30 }), async (a, b) => {
        const out = await of(a, 2).intersection(of(b, 3), 3).collect();
        const there = new Set(b.map(canonicalKey));
        expect(canonicalSort(out).map(canonicalKey)).toEqual(canonicalSort(dedupe(a).filter((x) => there.has(canonicalKey(x)))).map(canonicalKey));
      }),
      { numRuns: 150 },
    );
  });
});

describe("Batch.cartesian", () => {
  it("pairs every record with every record of other, one partition per pair of partitions", async () => {
    const c = parts([1, 2], [3]).cartesian(parts(["x"], ["y", "z"]));
    expect(c.numPartitions).toBe(4);
    expect(await c.partitions()).toEqual([
      [[1, "x"], [2, "x"]],
      [[1, "y"], [1, "z"], [2, "y"], [2, "z"]],
      [[3, "x"]],
      [[3, "y"], [3, "z"]],
    ]);
  });

  it("is empty when either side is, keeping the partition count", async () => {
    const c = parts<number>([], []).cartesian(of(["a", "b"], 3));
    expect(c.numPartitions).toBe(6);
    expect(await c.partitions()).toEqual([[], [], [], [], [], []]);
    expect(await of([1, 2]).cartesian(parts<string>([])).count()).toBe(0);
  });

  it("is lazy and keeps the records themselves", async () => {
    let calls = 0;
    const record = { id: 1 };
    const b = of([record]).map((x) => (calls++, x));
    const c = b.cartesian(of(["only"]));
    expect(calls).toBe(0);
    const [[l, r]] = (await c.collect()) as [[{ id: number }, string]];
    expect(l).toBe(record);
    expect(r).toBe("only");
    expect(calls).toBe(1);
  });
});
