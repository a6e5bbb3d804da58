// How a batch's shuffles partition (src/core/batch-partitioning.ts): Spark's defaultPartitioner
// when no numPartitions is given, partitionBy, and the combine of a batch already partitioned
// by the shuffle's partitioner (no shuffle, as Spark's combineByKey with an equal partitioner).
import fc from "fast-check";
import { describe, expect, it, vi } from "vitest";
import { Batch } from "../../src/core/batch.ts";
import { defaultPartitions } from "../../src/core/batch-partitioning.ts";
import { RivuletError } from "../../src/core/errors.ts";
import type { Pair } from "../../src/core/executor.ts";
import { canonicalKey } from "../../src/core/keys.ts";
import { HashPartitioner } from "../../src/core/partitioner.ts";
import { sum } from "../../src/core/reducers.ts";
import { LocalExecutor } from "../../src/engine/local-executor.ts";

const executor = new LocalExecutor(2);
const of = <T>(records: readonly T[], n = 2): Batch<T> => Batch.fromRecords(records, n, executor);
const pairs = (n: number): Batch<Pair<string, number>> =>
  of<Pair<string, number>>(["a", "b", "c", "d", "e", "f"].map((k, i) => [k, i]), n);
/** A batch hash-partitioned into `n` partitions, as a shuffle's output. */
const shuffled = (n: number): Batch<Pair<string, number>> => pairs(1).partitionBy(n);

/** Every record sits in the partition the HashPartitioner names for its key. */
async function expectHashPlaced(batch: Batch<Pair<unknown, unknown>>): Promise<void> {
  const partitioner = new HashPartitioner(batch.numPartitions);
  (await batch.partitions()).forEach((p, i) => {
    for (const [k] of p) expect(partitioner.getPartition(k)).toBe(i);
  });
}

describe("Spark's defaultPartitioner (spark.default.parallelism unset)", () => {
  it("takes the largest input's partition count when no input is hash-partitioned", () => {
    expect(defaultPartitions([pairs(5)])).toBe(5);
    expect(defaultPartitions([pairs(1), pairs(7), pairs(3)])).toBe(7);
    // Unlike a stream's shuffles, not the engine's parallelism (2 here).
    expect(pairs(5).reduceByKey(sum).numPartitions).toBe(5);
    expect(pairs(1).reduceByKey(sum).numPartitions).toBe(1);
  });

  it("takes the partitioner of the hash-partitioned input with the most partitions when it has at least a tenth of the largest count", () => {
    // Spark: isEligiblePartitioner is log10(max) - log10(its count) < 1, or its count >= the default.
    expect(defaultPartitions([shuffled(3), pairs(1)])).toBe(3);
    expect(defaultPartitions([pairs(5), shuffled(3)])).toBe(3);
    expect(defaultPartitions([pairs(9), shuffled(1)])).toBe(1);
    expect(defaultPartitions([shuffled(2), shuffled(4), pairs(6)])).toBe(4);
    // Ten times as many partitions or more: a new partitioner of the largest count.
    expect(defaultPartitions([pairs(10), shuffled(1)])).toBe(10);
    expect(defaultPartitions([pairs(40), shuffled(3)])).toBe(40);
    expect(defaultPartitions([pairs(39), shuffled(4)])).toBe(4);
  });

  it("gives one partition for inputs of no partition", () => {
    const empty = Batch.fromPartitions<Pair<string, number>>([], executor);
    expect(defaultPartitions([empty])).toBe(1);
    expect(defaultPartitions([empty, empty])).toBe(1);
  });

  it("applies to reduceByKey, groupByKey, combineByKey, aggregateByKey, foldByKey, joins, cogroup, intersection and groupBy", () => {
    const five = pairs(5);
    const three = shuffled(3);
    expect(five.groupByKey().numPartitions).toBe(5);
    expect(five.combineByKey((v) => v, sum, sum).numPartitions).toBe(5);
    expect(five.aggregateByKey(0, sum, sum).numPartitions).toBe(5);
    expect(five.foldByKey(0, sum).numPartitions).toBe(5);
    expect(five.groupBy(([k]) => k).numPartitions).toBe(5);
    expect(five.keys().intersection(pairs(2).keys()).numPartitions).toBe(5);
    for (const joined of [five.join(three), five.leftOuterJoin(three), five.rightOuterJoin(three), five.fullOuterJoin(three), five.cogroup(three)]) {
      expect(joined.numPartitions).toBe(3);
    }
    expect(pairs(40).join(three).numPartitions).toBe(40);
    // An explicit count always wins.
    expect(five.join(three, 7).numPartitions).toBe(7);
  });

  it("reads a side already partitioned by the chosen partitioner in place, with the same results as a shuffle", async () => {
    const cogroup = vi.spyOn(executor, "cogroup");
    try {
      const left = shuffled(3);
      const right = pairs(4);
      const joined = left.join(right);
      const expected = await left.join(right, 3).collect();
      expect(await joined.collect()).toEqual(expected);
      expect(cogroup.mock.calls.at(-1)![2]).toEqual([true, false]);
      await expectHashPlaced(joined);
    } finally {
      cogroup.mockRestore();
    }
  });
});

describe("Batch shuffles of a batch already hash-partitioned into their partitions", () => {
  it("fold each partition where it is, without a shuffle, giving the shuffle's records", async () => {
    const input = of<Pair<string, number>>(
      Array.from({ length: 60 }, (_, i) => [`k${i % 7}`, i]),
      4,
    ).partitionBy(3);
    const combine = vi.spyOn(executor, "combineByKey");
    try {
      const inPlace = input.reduceByKey(sum);
      const grouped = input.groupByKey();
      expect(inPlace.numPartitions).toBe(3);
      expect(inPlace.hashPartitioned).toBe(true);
      const [reduced, groups] = [await inPlace.partitions(), await grouped.partitions()];
      expect(combine).not.toHaveBeenCalled();
      // The partitions a shuffle gives, record order included (a map hides the partitioning).
      const unmarked = input.map((r) => r);
      expect(reduced).toEqual(await unmarked.reduceByKey(sum, 3).partitions());
      expect(groups).toEqual(await unmarked.groupByKey(3).partitions());
      expect(combine).toHaveBeenCalledTimes(2);
      // Into another count, a shuffle.
      await input.reduceByKey(sum, 2).collect();
      expect(combine).toHaveBeenCalledTimes(3);
    } finally {
      combine.mockRestore();
    }
  });

  it("compute the fold once for several actions", async () => {
    let calls = 0;
    const twice = shuffled(1).flatMapValues((v) => [v, v]).partitionBy(2);
    const folded = twice.reduceByKey((a, b) => (calls++, a + b));
    await folded.collect();
    const after = calls;
    expect(after).toBe(6);
    await folded.collect();
    await folded.count();
    expect(calls).toBe(after);
    expect(new Map(await folded.collect())).toEqual(new Map(["a", "b", "c", "d", "e", "f"].map((k, i) => [k, 2 * i])));
  });
});

describe("Batch.partitionBy", () => {
  it("puts each pair in its key's HashPartitioner partition, in batch order", async () => {
    const batch = of<Pair<string, number>>([["a", 1], ["b", 2], ["a", 3], ["c", 4], ["b", 5]], 2);
    const out = batch.partitionBy(3);
    expect(out.numPartitions).toBe(3);
    expect(out.hashPartitioned).toBe(true);
    const partitioner = new HashPartitioner(3);
    const expected: Pair<string, number>[][] = [[], [], []];
    for (const r of await batch.collect()) expected[partitioner.getPartition(r[0])]!.push(r);
    expect(await out.partitions()).toEqual(expected);
  });

  it("returns a batch already partitioned so as it is, and re-partitions into another count", () => {
    const three = shuffled(3);
    expect(three.partitionBy(3)).toBe(three);
    expect(three.partitionBy(2)).not.toBe(three);
    expect(three.mapValues((v) => v + 1).partitionBy(3).numPartitions).toBe(3);
    // Not hash-partitioned (a map may move keys): partitioned again even at the same count.
    const mapped = three.map(([k, v]): [string, number] => [k, v]);
    expect(mapped.partitionBy(3)).not.toBe(mapped);
  });

  it("refuses a count that is not a positive integer", () => {
    for (const n of [0, -1, 1.5, NaN]) expect(() => pairs(2).partitionBy(n)).toThrow(RivuletError);
  });

  it("keeps every record and places each key at the HashPartitioner's index (property)", async () => {
    const key = fc.oneof(fc.string({ maxLength: 3 }), fc.integer({ min: -5, max: 5 }), fc.constantFrom(NaN, -0, "__proto__"), fc.tuple(fc.nat(2), fc.string({ maxLength: 1 })));
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(key, fc.integer()), { maxLength: 40 }),
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 1, max: 6 }),
        async (records, inputPartitions, n) => {
          const out = of<Pair<unknown, number>>(records, inputPartitions).partitionBy(n);
          const parts = await out.partitions();
          expect(parts.length).toBe(n);
          await expectHashPlaced(out);
          // Every record, and within a partition in batch order.
          const byKeyOrder = (rs: readonly Pair<unknown, number>[]) => rs.map((r) => `${canonicalKey(r[0])}:${r[1]}`);
          expect(byKeyOrder(parts.flat()).sort()).toEqual(byKeyOrder(records).sort());
          const partitioner = new HashPartitioner(n);
          parts.forEach((p, i) => expect(p).toEqual(records.filter((r) => partitioner.getPartition(r[0]) === i)));
        },
      ),
    );
  });
});
