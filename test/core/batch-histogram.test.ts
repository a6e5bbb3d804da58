// Batch.histogram (src/core/batch-histogram.ts): the cases of Spark's DoubleRDDSuite, each as
// input records, buckets and expected counts, then a property against a plain count per bucket.
// Also Spark's mapPartitionsWithIndex and getNumPartitions.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Batch } from "../../src/core/batch.ts";
import { RivuletError } from "../../src/core/errors.ts";
import { LocalExecutor } from "../../src/engine/local-executor.ts";

const executor = new LocalExecutor(2);
const of = (records: readonly number[], n = 3): Batch<number> => Batch.fromRecords(records, n, executor);

/**
 * A double's place in Java's Double.compare order (which Spark's binary search uses, -0 before 0)
 * for non-NaN doubles: its IEEE bits as a signed integer, negative ones turned over.
 */
function order(x: number): bigint {
  const bits = new DataView(new ArrayBuffer(8));
  bits.setFloat64(0, x);
  const n = bits.getBigInt64(0);
  return n < 0n ? -(n & 0x7fffffffffffffffn) - 1n : n;
}

describe("Batch.histogram(buckets) (Spark's DoubleRDDSuite)", () => {
  const cases: [name: string, records: number[], buckets: number[], counts: number[]][] = [
    ["an empty batch", [], [0, 10], [0]],
    ["out of range, one bucket", [10.01, -0.01], [0, 10], [0]],
    ["in range, one bucket", [1, 2, 3, 4], [0, 10], [4]],
    ["in range, one bucket, exact match at both edges", [1, 2, 3, 4], [1, 4], [4]],
    ["out of range, two buckets", [10.01, -0.01], [0, 5, 10], [0, 0]],
    ["out of range, two uneven buckets", [10.01, -0.01], [0, 4, 10], [0, 0]],
    ["in range, two buckets", [1, 2, 3, 5, 6], [0, 5, 10], [3, 2]],
    ["in range, two buckets, NaN not counted", [1, 2, 3, 5, 6, NaN], [0, 5, 10], [3, 2]],
    ["in range, two uneven buckets", [1, 2, 3, 5, 6], [0, 5, 11], [3, 2]],
    ["mixed range, two uneven buckets", [-0.01, 0, 1, 2, 3, 5, 6, 11, 11.01], [0, 5, 11], [4, 3]],
    ["mixed range, four uneven buckets", [-0.01, 0, 1, 2, 3, 5, 6, 11.01, 12, 199, 200, 200.1], [0, 5, 11, 12, 200], [4, 2, 1, 3]],
    ["mixed range, uneven buckets, NaN", [-0.01, 0, 1, 2, 3, 5, 6, 11.01, 12, 199, 200, 200.1, NaN], [0, 5, 11, 12, 200], [4, 2, 1, 3]],
    ["infinite edges", [-0.01, 0, 1, 2, 3, 5, 6, 11.01, 12, 199, 200, 200.1, Infinity, -Infinity, NaN], [-Infinity, 0, 5, 11, 12, 200, Infinity], [2, 4, 2, 1, 2, 3]],
    ["out of range with infinite buckets", [10.01, -0.01, NaN, Infinity], [-Infinity, 0, Infinity], [1, 2]],
    // Java's binary search orders -0 before 0: Spark leaves -0 out of a bucket starting at 0.
    ["-0 below a bucket starting at 0", [-0, 0, 0.5], [0, 1], [2]],
    ["0 above a last bucket ending at -0", [0, -0, -1], [-1, -0], [2]],
  ];
  for (const [name, records, buckets, counts] of cases) {
    it(name, async () => {
      expect(await of(records).histogram(buckets)).toEqual(counts);
    });
  }

  it("evenly spaced buckets by arithmetic give the binary search's counts, the last edge included", async () => {
    const records = [0, 1, 2, 2.5, 4.99, 5, 7.5, 9.99, 10, 10.01, -0.01, NaN, Infinity];
    expect(await of(records).histogram([0, 2.5, 5, 7.5, 10], true)).toEqual([3, 2, 1, 3]);
    expect(await of(records).histogram([0, 2.5, 5, 7.5, 10])).toEqual([3, 2, 1, 3]);
  });

  it("refuses fewer than two edges, unsorted or repeated edges, and NaN edges", async () => {
    await expect(of([1]).histogram([])).rejects.toBeInstanceOf(RivuletError);
    await expect(of([1]).histogram([])).rejects.toMatchObject({ code: "INVALID_ARGUMENT", message: "histogram: buckets array must have at least two elements" });
    await expect(of([1]).histogram([1])).rejects.toMatchObject({ code: "INVALID_ARGUMENT" });
    await expect(of([1]).histogram([0, 5, 3])).rejects.toMatchObject({ code: "INVALID_ARGUMENT", message: expect.stringContaining("sorted and distinct") });
    await expect(of([1]).histogram([0, 5, 5])).rejects.toMatchObject({ code: "INVALID_ARGUMENT" });
    await expect(of([1]).histogram([0, NaN])).rejects.toMatchObject({ code: "INVALID_ARGUMENT" });
  });

  it("counts as a plain scan of each bucket does, whatever the partitions", async () => {
    const edge = fc.double({ min: -1e6, max: 1e6, noNaN: true });
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(edge, { minLength: 2, maxLength: 8, comparator: (a, b) => a === b }),
        fc.array(fc.oneof(edge, fc.constantFrom(NaN, Infinity, -Infinity, 0)), { maxLength: 60 }),
        fc.integer({ min: 0, max: 5 }),
        async (edges, records, n) => {
          const buckets = edges.sort((a, b) => a - b);
          const expected = buckets.slice(1).map((right, i) => {
            const left = buckets[i]!;
            const last = i === buckets.length - 2;
            return records.filter((x) => x === x && order(left) <= order(x) && (order(x) < order(right) || (last && order(x) === order(right)))).length;
          });
          const batch = n === 0 ? Batch.fromPartitions(records.length === 0 ? [] : [records], executor) : of(records, n);
          expect(await batch.histogram(buckets)).toEqual(expected);
        },
      ),
    );
  });
});

describe("Batch.histogram(bucketCount) (Spark's DoubleRDDSuite)", () => {
  it("one bucket from the smallest to the largest record", async () => {
    expect(await of([1, 2, 3, 4]).histogram(1)).toEqual([[1, 4], [4]]);
  });

  it("a single record, or records all equal: one bucket [x, x] holding them all", async () => {
    expect(await of([1]).histogram(1)).toEqual([[1, 1], [1]]);
    expect(await of([1, 1, 1, 1]).histogram(1)).toEqual([[1, 1], [4]]);
    expect(await of([1, 1, 1, 1]).histogram(3)).toEqual([[1, 1], [4]]);
  });

  it("two buckets; values at the edges", async () => {
    expect(await of([1, 2, 3, 4]).histogram(2)).toEqual([[1, 2.5, 4], [2, 2]]);
    expect(await of([1, 1, 1, 2, 3, 3]).histogram(2)).toEqual([[1, 2, 3], [3, 3]]);
    expect(await of([1, 1, 1, 2, 3, 3]).histogram(3)).toEqual([[1, 1 + 2 / 3, 1 + 4 / 3, 3], [3, 1, 2]]);
  });

  it("more buckets than records", async () => {
    const [edges, counts] = await of([1, 2]).histogram(10);
    expect(edges).toEqual([1, 1.1, 1.2, 1.3, 1.4, 1.5, 1.6, 1.7, 1.8, 1.9, 2]);
    expect(counts).toEqual([1, 0, 0, 0, 0, 0, 0, 0, 0, 1]);
  });

  it("larger inputs, integral and non-integral edges", async () => {
    const records = Array.from({ length: 94 }, (_, i) => i + 6); // 6 … 99
    expect(await of(records).histogram(8)).toEqual([[6, 17.625, 29.25, 40.875, 52.5, 64.125, 75.75, 87.375, 99], [12, 12, 11, 12, 12, 11, 12, 12]]);
    const [edges, counts] = await of(records).histogram(9);
    expect(edges).toEqual([6, 16.333333333333336, 26.666666666666668, 37, 47.333333333333336, 57.666666666666664, 68, 78.33333333333333, 88.66666666666667, 99]);
    expect(counts).toEqual([11, 10, 10, 11, 10, 10, 11, 10, 11]);
  });

  it("refuses an empty batch, ±Infinity, NaN, and a count below 1", async () => {
    await expect(of([]).histogram(1)).rejects.toBeInstanceOf(RivuletError);
    await expect(of([]).histogram(1)).rejects.toMatchObject({ code: "ILLEGAL_STATE", message: expect.stringContaining("histogram of an empty batch") });
    await expect(of([1, Infinity]).histogram(1)).rejects.toMatchObject({ code: "ILLEGAL_STATE" });
    await expect(of([-Infinity, 1]).histogram(1)).rejects.toMatchObject({ code: "ILLEGAL_STATE" });
    await expect(of([1, NaN, 2]).histogram(1)).rejects.toMatchObject({ code: "ILLEGAL_STATE" });
    await expect(of([NaN]).histogram(1)).rejects.toMatchObject({ code: "ILLEGAL_STATE" });
    await expect(of([1]).histogram(0)).rejects.toMatchObject({ code: "INVALID_ARGUMENT" });
    await expect(of([1]).histogram(1.5)).rejects.toMatchObject({ code: "INVALID_ARGUMENT" });
  });
});

describe("Batch.mapPartitionsWithIndex and getNumPartitions", () => {
  it("passes the index first, as Spark does: drop a header from the first partition only", async () => {
    const lines = Batch.fromPartitions([["name,age", "ann,3"], ["bob,4"], []], executor);
    const rows = lines.mapPartitionsWithIndex((index, records) => (index === 0 ? records.slice(1) : records));
    expect(await rows.collect()).toEqual(["ann,3", "bob,4"]);
    expect(rows.getNumPartitions()).toBe(3);
    expect(await lines.mapPartitionsWithIndex((i, rs) => rs.map((r) => `${i}:${r}`)).collect()).toEqual(["0:name,age", "0:ann,3", "1:bob,4"]);
  });

  it("keeps a hash partitioning only when asked to, as mapPartitions", async () => {
    const pairs = Batch.fromRecords<[string, number]>([["a", 1], ["b", 2], ["a", 3]], 2, executor).reduceByKey((a, b) => a + b, 2);
    expect(pairs.mapPartitionsWithIndex((_, rs) => rs, true).hashPartitioned).toBe(true);
    expect(pairs.mapPartitionsWithIndex((_, rs) => rs).hashPartitioned).toBe(false);
    expect(pairs.getNumPartitions()).toBe(2);
  });
});
