/**
 * Job modules: a streaming job written as a module whose default export is `defineJob(setup)`,
 * run with `runJob(url, options)`. The driver imports the module and runs `setup` on a new
 * context; every worker imports the same module and runs `setup` too, on a context of its own
 * that never starts, so it holds the same graph with the same functions, as Spark ships the
 * application jar to every executor. Functions thus reach workers as code, never as text.
 *
 * With a job module, the narrow operators before each shuffle (`map`, `flatMap`, `filter`,
 * `mapPartitions`, and the reducer or combiner itself) run in the workers, each on its share of
 * the batch; without one (`new StreamingContext(...)`), user functions run on the driver and only
 * the kernels run in workers.
 */

import { attachJob, StreamingContext } from "./context.ts";
import type { RecoveryInfo, StreamingContextOptions } from "./context-options.ts";
import type { CheckpointStore } from "./state/store.ts";
import { RivuletError } from "./core/errors.ts";

/** What `setup` is told besides the context. */
export interface JobContext<P> {
  /** `params` of `runJob`, as given on the driver and as a structured clone in each worker. */
  readonly params: P;
  /**
   * Where `setup` runs. On `"worker"` the context is never started: sources are not opened and
   * outputs never run, so a job can skip what only the driver needs (opening a connection, say).
   */
  readonly role: "driver" | "worker";
  /** On the driver of a job recovered from a checkpoint (`runJob` with `checkpoint`): which one. */
  readonly recovery?: RecoveryInfo | undefined;
}

/** Builds the job's graph on `ssc`: the same graph on every call, wherever it runs. */
export type JobSetup<P> = (ssc: StreamingContext, job: JobContext<P>) => void | Promise<void>;

/** A job module's default export. */
export interface Job<P = undefined> {
  readonly kind: "rivulet.job";
  readonly setup: JobSetup<P>;
}

/** Options of `runJob`: the context's, and the job's `params`. */
export interface RunJobOptions<P> extends StreamingContextOptions {
  /** Passed to `setup` on the driver and in every worker; must be structured-cloneable. */
  readonly params?: P;
  /**
   * Spark's `getOrCreate` for a job: checkpoints go to this store, and a job started again on it
   * resumes from its newest checkpoint (state, source positions) instead of starting afresh.
   * With `originLock` too, the store is read once the origin's lock is held (see
   * `GetOrCreateOptions.originLock`): with `wait`, `runJob` resolves when this tab or worker
   * takes over, resuming from the checkpoint the previous holder wrote last.
   */
  readonly checkpoint?: CheckpointStore | undefined;
  /** With `checkpoint`: log what non-replayable sources receive first (see `ssc.checkpoint`). */
  readonly writeAheadLog?: boolean | undefined;
}

/**
 * Declares a job, as a module's default export:
 *
 * ```ts
 * export default defineJob((ssc) => {
 *   ssc.textStream(source).flatMap((l) => l.split(" ")).map((w) => [w, 1] as const).reduceByKey((a, b) => a + b).print();
 * });
 * ```
 *
 * `setup` must build the same graph every time (workers check it against the driver's), must not
 * start or stop the context, and should do nothing it would not want done in every worker.
 */
export function defineJob<P = undefined>(setup: JobSetup<P>): Job<P> {
  if (typeof setup !== "function") throw new RivuletError("INVALID_ARGUMENT", "defineJob takes the job's setup function");
  return Object.freeze({ kind: "rivulet.job" as const, setup });
}

/**
 * Runs the job module at `module` (an absolute URL, e.g. `new URL("./job.js", import.meta.url)`):
 * imports it, builds a context with `options`, runs the job's setup on it, starts it and returns
 * it (to `awaitTermination()` or `stop()`). Worker threads import the same URL.
 */
export async function runJob<P = undefined>(module: string | URL, options: RunJobOptions<P>): Promise<StreamingContext> {
  const url = absoluteUrl(module);
  const job = jobOf((await import(/* @vite-ignore */ /* webpackIgnore: true */ url)) as Record<string, unknown>, url);
  const { params, checkpoint, writeAheadLog, ...contextOptions } = options;
  try {
    structuredClone(params);
  } catch (cause) {
    throw new RivuletError("INVALID_ARGUMENT", "runJob: params must be structured-cloneable (they are posted to every worker)", { cause });
  }
  let made: StreamingContext | undefined;
  const build = async (recovery: RecoveryInfo | undefined): Promise<StreamingContext> => {
    const ssc = (made = new StreamingContext(contextOptions));
    attachJob(ssc, url, params);
    if (checkpoint) ssc.checkpoint(checkpoint, { writeAheadLog: writeAheadLog ?? false });
    await job.setup(ssc, { params: params as P, role: "driver", recovery });
    return ssc;
  };
  try {
    const ssc = checkpoint ? await StreamingContext.getOrCreate(checkpoint, build, { originLock: contextOptions.originLock }) : await build(undefined);
    ssc.start();
    return ssc;
  } catch (error) {
    await made?.stop();
    throw error;
  }
}

function absoluteUrl(module: string | URL): string {
  try {
    return new URL(String(module)).href;
  } catch {
    throw new RivuletError("INVALID_ARGUMENT", `runJob needs the module's absolute URL, e.g. new URL("./job.js", import.meta.url); got ${String(module)}`);
  }
}

/** The job a module exports by default, or a clear error. */
export function jobOf<P>(module: Record<string, unknown>, url: string): Job<P> {
  const job = module["default"] as Partial<Job<P>> | undefined;
  if (!job || job.kind !== "rivulet.job" || typeof job.setup !== "function") {
    throw new RivuletError("INVALID_ARGUMENT", `${url} is no job module: its default export must be defineJob(setup)`);
  }
  return job as Job<P>;
}
