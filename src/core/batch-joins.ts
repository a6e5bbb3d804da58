/**
 * Joins of two pair batches (Spark's `join`, `leftOuterJoin`, `rightOuterJoin`, `fullOuterJoin`),
 * each a cogroup by key and the pairs of values of each key: every value of one side with every
 * value of the other, `undefined` (Scala's `None`) for a side with none where the join keeps it.
 */
import type { Batch } from "./batch.ts";
import type { Pair } from "./executor.ts";

/**
 * The pairs `f` makes of each key's cogrouped values, under the same key: as Spark's joins are a
 * cogroup and a `flatMapValues`, the output keeps the cogroup's hash partitioning.
 */
function perKey<K, G, R>(cogrouped: Batch<[K, G]>, f: (k: K, grouped: G) => R[]): Batch<R> {
  const out = cogrouped.flatMap(([k, grouped]) => f(k, grouped));
  out.hashPartitioned = cogrouped.hashPartitioned;
  return out;
}

export function join<K, V, W>(batch: Batch<Pair<K, V>>, other: Batch<Pair<K, W>>, numPartitions: number | undefined): Batch<[K, [V, W]]> {
  return perKey(batch.cogroup(other, numPartitions), (k, [vs, ws]) => {
    const out: [K, [V, W]][] = [];
    for (const v of vs) for (const w of ws) out.push([k, [v, w]]);
    return out;
  });
}

export function leftOuterJoin<K, V, W>(batch: Batch<Pair<K, V>>, other: Batch<Pair<K, W>>, numPartitions: number | undefined): Batch<[K, [V, W | undefined]]> {
  return perKey(batch.cogroup(other, numPartitions), (k, [vs, ws]) => {
    const out: [K, [V, W | undefined]][] = [];
    for (const v of vs) {
      if (ws.length === 0) out.push([k, [v, undefined]]);
      else for (const w of ws) out.push([k, [v, w]]);
    }
    return out;
  });
}

export function rightOuterJoin<K, V, W>(batch: Batch<Pair<K, V>>, other: Batch<Pair<K, W>>, numPartitions: number | undefined): Batch<[K, [V | undefined, W]]> {
  return perKey(batch.cogroup(other, numPartitions), (k, [vs, ws]) => {
    const out: [K, [V | undefined, W]][] = [];
    for (const w of ws) {
      if (vs.length === 0) out.push([k, [undefined, w]]);
      else for (const v of vs) out.push([k, [v, w]]);
    }
    return out;
  });
}

export function fullOuterJoin<K, V, W>(
  batch: Batch<Pair<K, V>>,
  other: Batch<Pair<K, W>>,
  numPartitions: number | undefined,
): Batch<[K, [V | undefined, W | undefined]]> {
  return perKey(batch.cogroup(other, numPartitions), (k, [vs, ws]) => {
    const out: [K, [V | undefined, W | undefined]][] = [];
    if (vs.length === 0) for (const w of ws) out.push([k, [undefined, w]]);
    else if (ws.length === 0) for (const v of vs) out.push([k, [v, undefined]]);
    else for (const v of vs) for (const w of ws) out.push([k, [v, w]]);
    return out;
  });
}
