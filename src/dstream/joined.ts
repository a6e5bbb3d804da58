import type { Batch } from "../core/batch.ts";
import type { Pair } from "../core/executor.ts";
import { perBatchOf } from "./derived.ts";
import { partitionsOf } from "./shuffled.ts";
import type { Computation, Upstream } from "./upstream.ts";

// The join family: two key-value streams combined batch by batch through a cogroup, into the
// engine's parallelism unless told (Spark's PairDStreamFunctions.defaultPartitioner; a batch's own
// join would take the larger side's partition count).

type Binary<K, V, W, R> = (a: Batch<Pair<K, V>>, b: Batch<Pair<K, W>>) => Batch<R>;

function joinedWith<K, V, W, R>(left: Upstream<Pair<K, V>>, right: Upstream<Pair<K, W>>, fn: Binary<K, V, W, R>, what: string): Computation<R> {
  return perBatchOf<R>([left, right], ([a, b]) => fn(a as Batch<Pair<K, V>>, b as Batch<Pair<K, W>>), what);
}

export const cogrouped = <K, V, W>(l: Upstream<Pair<K, V>>, r: Upstream<Pair<K, W>>, n?: number): Computation<[K, [V[], W[]]]> =>
  joinedWith(l, r, (a, b) => a.cogroup(b, partitionsOf(a, n)), "cogroup");

export const joined = <K, V, W>(l: Upstream<Pair<K, V>>, r: Upstream<Pair<K, W>>, n?: number): Computation<[K, [V, W]]> =>
  joinedWith(l, r, (a, b) => a.join(b, partitionsOf(a, n)), "join");

export const leftOuterJoined = <K, V, W>(l: Upstream<Pair<K, V>>, r: Upstream<Pair<K, W>>, n?: number): Computation<[K, [V, W | undefined]]> =>
  joinedWith(l, r, (a, b) => a.leftOuterJoin(b, partitionsOf(a, n)), "leftOuterJoin");

export const rightOuterJoined = <K, V, W>(l: Upstream<Pair<K, V>>, r: Upstream<Pair<K, W>>, n?: number): Computation<[K, [V | undefined, W]]> =>
  joinedWith(l, r, (a, b) => a.rightOuterJoin(b, partitionsOf(a, n)), "rightOuterJoin");

export const fullOuterJoined = <K, V, W>(
  l: Upstream<Pair<K, V>>,
  r: Upstream<Pair<K, W>>,
  n?: number,
): Computation<[K, [V | undefined, W | undefined]]> => joinedWith(l, r, (a, b) => a.fullOuterJoin(b, partitionsOf(a, n)), "fullOuterJoin");
