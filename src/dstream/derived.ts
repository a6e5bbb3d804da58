import type { Batch } from "../core/batch.ts";
import { RivuletError } from "../core/errors.ts";
import type { Computation, Upstream } from "./upstream.ts";

/**
 * A stream whose batch at each time is a function of its parents' batches at that time: the
 * shape of Spark's MappedDStream, FilteredDStream, ShuffledDStream, TransformedDStream and more.
 * With one parent it has a batch exactly when the parent does.
 */
export function perBatch<T, U>(parent: Upstream<T>, fn: (batch: Batch<T>, time: number) => Batch<U>): Computation<U> {
  return {
    slideDuration: parent.slideDuration,
    dependencies: [parent],
    compute: (time) => {
      const batch = parent.getOrCompute(time);
      return batch && fn(batch, time);
    },
  };
}

/** Parents combined batch by batch; they must slide together (Spark's requirement too). */
export function perBatchOf<U>(
  parents: readonly Upstream<unknown>[],
  fn: (batches: Batch<unknown>[], time: number) => Batch<U> | undefined,
  what: string,
): Computation<U> {
  if (parents.length === 0) throw new RivuletError("INVALID_ARGUMENT", `${what} needs at least one stream`);
  const slide = parents[0]!.slideDuration;
  if (parents.some((p) => p.slideDuration.milliseconds !== slide.milliseconds)) {
    throw new RivuletError(
      "INVALID_ARGUMENT",
      `${what}: every stream must have the same slide duration, got ${parents.map((p) => p.slideDuration).join(", ")}`,
    );
  }
  return {
    slideDuration: slide,
    dependencies: parents,
    compute: (time) => {
      const batches: Batch<unknown>[] = [];
      for (const p of parents) {
        const b = p.getOrCompute(time);
        // As Spark's UnionDStream: going on without it would drop the other streams' records.
        if (!b) throw new RivuletError("ILLEGAL_STATE", `${what}: stream ${p.id} (${p.op}) has no batch at ${time} ms`);
        batches.push(b);
      }
      return fn(batches, time);
    },
  };
}
