/**
 * How a batch's shuffles choose their partitions when not told (Spark's
 * `Partitioner.defaultPartitioner`), `partitionBy`, and the combine of a batch whose keys are
 * already where the shuffle would put them. Every partitioner here is a `HashPartitioner`, named by
 * its partition count, so a batch's `hashPartitioned` and `numPartitions` are its partitioner.
 */
import type { Batch } from "./batch.ts";
import type { Aggregator, Pair, Partitions } from "./executor.ts";
import { KeyMap } from "./keys.ts";
import { checkPartitions, HashPartitioner } from "./partitioner.ts";

/**
 * The partitions of a shuffle of `batches` given none, as Spark's `defaultPartitioner` with
 * `spark.default.parallelism` unset (`local[n]`): the partitioner of the hash-partitioned input
 * with the most partitions when it has at least a tenth of the largest input's partitions (Spark's
 * `isEligiblePartitioner`, so a join with a large hash-partitioned side does not shuffle it
 * again), else the largest input's partition count. A side partitioned that way is then read in
 * place. The DStream operators do not come here: Spark's streams default to the engine's
 * parallelism, and they pass it.
 */
export function defaultPartitions(batches: readonly Batch<unknown>[]): number {
  let largest = 0;
  let partitioned = 0;
  for (const b of batches) {
    largest = Math.max(largest, b.numPartitions);
    if (b.hashPartitioned && b.numPartitions > partitioned) partitioned = b.numPartitions;
  }
  // Spark compares orders of magnitude as doubles; the same expression gives the same edge cases.
  if (partitioned > 0 && Math.log10(largest) - Math.log10(partitioned) < 1) return partitioned;
  // A batch of no partitions (an empty window) still shuffles into one.
  return Math.max(1, largest);
}

/**
 * The pairs hash-partitioned by key into `numPartitions` partitions, as Spark's `partitionBy`
 * with a `HashPartitioner`: each output partition takes its records input partition after input
 * partition, in order. A batch already partitioned so is returned as it is (Spark compares the
 * partitioners).
 */
export function partitionBy<P extends Pair<unknown, unknown>>(batch: Batch<P>, numPartitions: number): Batch<P> {
  checkPartitions(numPartitions);
  if (batch.hashPartitioned && batch.numPartitions === numPartitions) return batch;
  const partitioner = new HashPartitioner(numPartitions);
  const out = batch.derive<P>(numPartitions, async () => {
    const parts: P[][] = Array.from({ length: numPartitions }, () => []);
    for (const feed of await batch.feeds()) feed((record: P) => void parts[partitioner.getPartition(record[0])]!.push(record));
    return parts;
  });
  // Kept, as a shuffle's output: a second action must not run the chain before it again.
  out.cache().hashPartitioned = true;
  return out;
}

/**
 * A key-value batch already hash-partitioned into the shuffle's partitions, combined where it is:
 * each key is in the partition the shuffle would send it to, so Spark's `combineByKey` only folds
 * each partition (`mapPartitions(aggregator.combineValuesByKey)`), with no shuffle. Records come
 * out as the shuffle's reduce side would order them (keys as first seen, tuple keys last).
 */
export function combineInPlace<K, V, C>(batch: Batch<Pair<K, V>>, aggregator: Aggregator<V, C>): Batch<[K, C]> {
  const { createCombiner, mergeValue } = aggregator;
  const out = batch.derive<[K, C]>(batch.numPartitions, async () => {
    const parts: [K, C][][] = [];
    for (const feed of await batch.feeds()) {
      const combined = new KeyMap<C>();
      feed((r: Pair<K, V>) => combined.fold(r[0], r[1], createCombiner, mergeValue));
      const records: [K, C][] = [];
      combined.forEach((c, k) => records.push([k as K, c]));
      parts.push(records);
    }
    return parts as Partitions<[K, C]>;
  });
  out.cache().hashPartitioned = true;
  return out;
}
