import type { Pair } from "../core/executor.ts";
import { perBatch } from "./derived.ts";
import type { Computation, Upstream } from "./upstream.ts";

// The narrow family: record-at-a-time and partition-at-a-time operators. The batches fuse chains
// of these into one pass, so a stream of maps costs one loop, not one array per operator.

export const mapped = <T, U>(parent: Upstream<T>, f: (x: T) => U): Computation<U> => perBatch(parent, (b) => b.map(f));

export const flatMapped = <T, U>(parent: Upstream<T>, f: (x: T) => Iterable<U>): Computation<U> =>
  perBatch(parent, (b) => b.flatMap(f));

export const filtered = <T>(parent: Upstream<T>, f: (x: T) => unknown): Computation<T> => perBatch(parent, (b) => b.filter(f));

export const mapPartitioned = <T, U>(
  parent: Upstream<T>,
  f: (records: readonly T[], index: number) => Iterable<U>,
  preservePartitioning = false,
): Computation<U> => perBatch(parent, (b) => b.mapPartitions(f, preservePartitioning));

export const glommed = <T>(parent: Upstream<T>): Computation<T[]> => perBatch(parent, (b) => b.glom());

export const mappedValues = <K, V, U>(parent: Upstream<Pair<K, V>>, f: (v: V) => U): Computation<[K, U]> =>
  perBatch(parent, (b) => b.mapValues(f));

export const flatMappedValues = <K, V, U>(parent: Upstream<Pair<K, V>>, f: (v: V) => Iterable<U>): Computation<[K, U]> =>
  perBatch(parent, (b) => b.flatMapValues(f));
