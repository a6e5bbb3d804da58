import type { Aggregator, Executor, Pair, Partitions } from "../core/executor.ts";
import { KeyMap } from "../core/keys.ts";
import type { Partitioner } from "../core/partitioner.ts";
import type { Feed } from "../core/pipeline.ts";
import { foldNumbers } from "./number-fold.ts";

/**
 * Runs shuffles in this thread, in plain JS: the reference semantics every other execution path
 * (WASM kernels, workers) must reproduce. Two phases as in Spark: each input partition is combined
 * and bucketed by output partition (map side), then each output partition merges its buckets in
 * input-partition order (reduce side), so the output order is deterministic.
 */
export class LocalExecutor implements Executor {
  readonly parallelism: number;

  constructor(parallelism: number) {
    this.parallelism = parallelism;
  }

  async combineByKey<K, V, C>(
    input: readonly Feed<Pair<K, V>>[],
    aggregator: Aggregator<V, C>,
    partitioner: Partitioner,
    mapSideCombine: boolean,
  ): Promise<Partitions<[K, C]>> {
    const buckets = input.map((feed) => mapSide(feed, aggregator, partitioner, mapSideCombine));
    return reduceSide<K, C>(buckets, aggregator.mergeCombiners, partitioner.numPartitions);
  }

  async cogroup<K>(
    inputs: readonly Partitions<Pair<K, unknown>>[],
    partitioner: Partitioner,
    inPlace: readonly boolean[] = [],
  ): Promise<Partitions<[K, unknown[][]]>> {
    const width = inputs.length;
    const groups = Array.from({ length: partitioner.numPartitions }, () => new KeyMap<unknown[][]>());
    inputs.forEach((partitions, side) => {
      const direct = inPlace[side] === true;
      for (let p = 0; p < partitions.length; p++) {
        const records = partitions[p]!;
        for (let i = 0; i < records.length; i++) {
          const r = records[i]!;
          const k = r[0];
          const target = groups[direct ? p : partitioner.getPartition(k)]!;
          let entry = target.get(k);
          if (entry === undefined) {
            entry = new Array<unknown[]>(width);
            for (let j = 0; j < width; j++) entry[j] = [];
            target.set(k, entry);
          }
          entry[side]!.push(r[1]);
        }
      }
    });
    return groups.map((g) => {
      const records: [K, unknown[][]][] = [];
      g.forEach((values, k) => records.push([k as K, values]));
      return records;
    });
  }
}

const same = <C>(c: C): C => c;

/**
 * The reduce side: each output partition merges the buckets of every input partition, in
 * input-partition order, so the output order is deterministic.
 */
export function reduceSide<K, C>(buckets: readonly KeyMap<C>[][], mergeCombiners: (a: C, b: C) => C, numPartitions: number): Partitions<[K, C]> {
  const out: [K, C][][] = [];
  for (let p = 0; p < numPartitions; p++) {
    const merged = new KeyMap<C>();
    for (const bucket of buckets) {
      bucket[p]!.forEach((combiner, key) => merged.fold(key, combiner, same, mergeCombiners));
    }
    const records: [K, C][] = [];
    merged.forEach((c, k) => records.push([k as K, c]));
    out.push(records);
  }
  return out;
}

/**
 * One input partition folded by key: its distinct keys, in the order a `KeyMap` gives them
 * (primitive keys as first seen, then array keys as first seen), and each key's combiner.
 */
export interface Folded<C = unknown> {
  readonly keys: unknown[];
  readonly values: C[];
}

/** `folded` cut into one bucket per output partition, keys in their folded order. */
export function bucketsOf<C>(folded: Folded<C>, partitioner: Partitioner): KeyMap<C>[] {
  const out = Array.from({ length: partitioner.numPartitions }, () => new KeyMap<C>());
  const { keys, values } = folded;
  for (let i = 0; i < keys.length; i++) out[partitioner.getPartition(keys[i])]!.set(keys[i], values[i]!);
  return out;
}

/** One input partition folded per key and cut into one bucket per output partition. */
export function mapSide<K, V, C>(
  feed: Feed<Pair<K, V>>,
  aggregator: Aggregator<V, C>,
  partitioner: Partitioner,
  mapSideCombine: boolean,
): KeyMap<C>[] {
  const n = partitioner.numPartitions;
  // With map-side combine, fold first and partition the distinct keys after: one hash per key,
  // not per record.
  const combining = mapSideCombine || n === 1;
  const { createCombiner, mergeValue } = aggregator;
  if (combining) return bucketsOf(foldCombining(feed, aggregator), partitioner);
  // Without map-side combine each value still meets its key's combiner in order, but the values
  // are gathered per key first: a record costs one slot lookup, a key one partition hash.
  const gathered = foldWith<K, V, V[]>(feed, (v) => [v], (vs, v) => (vs.push(v), vs));
  const out = Array.from({ length: n }, () => new KeyMap<C>());
  const { keys, values } = gathered;
  for (let i = 0; i < keys.length; i++) {
    const vs = values[i]!;
    let c = createCombiner(vs[0]!);
    for (let j = 1; j < vs.length; j++) c = mergeValue(c, vs[j]!);
    out[partitioner.getPartition(keys[i])]!.set(keys[i], c);
  }
  return out;
}

/** One input partition folded by key with map-side combine: a built-in reducer's through `foldNumbers`. */
export function foldCombining<K, V, C>(feed: Feed<Pair<K, V>>, aggregator: Aggregator<V, C>): Folded<C> {
  const tag = aggregator.reducerTag;
  if (tag !== undefined) return foldNumbers(feed, tag, aggregator.mergeValue as (a: unknown, b: unknown) => unknown) as Folded<C>;
  return foldWith(feed, aggregator.createCombiner, aggregator.mergeValue);
}

/**
 * One input partition folded by key in a `KeyMap`, one lookup per record; its keys come out in a
 * `KeyMap`'s order.
 */
export function foldWith<K, V, C>(feed: Feed<Pair<K, V>>, createCombiner: (v: V) => C, mergeValue: (c: C, v: V) => C): Folded<C> {
  const map = new KeyMap<C>();
  const fold = (r: Pair<K, V>): void => map.fold(r[0], r[1], createCombiner, mergeValue);
  // Over an array, a plain loop: the fold and the combiner can inline into it.
  const records = feed.records;
  if (records) for (let i = 0; i < records.length; i++) fold(records[i]!);
  else feed(fold);
  return map.columns();
}
