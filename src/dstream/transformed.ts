import { Batch } from "../core/batch.ts";
import { RivuletError } from "../core/errors.ts";
import { perBatch, perBatchOf } from "./derived.ts";
import type { Computation, Upstream } from "./upstream.ts";

// The transform family: arbitrary batch-to-batch functions, Spark's TransformedDStream. The
// function runs when the batch's jobs are generated, on the driver.

/**
 * What a transform function returned, checked: as in Spark, a function that returns nothing fails
 * the batch, where taking it for "no batch" would drop the batch's records without a word.
 */
function checked<R>(result: unknown, what: string, time: number): Batch<R> {
  if (result instanceof Batch) return result as Batch<R>;
  throw new RivuletError(
    "INVALID_ARGUMENT",
    `${what}: the function must return a Batch, got ${result === null ? "null" : typeof result} at ${time} ms; ` +
      "return an empty batch (e.g. batch.filter(() => false) or ssc.parallelize([])) for no records",
  );
}

export const transformed = <T, U>(parent: Upstream<T>, fn: (batch: Batch<T>, time: number) => Batch<U>): Computation<U> =>
  perBatch(parent, (batch, time) => checked<U>(fn(batch, time), "transform", time));

export const transformedWith = <T, U, R>(
  a: Upstream<T>,
  b: Upstream<U>,
  fn: (x: Batch<T>, y: Batch<U>, time: number) => Batch<R>,
): Computation<R> =>
  perBatchOf<R>([a, b], ([x, y], time) => checked<R>(fn(x as Batch<T>, y as Batch<U>, time), "transformWith", time), "transformWith");

export const transformedAll = <R>(streams: readonly Upstream<unknown>[], fn: (batches: Batch<unknown>[], time: number) => Batch<R>): Computation<R> =>
  perBatchOf<R>(streams, (batches, time) => checked<R>(fn(batches, time), "transform", time), "transform");
