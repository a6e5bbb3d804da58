import type { Pair } from "../core/executor.ts";
import { pairWithOne } from "../core/pair-with-one.ts";
import { sum } from "../core/reducers.ts";
import { perBatch } from "./derived.ts";
import { laidOut, type Partitioning, partitionsOf } from "./partitioning.ts";
import type { Computation, Upstream } from "./upstream.ts";

// The shuffle family: operators that regroup records by key or into new partitions. Without a
// partitioning they shuffle into the engine's parallelism, as Spark's
// `PairDStreamFunctions.defaultPartitioner` (a batch alone would keep its input's count).

export const reducedByKey = <K, V>(parent: Upstream<Pair<K, V>>, fn: (a: V, b: V) => V, p?: Partitioning): Computation<[K, V]> =>
  perBatch(parent, (b) => laidOut(b.reduceByKey(fn, partitionsOf(b, p)), p));

export const combinedByKey = <K, V, C>(
  parent: Upstream<Pair<K, V>>,
  createCombiner: (v: V) => C,
  mergeValue: (c: C, v: V) => C,
  mergeCombiners: (a: C, b: C) => C,
  p?: Partitioning,
  mapSideCombine = true,
): Computation<[K, C]> =>
  perBatch(parent, (b) => laidOut(b.combineByKey(createCombiner, mergeValue, mergeCombiners, partitionsOf(b, p), mapSideCombine), p));

export const groupedByKey = <K, V>(parent: Upstream<Pair<K, V>>, p?: Partitioning): Computation<[K, V[]]> =>
  perBatch(parent, (b) => laidOut(b.groupByKey(partitionsOf(b, p)), p));

/**
 * Spark's `DStream.countByValue`: `map((_, 1)).reduceByKey(_ + _)`, a transformation (a batch's
 * `countByValue` is an action). Spelled with the planner's own pairing and `sum`, so that after
 * `flatMap(words)` on a text stream it runs as the fused word-count kernel.
 */
export const countedByValue = <T>(parent: Upstream<T>, numPartitions?: number): Computation<[T, number]> =>
  perBatch(parent, (b) => b.map(pairWithOne).reduceByKey(sum, partitionsOf(b, numPartitions)));

/** One record per batch, the count, 0 for an empty batch (Spark unions in a zero). */
export const counted = <T>(parent: Upstream<T>): Computation<number> => perBatch(parent, (b) => b.countBatch());

/** One record per batch, the fold; an empty batch gives an empty batch, as in Spark. */
export const reduced = <T>(parent: Upstream<T>, fn: (a: T, b: T) => T): Computation<T> => perBatch(parent, (b) => b.reduceBatch(fn));

export const repartitioned = <T>(parent: Upstream<T>, numPartitions: number): Computation<T> =>
  perBatch(parent, (b) => b.repartition(numPartitions));
