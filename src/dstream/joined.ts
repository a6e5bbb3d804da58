import type { Batch } from "../core/batch.ts";
import type { Pair } from "../core/executor.ts";
import { perBatchOf } from "./derived.ts";
import { laidOut, type Partitioning, partitionsOf } from "./partitioning.ts";
import type { Computation, Upstream } from "./upstream.ts";

// The join family: two key-value streams combined batch by batch through a cogroup, into the
// engine's parallelism unless told (Spark's PairDStreamFunctions.defaultPartitioner; a batch's own
// join would take the larger side's partition count), then placed as a partitioner says.

type Binary<K, V, W, R> = (a: Batch<Pair<K, V>>, b: Batch<Pair<K, W>>, n: number) => Batch<R>;

function joinedWith<K, V, W, R extends Pair<K, unknown>>(
  left: Upstream<Pair<K, V>>,
  right: Upstream<Pair<K, W>>,
  p: Partitioning | undefined,
  fn: Binary<K, V, W, R>,
  what: string,
): Computation<R> {
  return perBatchOf<R>(
    [left, right],
    ([a, b]) => laidOut(fn(a as Batch<Pair<K, V>>, b as Batch<Pair<K, W>>, partitionsOf(a!, p)), p),
    what,
  );
}

export const cogrouped = <K, V, W>(l: Upstream<Pair<K, V>>, r: Upstream<Pair<K, W>>, p?: Partitioning): Computation<[K, [V[], W[]]]> =>
  joinedWith(l, r, p, (a, b, n) => a.cogroup(b, n), "cogroup");

export const joined = <K, V, W>(l: Upstream<Pair<K, V>>, r: Upstream<Pair<K, W>>, p?: Partitioning): Computation<[K, [V, W]]> =>
  joinedWith(l, r, p, (a, b, n) => a.join(b, n), "join");

export const leftOuterJoined = <K, V, W>(l: Upstream<Pair<K, V>>, r: Upstream<Pair<K, W>>, p?: Partitioning): Computation<[K, [V, W | undefined]]> =>
  joinedWith(l, r, p, (a, b, n) => a.leftOuterJoin(b, n), "leftOuterJoin");

export const rightOuterJoined = <K, V, W>(l: Upstream<Pair<K, V>>, r: Upstream<Pair<K, W>>, p?: Partitioning): Computation<[K, [V | undefined, W]]> =>
  joinedWith(l, r, p, (a, b, n) => a.rightOuterJoin(b, n), "rightOuterJoin");

export const fullOuterJoined = <K, V, W>(
  l: Upstream<Pair<K, V>>,
  r: Upstream<Pair<K, W>>,
  p?: Partitioning,
): Computation<[K, [V | undefined, W | undefined]]> => joinedWith(l, r, p, (a, b, n) => a.fullOuterJoin(b, n), "fullOuterJoin");
