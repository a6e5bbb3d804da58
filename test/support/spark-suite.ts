// Spark's TestSuiteBase in miniature: input batches in, output batches out, under a ManualClock.
import { type Batch, type ContextWorkerOptions, type DStream, ManualClock, MemoryCheckpointStore, Seconds, StreamingContext } from "../../src/index.ts";

/**
 * The kernels a test's context uses unless the test says: `RIVULET_TEST_KERNELS` when set (the
 * `node-js-kernels` project of vitest.config.ts runs the DStream tests again with `"js"`, so
 * built-in reducers give the same batches through the WASM kernels and through JS), else `"auto"`.
 */
export function testKernels(): "auto" | "wasm" | "js" {
  const asked = typeof process === "undefined" ? undefined : process.env.RIVULET_TEST_KERNELS;
  return asked === "js" || asked === "wasm" ? asked : "auto";
}

export interface RunOptions {
  /** Batches to run; default: as many as there are input batches. */
  numBatches?: number;
  parallelism?: number;
  /** Which path shuffles with built-in reducers take: the WASM kernels or JS (default: `testKernels()`). */
  kernels?: "auto" | "wasm" | "js";
  /** The context's worker options (default: the context's own). */
  workers?: ContextWorkerOptions | false;
}

/**
 * Feeds `input` (one array per batch) through `operation` and collects every output batch,
 * in partition order. The context is stopped afterwards.
 */
export async function runOperation<T, U>(
  input: T[][],
  operation: (stream: DStream<T>) => DStream<U>,
  options: RunOptions = {},
): Promise<U[][]> {
  return runOperation2(input, [], (a) => operation(a), options);
}

/** Like `runOperation`, with two input streams. */
export async function runOperation2<T, W, U>(
  input1: T[][],
  input2: W[][],
  operation: (a: DStream<T>, b: DStream<W>) => DStream<U>,
  options: RunOptions = {},
): Promise<U[][]> {
  const clock = new ManualClock();
  const ssc = new StreamingContext({
    batchInterval: Seconds(1),
    clock,
    parallelism: options.parallelism ?? 2,
    kernels: options.kernels ?? testKernels(),
    ...(options.workers !== undefined ? { workers: options.workers } : {}),
  });
  // Stateful and incremental-window operators need a checkpoint store, as in Spark.
  ssc.checkpoint(new MemoryCheckpointStore());
  try {
    const a = ssc.queueStream<T>(input1.map((b) => b.slice()));
    const b = ssc.queueStream<W>(input2.map((x) => x.slice()));
    const output: U[][] = [];
    operation(a, b).foreachRDD(async (batch: Batch<U>) => {
      output.push(await batch.collect());
    });
    ssc.start();
    const n = options.numBatches ?? Math.max(input1.length, input2.length);
    await clock.advance(n * 1000);
    return output;
  } finally {
    await ssc.stop();
  }
}

/** Sorts records by their printed form, for outputs whose order within a batch is unspecified. */
export function sorted<T>(records: T[]): T[] {
  return records.slice().sort((x, y) => (key(x) < key(y) ? -1 : key(x) > key(y) ? 1 : 0));
}

function key(x: unknown): string {
  return JSON.stringify(x, (_k, v) => (typeof v === "bigint" ? `${v}n` : v === undefined ? "__undefined__" : v));
}

/**
 * Adds a running word count over `input` to `ssc` (`updateStateByKey`, checkpointed every
 * batch), recording its sorted state after each batch in `counts`: the job of the recovery and
 * hand-over tests. The checkpoint interval is the context's own duration, so that a context
 * from another copy of the library (another tab) accepts it.
 */
export function runningWordCount(ssc: StreamingContext, input: readonly string[][], counts: Map<number, [string, number][]>): void {
  const state = ssc
    .queueStream(input.map((b) => b.slice()))
    .map((w) => [w, 1] as const)
    .updateStateByKey<string, 1, number>((values, s) => (s ?? 0) + values.length);
  state.checkpoint(ssc.batchInterval);
  state.foreachRDD(async (b, t) => void counts.set(t, sorted(await b.collect())));
}
