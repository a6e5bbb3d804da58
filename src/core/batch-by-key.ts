/**
 * Per-key aggregations of a batch with a zero value (Spark's `aggregateByKey`, `foldByKey`) and
 * `groupBy`, built on `combineByKey` and `groupByKey`, so they partition as every other shuffle.
 */
import type { Batch } from "./batch.ts";
import { RivuletError } from "./errors.ts";
import type { Pair } from "./executor.ts";

export function aggregateByKey<K, V, U>(
  batch: Batch<Pair<K, V>>,
  zero: U,
  seqOp: (acc: U, value: V) => U,
  combOp: (a: U, b: U) => U,
  numPartitions: number | undefined,
): Batch<[K, U]> {
  const fresh = zeroCopies(zero, "aggregateByKey");
  return batch.combineByKey<K, V, U>((v) => seqOp(fresh(), v), seqOp, combOp, numPartitions);
}

export function foldByKey<K, V>(batch: Batch<Pair<K, V>>, zero: V, fn: (a: V, b: V) => V, numPartitions: number | undefined): Batch<[K, V]> {
  const fresh = zeroCopies(zero, "foldByKey");
  return batch.combineByKey<K, V, V>((v) => fn(fresh(), v), fn, fn, numPartitions);
}

export function groupBy<T, K>(batch: Batch<T>, f: (record: T) => K, numPartitions: number | undefined): Batch<[K, T[]]> {
  // keyBy drops any partitioning, so the shuffle's default is this batch's partition count: what
  // Spark's groupBy(f), with defaultPartitioner(this), gives too.
  return batch.keyBy(f).groupByKey<K, T>(numPartitions);
}

/**
 * A source of copies of `zero`, one per key. Spark serializes the zero value once and
 * deserializes a copy for each key, so a Scala port may change its accumulator in place
 * (`aggregateByKey(mutable.Set.empty)(_ += _, _ ++= _)`). `structuredClone` is JavaScript's
 * serialize-and-deserialize, so that code ports unchanged and keeps working: an array, a plain
 * object, a `Map` or a `Set` as zero is a new one per key. A factory argument would work too but
 * would change the signature Spark users know and be ambiguous for function-valued zeros.
 * Primitives are immutable and are used as they are. Like Spark's serialization, this refuses a
 * zero that cannot be copied (a function, a class instance, which would come back as a plain
 * object without its methods), at the call, not at the first key.
 */
function zeroCopies<U>(zero: U, operator: string): () => U {
  if (zero === null || (typeof zero !== "object" && typeof zero !== "function")) return () => zero;
  let snapshot: U;
  try {
    // Copied now, as Spark serializes it at the call: later changes to the caller's object do not count.
    snapshot = structuredClone(zero);
  } catch (cause) {
    throw new RivuletError("INVALID_ARGUMENT", `${operator}: the zero value cannot be copied per key with structuredClone (${describe(cause)})`, { cause });
  }
  if (Object.getPrototypeOf(snapshot) !== Object.getPrototypeOf(zero)) {
    throw new RivuletError(
      "INVALID_ARGUMENT",
      `${operator}: the zero value is a ${className(zero)}, which structuredClone copies as a plain object; use a plain object, an array, a Map or a Set`,
    );
  }
  return () => structuredClone(snapshot);
}

function className(value: unknown): string {
  const proto: unknown = Object.getPrototypeOf(value);
  const ctor: unknown = proto === null ? undefined : (proto as { constructor?: unknown }).constructor;
  return typeof ctor === "function" && ctor.name ? ctor.name : "object without a prototype";
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
