import type { Batch } from "../core/batch.ts";
import { perBatchOf } from "./derived.ts";
import type { Computation, Upstream } from "./upstream.ts";

/** The records of every stream, the first stream's first (Spark's UnionDStream). */
export function unioned<T>(streams: readonly Upstream<T>[]): Computation<T> {
  return perBatchOf<T>(streams, (batches) => (batches as Batch<T>[]).reduce((acc, b) => acc.union(b)), "union");
}
