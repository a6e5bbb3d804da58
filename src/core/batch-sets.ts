/**
 * Set operators of a batch (Spark's `distinct`, `subtract`, `subtractByKey`, `intersection`,
 * `cartesian`), built on the batch's own shuffles (`reduceByKey`, `cogroup`) so records are
 * compared, hashed and partitioned by the key rules of keys.ts, as every other shuffle.
 */
import type { Batch } from "./batch.ts";
import type { Pair, Partitions } from "./executor.ts";
import { KeyMap } from "./keys.ts";

/** Keeps the earlier value: with the shuffle merging in partition order, each key's first record. */
const keepFirst = <T>(a: T): T => a;

/** Each record paired with itself: the shuffles key by the record, the value keeps it as it came. */
const selfKeyed = <T>(x: T): Pair<T, T> => [x, x];

const nullValued = <T>(x: T): Pair<T, null> => [x, null];

export function distinct<T>(batch: Batch<T>, numPartitions: number): Batch<T> {
  // As Spark 3's: equal records of a batch hash-partitioned into as many partitions share a key,
  // so they are in one partition already; each is deduplicated where it is, partitioning kept.
  if (batch.hashPartitioned && batch.numPartitions === numPartitions) {
    return batch.mapPartitions((records) => {
      const seen = new KeyMap<true>();
      const out: T[] = [];
      for (let i = 0; i < records.length; i++) {
        const r = records[i]!;
        if (seen.get(r) === undefined) {
          seen.set(r, true);
          out.push(r);
        }
      }
      return out;
    }, true);
  }
  return batch.map(selfKeyed).reduceByKey<T, T>(keepFirst, numPartitions).values();
}

export function subtractByKey<K, V, W>(batch: Batch<Pair<K, V>>, other: Batch<Pair<K, W>>, numPartitions: number): Batch<[K, V]> {
  // Keys stay where the cogroup put them, so the result is hash-partitioned as Spark's SubtractedRDD.
  return batch.cogroup(other, numPartitions).mapPartitions((groups) => {
    const out: [K, V][] = [];
    for (let g = 0; g < groups.length; g++) {
      const [k, [vs, ws]] = groups[g]!;
      if (ws.length === 0) for (let i = 0; i < vs.length; i++) out.push([k, vs[i]!]);
    }
    return out;
  }, true);
}

export function subtract<T>(batch: Batch<T>, other: Batch<T>, numPartitions: number): Batch<T> {
  // Every occurrence of a record missing from `other` stays, as Spark (no distinct).
  return subtractByKey(batch.map(selfKeyed), other.map(nullValued), numPartitions).values();
}

export function intersection<T>(batch: Batch<T>, other: Batch<T>, numPartitions: number | undefined): Batch<T> {
  return batch
    .map(selfKeyed)
    .cogroup(other.map(nullValued), numPartitions)
    .mapPartitions((groups) => {
      const out: T[] = [];
      for (let g = 0; g < groups.length; g++) {
        const [vs, ws] = groups[g]![1];
        // Once per record, as Spark's intersection: its first occurrence in this batch.
        if (vs.length > 0 && ws.length > 0) out.push(vs[0]!);
      }
      return out;
    });
}

export function cartesian<T, U>(batch: Batch<T>, other: Batch<U>): Batch<[T, U]> {
  // Partition i * m + j pairs partition i of this batch with partition j of `other`, as Spark's CartesianRDD.
  return batch.derive(batch.numPartitions * other.numPartitions, async () => {
    const [as, bs] = await Promise.all([batch.partitions(), other.partitions()]);
    const out: [T, U][][] = [];
    for (const a of as) {
      for (const b of bs) {
        const part: [T, U][] = [];
        for (let i = 0; i < a.length; i++) for (let j = 0; j < b.length; j++) part.push([a[i]!, b[j]!]);
        out.push(part);
      }
    }
    return out as Partitions<[T, U]>;
  });
}
