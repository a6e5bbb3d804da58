/**
 * Operators that rearrange a batch's partitions without a shuffle: `coalesce`, `zipWithIndex`,
 * `zipWithUniqueId`, `zip`.
 */
import type { Batch } from "./batch.ts";
import { RivuletError } from "./errors.ts";
import type { Partitions } from "./executor.ts";
import { checkPartitions } from "./partitioner.ts";

export function coalesce<T>(batch: Batch<T>, numPartitions: number, shuffle: boolean): Batch<T> {
  if (shuffle) return batch.repartition(numPartitions);
  checkPartitions(numPartitions);
  // Without a shuffle partitions can only merge, never split (Spark keeps the count then too).
  const n = Math.min(numPartitions, batch.numPartitions);
  const out = batch.derive(n, async () => {
    const parts = await batch.partitions();
    if (n === parts.length) return parts;
    const merged: T[][] = [];
    // Spark's coalescer without locality: output i takes the contiguous range [i*m/n, (i+1)*m/n).
    for (let i = 0; i < n; i++) {
      const from = Math.floor((i * parts.length) / n);
      const to = Math.floor(((i + 1) * parts.length) / n);
      merged.push(([] as T[]).concat(...parts.slice(from, to)));
    }
    return merged;
  });
  // Nothing merged: every key is still in the partition its hash names.
  out.hashPartitioned = batch.hashPartitioned && n === batch.numPartitions;
  return out;
}

export function zipWithIndex<T>(batch: Batch<T>): Batch<[T, number]> {
  return batch.derive(batch.numPartitions, async () => {
    let offset = 0;
    return (await batch.partitions()).map((p) => {
      const out = new Array<[T, number]>(p.length);
      for (let i = 0; i < p.length; i++) out[i] = [p[i]!, offset + i];
      offset += p.length;
      return out;
    }) as Partitions<[T, number]>;
  });
}

export function zipWithUniqueId<T>(batch: Batch<T>): Batch<[T, number]> {
  // Spark's formula: ids from the partition index and the partition count alone, so unlike
  // zipWithIndex no partition waits for the sizes of those before it.
  const n = batch.numPartitions;
  return batch.mapPartitions((records, p) => {
    const out = new Array<[T, number]>(records.length);
    for (let k = 0; k < records.length; k++) out[k] = [records[k]!, k * n + p];
    return out;
  });
}

export function zip<T, U>(batch: Batch<T>, other: Batch<U>): Batch<[T, U]> {
  // Refused when built, since partition counts are known then (Spark refuses when it lists the
  // partitions, before any task runs).
  if (batch.numPartitions !== other.numPartitions) {
    throw new RivuletError("INVALID_ARGUMENT", `can't zip batches with unequal numbers of partitions: ${batch.numPartitions}, ${other.numPartitions}`);
  }
  // No partition to pair (an empty window): nothing to compute.
  if (batch.numPartitions === 0) return batch.mapPartitions((): [T, U][] => []);
  return batch.derive(batch.numPartitions, async () => {
    const [as, bs] = await Promise.all([batch.partitions(), other.partitions()]);
    return as.map((a, p) => {
      const b = bs[p]!;
      if (a.length !== b.length) {
        throw new RivuletError(
          "INVALID_ARGUMENT",
          `can only zip batches with the same number of records in each partition: partition ${p} has ${a.length} and ${b.length}`,
        );
      }
      const out = new Array<[T, U]>(a.length);
      for (let i = 0; i < a.length; i++) out[i] = [a[i]!, b[i]!];
      return out;
    }) as Partitions<[T, U]>;
  });
}
