import type { Batch } from "../core/batch.ts";
import type { Pair } from "../core/executor.ts";
import { perBatchOf } from "./derived.ts";
import type { Computation, Upstream } from "./upstream.ts";

// The join family: two key-value streams combined batch by batch through a cogroup.

type Binary<K, V, W, R> = (a: Batch<Pair<K, V>>, b: Batch<Pair<K, W>>) => Batch<R>;

function joinedWith<K, V, W, R>(left: Upstream<Pair<K, V>>, right: Upstream<Pair<K, W>>, fn: Binary<K, V, W, R>, what: string): Computation<R> {
  return perBatchOf<R>([left, right], ([a, b]) => fn(a as Batch<Pair<K, V>>, b as Batch<Pair<K, W>>), what);
}

export const cogrouped = <K, V, W>(l: Upstream<Pair<K, V>>, r: Upstream<Pair<K, W>>, n?: number): Computation<[K, [V[], W[]]]> =>
  joinedWith(l, r, (a, b) => a.cogroup(b, n), "cogroup");

export const joined = <K, V, W>(l: Upstream<Pair<K, V>>, r: Upstream<Pair<K, W>>, n?: number): Computation<[K, [V, W]]> =>
  joinedWith(l, r, (a, b) => a.join(b, n), "join");

export const leftOuterJoined = <K, V, W>(l: Upstream<Pair<K, V>>, r: Upstream<Pair<K, W>>, n?: number): Computation<[K, [V, W | undefined]]> =>
  joinedWith(l, r, (a, b) => a.leftOuterJoin(b, n), "leftOuterJoin");

export const rightOuterJoined = <K, V, W>(l: Upstream<Pair<K, V>>, r: Upstream<Pair<K, W>>, n?: number): Computation<[K, [V | undefined, W]]> =>
  joinedWith(l, r, (a, b) => a.rightOuterJoin(b, n), "rightOuterJoin");

export const fullOuterJoined = <K, V, W>(
  l: Upstream<Pair<K, V>>,
  r: Upstream<Pair<K, W>>,
  n?: number,
): Computation<[K, [V | undefined, W | undefined]]> => joinedWith(l, r, (a, b) => a.fullOuterJoin(b, n), "fullOuterJoin");
