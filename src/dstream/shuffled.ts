import type { Pair } from "../core/executor.ts";
import { perBatch } from "./derived.ts";
import type { Computation, Upstream } from "./upstream.ts";

// The shuffle family: operators that regroup records by key or into new partitions.

export const reducedByKey = <K, V>(parent: Upstream<Pair<K, V>>, fn: (a: V, b: V) => V, numPartitions?: number): Computation<[K, V]> =>
  perBatch(parent, (b) => b.reduceByKey(fn, numPartitions));

export const combinedByKey = <K, V, C>(
  parent: Upstream<Pair<K, V>>,
  createCombiner: (v: V) => C,
  mergeValue: (c: C, v: V) => C,
  mergeCombiners: (a: C, b: C) => C,
  numPartitions?: number,
  mapSideCombine = true,
): Computation<[K, C]> => perBatch(parent, (b) => b.combineByKey(createCombiner, mergeValue, mergeCombiners, numPartitions, mapSideCombine));

export const groupedByKey = <K, V>(parent: Upstream<Pair<K, V>>, numPartitions?: number): Computation<[K, V[]]> =>
  perBatch(parent, (b) => b.groupByKey(numPartitions));

export const countedByValue = <T>(parent: Upstream<T>, numPartitions?: number): Computation<[T, number]> =>
  perBatch(parent, (b) => b.countByValue(numPartitions));

/** One record per batch, the count, 0 for an empty batch (Spark unions in a zero). */
export const counted = <T>(parent: Upstream<T>): Computation<number> => perBatch(parent, (b) => b.countBatch());

/** One record per batch, the fold; an empty batch gives an empty batch, as in Spark. */
export const reduced = <T>(parent: Upstream<T>, fn: (a: T, b: T) => T): Computation<T> => perBatch(parent, (b) => b.reduceBatch(fn));

export const repartitioned = <T>(parent: Upstream<T>, numPartitions: number): Computation<T> =>
  perBatch(parent, (b) => b.repartition(numPartitions));
