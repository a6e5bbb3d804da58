import type { Aggregator, Executor, Pair, Partitions } from "../core/executor.ts";
import { KeyMap } from "../core/keys.ts";
import type { Partitioner } from "../core/partitioner.ts";
import type { ReducerTag } from "../core/reducers.ts";
import type { Feed } from "../core/pipeline.ts";

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
    const out: [K, C][][] = [];
    for (let p = 0; p < partitioner.numPartitions; p++) {
      const merged = new KeyMap<C>();
      for (const bucket of buckets) {
        bucket[p]!.forEach((combiner, key) => {
          const existing = merged.get(key);
          merged.set(key, existing !== undefined || merged.has(key) ? aggregator.mergeCombiners(existing as C, combiner) : combiner);
        });
      }
      const records: [K, C][] = [];
      merged.forEach((c, k) => records.push([k as K, c]));
      out.push(records);
    }
    return out;
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

/** A combiner in a box, so folding into an existing key costs one map lookup, not two. */
interface Box<C> {
  c: C;
}

/**
 * Folds `records` with a built-in reducer into `into` as far as the keys are primitives (the
 * first composite key stops it); returns how many records it folded. Same results as the
 * reducer function: `sum` is `a + b`, `min`/`max` are `Math.min`/`Math.max`.
 */
function foldTagged(records: readonly Pair<unknown, number>[], tag: ReducerTag, into: KeyMap<Box<number>>): number {
  const m = new Map<unknown, Box<number>>();
  let i = 0;
  const n = records.length;
  if (tag === "sum") {
    for (; i < n; i++) {
      const r = records[i]!;
      const k = r[0];
      if (typeof k === "object" && k !== null) break;
      const b = m.get(k);
      if (b === undefined) m.set(k, { c: r[1] });
      else b.c = b.c + r[1];
    }
  } else {
    const pick = tag === "min" ? Math.min : Math.max;
    for (; i < n; i++) {
      const r = records[i]!;
      const k = r[0];
      if (typeof k === "object" && k !== null) break;
      const b = m.get(k);
      if (b === undefined) m.set(k, { c: r[1] });
      else b.c = pick(b.c, r[1]);
    }
  }
  m.forEach((box, k) => into.set(k, box));
  return i;
}

/** One input partition folded per key and cut into one bucket per output partition. */
export function mapSide<K, V, C>(
  feed: Feed<Pair<K, V>>,
  aggregator: Aggregator<V, C>,
  partitioner: Partitioner,
  mapSideCombine: boolean,
): KeyMap<C>[] {
  const n = partitioner.numPartitions;
  const { createCombiner, mergeValue } = aggregator;
  // With map-side combine, fold first and partition the distinct keys after: one hash per key,
  // not per record.
  const combining = mapSideCombine || n === 1;
  const combined = combining ? new KeyMap<Box<C>>() : undefined;
  const buckets = combining ? [] : Array.from({ length: n }, () => new KeyMap<Box<C>>());
  const fold = (r: Pair<K, V>): void => {
    const k = r[0];
    const target = combined ?? buckets[partitioner.getPartition(k)]!;
    const box = target.get(k);
    if (box === undefined) target.set(k, { c: createCombiner(r[1]) });
    else box.c = mergeValue(box.c, r[1]);
  };
  const tag = aggregator.reducerTag;
  if (combined && tag && feed.records) {
    // A built-in reducer over an array: its known semantics allow one tight loop, no calls.
    const records = feed.records;
    const done = foldTagged(records as readonly Pair<unknown, number>[], tag, combined as unknown as KeyMap<Box<number>>);
    for (let i = done; i < records.length; i++) fold(records[i]!);
  } else {
    feed(fold);
  }
  const out = Array.from({ length: combined && n > 1 ? n : combined ? 1 : n }, () => new KeyMap<C>());
  if (!combined) {
    buckets.forEach((bucket, p) => bucket.forEach((box, k) => out[p]!.set(k, box.c)));
  } else if (n === 1) {
    combined.forEach((box, k) => out[0]!.set(k, box.c));
  } else {
    combined.forEach((box, k) => out[partitioner.getPartition(k)]!.set(k, box.c));
  }
  return out;
}
