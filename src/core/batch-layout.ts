/** Operators that rearrange a batch's partitions without a shuffle: `coalesce`, `zipWithIndex`. */
import type { Batch } from "./batch.ts";
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
