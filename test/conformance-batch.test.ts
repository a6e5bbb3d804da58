// Batch (Spark's RDD) actions and partition layout checked against Apache Spark 3.x, case by case,
// where test/core/batch*.test.ts and test/conformance-operators.test.ts do not already pin them
// down: each test names the Spark class or suite whose behaviour it asserts.
import { describe, expect, it } from "vitest";
import { Batch } from "../src/core/batch.ts";
import type { Pair } from "../src/core/executor.ts";
import { HashPartitioner } from "../src/core/partitioner.ts";
import { sum } from "../src/core/reducers.ts";
import { LocalExecutor } from "../src/engine/local-executor.ts";

const executor = new LocalExecutor(2);
const of = <T>(records: readonly T[], n = 2): Batch<T> => Batch.fromRecords(records, n, executor);
const parts = <T>(...partitions: T[][]): Batch<T> => Batch.fromPartitions(partitions, executor);
/** A batch of no partition: Spark's `sc.emptyRDD`, and what an empty window gives a `transform`. */
const none = <T>(): Batch<T> => Batch.fromPartitions<T>([], executor);
const range = (from: number, to: number): number[] => Array.from({ length: to - from + 1 }, (_, i) => from + i);
/** Pairs (k, k * 10) for k in 1..10, hash-partitioned into `n` partitions, as a shuffle's output. */
const hashed = (n: number): Batch<Pair<number, number>> => of<Pair<number, number>>(range(1, 10).map((k) => [k, k * 10]), 3).partitionBy(n);

/** Every record sits in the partition Spark's HashPartitioner names for its key. */
async function expectPlacedByKey(batch: Batch<Pair<unknown, unknown>>): Promise<void> {
  const partitioner = new HashPartitioner(batch.numPartitions);
  (await batch.partitions()).forEach((p, i) => {
    for (const [k] of p) expect(partitioner.getPartition(k)).toBe(i);
  });
}

describe("operators on a batch of no partition (Spark's EmptyRDD: RDDSuite, PairRDDFunctionsSuite)", () => {
  it("sortBy and sortByKey give an empty batch (RDDSuite 'sort an empty RDD')", async () => {
    // Spark: sc.emptyRDD[Int].sortBy(x => x).collect() === Array.empty. sortBy defaults
    // numPartitions to partitions.length (0); RangePartitioner(0, rdd) has one partition
    // (PartitioningSuite "RangePartitioner should return a single partition for empty RDDs").
    expect(await none<number>().sortBy((x) => x).collect()).toEqual([]);
    expect(await none<Pair<string, number>>().sortByKey().collect()).toEqual([]);
  });

  it("cartesian with a batch of no partition gives no pair (RDDSuite 'cartesian on empty RDD')", async () => {
    // Spark: a.cartesian(a), a.cartesian(b) and b.cartesian(a) collect to an empty array for
    // a = sc.emptyRDD; CartesianRDD has 0 × n = 0 partitions.
    const b = of([1, 2, 3]);
    const a = none<number>();
    expect(await a.cartesian(a).collect()).toEqual([]);
    expect(await a.cartesian(b).collect()).toEqual([]);
    expect(await b.cartesian(a).collect()).toEqual([]);
    expect(b.cartesian(a).numPartitions).toBe(0);
  });

  it("distinct, subtract and subtractByKey with their default partition count give an empty batch", async () => {
    // Spark (RDD.distinct, RDD.subtract, PairRDDFunctions.subtractByKey): the default is
    // partitions.length, here 0, and HashPartitioner(0) is allowed (require(partitions >= 0)); a
    // job over no partition returns at once, so each collects to an empty array
    // (PairRDDFunctionsSuite "zero-partition RDD" shuffles a 0-partition RDD the same way).
    expect(await none<number>().distinct().collect()).toEqual([]);
    expect(await none<number>().subtract(of([1, 2])).collect()).toEqual([]);
    expect(await none<Pair<string, number>>().subtractByKey(of<Pair<string, number>>([["a", 1]])).collect()).toEqual([]);
  });

  it("coalesce(n) keeps no partition and zipWithIndex numbers nothing", async () => {
    // Spark: RDD.coalesce requires only numPartitions > 0; CoalescedRDD over 0 partitions has
    // none (DefaultPartitionCoalescer.setupGroups(min(0, n))). ZippedWithIndexRDD computes
    // startIndices as Array.empty when the parent has no partition.
    const coalesced = none<number>().coalesce(2);
    expect(coalesced.numPartitions).toBe(0);
    expect(await coalesced.collect()).toEqual([]);
    const indexed = none<string>().zipWithIndex();
    expect(indexed.numPartitions).toBe(0);
    expect(await indexed.collect()).toEqual([]);
  });

  it("actions and narrow operators work on it (RDDSuite 'empty RDD', 'isEmpty', SPARK-40276)", async () => {
    // Spark: count 0, collect empty, isEmpty true, takeOrdered(5) and top(5) empty, fold gives
    // zero, reduce throws; glom, union, repartition and zipWithUniqueId need no partition.
    const empty = none<number>();
    expect(await empty.count()).toBe(0);
    expect(await empty.isEmpty()).toBe(true);
    expect(await empty.takeOrdered(5)).toEqual([]);
    expect(await empty.top(5)).toEqual([]);
    expect(await empty.take(3)).toEqual([]);
    expect(await empty.fold(0, sum)).toBe(0);
    await expect(empty.reduce(sum)).rejects.toMatchObject({ code: "ILLEGAL_STATE" });
    await expect(empty.first()).rejects.toMatchObject({ code: "ILLEGAL_STATE" });
    expect(await empty.glom().collect()).toEqual([]);
    expect(await empty.zipWithUniqueId().collect()).toEqual([]);
    const u = empty.union(of([1, 2]));
    expect(u.numPartitions).toBe(2);
    expect(await u.collect()).toEqual([1, 2]);
    expect(await empty.repartition(3).partitions()).toEqual([[], [], []]);
  });
});

describe("partitioner preservation (Spark's PartitioningSuite, RDDSuite)", () => {
  it("mapValues, flatMapValues, filter and sample keep the hash partitioning; map and keys drop it", async () => {
    // Spark's PartitioningSuite "partitioner preservation": mapValues, flatMapValues and filter
    // keep the partitioner, map(_ => 1) has none; RDDSuite "sample preserves partitioner" (with
    // and without replacement). The kept batches stay where the partitioner puts their keys.
    const grouped = hashed(2);
    for (const kept of [
      grouped.mapValues((v) => v + 1),
      grouped.flatMapValues((v) => [v, -v]),
      grouped.filter(([k]) => k > 4),
      grouped.sample(false, 0.5, 7),
      grouped.sample(true, 1.5, 7),
    ]) {
      expect(kept.hashPartitioned).toBe(true);
      await expectPlacedByKey(kept);
    }
    expect(grouped.map(([k, v]): Pair<number, number> => [k, v]).hashPartitioned).toBe(false);
    expect(grouped.keys().hashPartitioned).toBe(false);
    expect(grouped.glom().hashPartitioned).toBe(false);
  });

  it("join, leftOuterJoin, rightOuterJoin and fullOuterJoin keep the partitioner they were cogrouped with", () => {
    // Spark's PartitioningSuite "partitioner preservation": grouped2.join(grouped4).partitioner
    // === grouped4.partitioner, and the same for the outer joins and cogroup, since every join is
    // cogroup(other, partitioner).flatMapValues(...) (PairRDDFunctions).
    const grouped2 = hashed(2);
    const grouped4 = hashed(4);
    for (const joined of [grouped2.join(grouped4), grouped2.leftOuterJoin(grouped4), grouped2.rightOuterJoin(grouped4), grouped2.fullOuterJoin(grouped4)]) {
      expect(joined.numPartitions).toBe(4);
      expect(joined.hashPartitioned).toBe(true);
    }
    expect(grouped2.cogroup(grouped4).hashPartitioned).toBe(true);
  });

  it("a join's kept partitioner is the default for the next shuffle (Partitioner.defaultPartitioner)", () => {
    // Spark: x.join(y) of a HashPartitioner(3) side keeps HashPartitioner(3); joining that with
    // an unpartitioned RDD of 5 partitions uses it again (log10(5) - log10(3) < 1), so 3
    // partitions, and reduceByKey on it keeps 3 without a shuffle.
    const joined = hashed(3).join(of<Pair<number, string>>([[1, "a"]], 2));
    expect(joined.numPartitions).toBe(3);
    expect(joined.join(of<Pair<number, string>>([[1, "b"]], 5)).numPartitions).toBe(3);
  });

  it("distinct of a partitioned batch into as many partitions keeps the partitioner (RDDSuite)", async () => {
    // Spark's RDD.distinct(numPartitions): `partitioner match { case Some(_) if numPartitions ==
    // partitions.length => mapPartitions(removeDuplicatesInPartition, preservesPartitioning =
    // true) ... }`; RDDSuite "distinct with known partitioner preserves partitioning". Records
    // stay in their partitions, deduplicated there.
    const twice = of<Pair<number, number>>([...range(1, 6), ...range(1, 6)].map((k) => [k, k]), 3).partitionBy(2);
    const distinct = twice.distinct();
    expect(distinct.numPartitions).toBe(2);
    expect(distinct.hashPartitioned).toBe(true);
    await expectPlacedByKey(distinct);
    expect((await distinct.collect()).sort((a, b) => a[0] - b[0])).toEqual(range(1, 6).map((k) => [k, k]));
    // Into another count it is a shuffle of whole records, with no partitioner (RDDSuite: distinct(5)).
    expect(twice.distinct(5).hashPartitioned).toBe(false);
  });
});

describe("Batch.glom (Spark's RDD.glom)", () => {
  it("gives one array per partition, empty partitions included", async () => {
    // Spark: glom is mapPartitions(iter => Iterator(iter.toArray)), so each partition, empty or
    // not, yields exactly one array (RDDSuite "basic operations": List(List(1, 2), List(3, 4))).
    const g = parts([1, 2], [], [3], []).glom();
    expect(g.numPartitions).toBe(4);
    expect(await g.partitions()).toEqual([[[1, 2]], [[]], [[3]], [[]]]);
  });
});

describe("Batch.sample (Spark's BernoulliSampler, PoissonSampler)", () => {
  it("accepts a fraction a rounding error above 1 without replacement, keeping every record", async () => {
    // Spark's BernoulliSampler: require(fraction >= 0 - RandomSampler.roundingEpsilon && fraction
    // <= 1 + RandomSampler.roundingEpsilon) with roundingEpsilon = 1e-6 ("epsilon slop to avoid
    // failure from floating point jitter"), then fraction >= 1.0 gives every item.
    const fraction = (0.1 * 3) / 0.3; // 1.0000000000000002
    expect(fraction).toBeGreaterThan(1);
    expect(await of(range(1, 10)).sample(false, fraction, 1).collect()).toEqual(range(1, 10));
  });
});


describe("Batch.repartition (Spark's RDD.coalesce(n, shuffle = true))", () => {
  it("leaves no partition empty when splitting 10 partitions of 10 records into 20", async () => {
    // Spark's RDDSuite "repartitioned RDDs perform load balancing", testSplitPartitions(100 ones,
    // 10, 20): "assert no bucket is overloaded or empty", each of the 20 holding at most
    // avg + initialPartitions = 15. Spark starts each input partition's round-robin at
    // new XORShiftRandom(index).nextInt(numPartitions), not at index, so the 10 runs of 10 do
    // not all pile up from the same end.
    const split = await of(Array<number>(100).fill(1), 10).repartition(20).partitions();
    expect(split).toHaveLength(20);
    expect(split.flat()).toHaveLength(100);
    for (const p of split) {
      expect(p.length).toBeGreaterThan(0);
      expect(p.length).toBeLessThanOrEqual(15);
    }
  });
});
