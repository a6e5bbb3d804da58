import type { Batch } from "../core/batch.ts";
import { perBatch, perBatchOf } from "./derived.ts";
import type { Computation, Upstream } from "./upstream.ts";

// The transform family: arbitrary batch-to-batch functions, Spark's TransformedDStream. The
// function runs when the batch's jobs are generated, on the driver.

export const transformed = <T, U>(parent: Upstream<T>, fn: (batch: Batch<T>, time: number) => Batch<U>): Computation<U> =>
  perBatch(parent, fn);

export const transformedWith = <T, U, R>(
  a: Upstream<T>,
  b: Upstream<U>,
  fn: (x: Batch<T>, y: Batch<U>, time: number) => Batch<R>,
): Computation<R> => perBatchOf<R>([a, b], ([x, y], time) => fn(x as Batch<T>, y as Batch<U>, time), "transformWith");

export const transformedAll = <R>(streams: readonly Upstream<unknown>[], fn: (batches: Batch<unknown>[], time: number) => Batch<R>): Computation<R> =>
  perBatchOf<R>(streams, fn, "transform");
