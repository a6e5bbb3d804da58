// The options and small types of a StreamingContext, apart from the class that ties the layers.
import { RivuletError } from "./core/errors.ts";
import type { Duration } from "./core/duration.ts";
import type { TextFileSink } from "./dstream/output.ts";
import type { Engine, WorkerOptions } from "./engine/engine.ts";
import type { Clock } from "./scheduler/clock.ts";
import type { OriginLockOptions } from "./scheduler/origin-lock.ts";
import type { PIDOptions } from "./sources/rate/pid-estimator.ts";

export interface StreamingContextOptions {
  /** How often a batch is made; every window and slide is a multiple of it. */
  batchInterval: Duration;
  /** The clock the scheduler runs on; a `ManualClock` in tests. Default: the system clock. */
  clock?: Clock;
  /** Partitions per input batch and per shuffle; default: hardware concurrency − 1, at least 1. */
  parallelism?: number;
  /** Spark's master URL, `local`, `local[n]` or `local[*]`, as another way to say `parallelism`. */
  master?: string;
  /** An engine kept alive by a context stopped with `stopEngine: false`, to run this one on. */
  engine?: Engine;
  /** The WebAssembly kernels: `"auto"` (default), `"wasm"` (required) or `"js"` (never). */
  kernels?: "auto" | "wasm" | "js";
  /** The kernel module, compiled elsewhere, where WebAssembly cannot be compiled from bytes (workerd). */
  kernelsModule?: WebAssembly.Module;
  /** The kernels' memory limit in bytes (default 1 GiB); a batch needing more fails with MEMORY_LIMIT. */
  maxKernelMemoryBytes?: number;
  /**
   * Where `saveAsTextFiles` and `saveAsObjectFiles` write; default: the file system on Node, the
   * origin private file system in pages and their workers, none on edge runtimes.
   */
  fileSink?: TextFileSink;
  /**
   * How many completed batches `statistics()`, `batchStatistics()` and `receiverStatistics()`
   * keep and average over: Spark's `spark.streaming.ui.retainedBatches`. Default 1000.
   */
  retainedBatches?: number;
  /** Where `print` writes; default: `console.log`. */
  log?: (text: string) => void;
  /**
   * The most records per second each receiving input (`readableStream`, `textStream`,
   * `receiverStream`) takes: Spark's `spark.streaming.receiver.maxRate`. A batch takes at most
   * `maxRate` × the batch interval records of an input; the rest waits for later batches, and the
   * input stops pulling from its producer (a receiver's `store()` waits) while a batch's share is
   * waiting, so the producer slows down instead of memory filling up. Default: no limit.
   */
  maxRate?: number;
  /**
   * Spark's backpressure (`spark.streaming.backpressure.enabled`): after each batch, a PID
   * controller sets each receiving input's rate from how long the batch took to process and how
   * long it waited, so that batches are processed about as fast as they come; never above
   * `maxRate`. `true` for Spark's defaults, or the initial rate and the controller's gains.
   */
  backpressure?: boolean | BackpressureOptions;
  /**
   * Spark's `spark.streaming.stopGracefullyOnShutdown`: on SIGTERM or SIGINT (Node, Deno), stop
   * gracefully (stop receiving, process everything received, write the last checkpoint), then let
   * the process end. A second signal ends it at once. Default false: the process ends with the
   * signal, and checkpoints (with the write-ahead log) carry the job over a restart. Browsers and
   * edge isolates have no such shutdown.
   */
  stopGracefullyOnShutdown?: boolean;
  /**
   * How long a graceful `stop()` (and the one `stopGracefullyOnShutdown` makes) waits for what
   * was received to be processed before it stops anyway (see `StopOptions.timeout`): Spark's
   * `spark.streaming.gracefulStopTimeout`. Default: 10 × the batch interval, as in Spark.
   */
  gracefulStopTimeout?: Duration;
  /**
   * Worker threads, used when `parallelism` > 1 on a runtime that has them (Node, browsers,
   * Deno): options, or `false` to run every partition in this thread. Ignored with `engine`.
   */
  workers?: ContextWorkerOptions | false;
  /**
   * One active context per origin, not just per realm: `start()` takes the Web Lock
   * `"rivulet:streaming-context"` (or `name`) and holds it until `stop()` has finished; the browser
   * releases it if the tab or worker holding it closes or crashes. Turn it on when tabs or workers
   * of one page could run the same job against the same checkpoint store (IndexedDB), where two
   * running contexts would overwrite each other's state.
   *
   * `start()` stays synchronous: it asks for the lock, and the context begins (its sources start,
   * batches are generated, listeners get `onStreamingStarted`) once the lock is granted, with
   * batch times counted from `start()`. When another context of the origin holds the lock, the
   * context stops itself and `awaitTermination()` rejects with `ANOTHER_CONTEXT_ACTIVE`. With
   * `wait: true` it stands by instead, and begins when the holder stops or goes away, its batch
   * times counted from then (unless it resumes from a checkpoint); `stop()` while standing by
   * withdraws the request.
   *
   * A context with a checkpoint store checks, once it holds the lock, that the store's newest
   * checkpoint is the one it resumed from: when another context wrote a newer one (a standby
   * typically finds its predecessor's), it stops with `CHECKPOINT_MISMATCH` rather than overwrite
   * that state; `StreamingContext.getOrCreate` then builds one that resumes from it. A standby
   * that should take over a shared checkpoint store takes the lock in
   * `getOrCreate(store, factory, { originLock: { wait: true } })` instead, which reads the store
   * only once it holds the lock.
   *
   * Where there is no `navigator.locks` (Node, Cloudflare workerd), pass `locks`, or the
   * constructor throws `UNSUPPORTED`. Default: off.
   */
  originLock?: boolean | OriginLockOptions;
}

/** Backpressure's settings: Spark's `spark.streaming.backpressure.initialRate` and `.pid.*`. */
export interface BackpressureOptions extends PIDOptions {
  /** Records per second each input takes before the first estimate; default: no limit (or `maxRate`). */
  readonly initialRate?: number;
}

/** Worker options of a context: the engine's, and where the worker script is. */
export interface ContextWorkerOptions extends Partial<WorkerOptions> {
  /**
   * The worker script (`dist/node/kernel-worker.js` or `dist/web/kernel-worker.js` of the
   * package), when it is not beside the library's bundle (a bundler moved one of them).
   */
  readonly url?: string | URL | undefined;
}

export interface StopOptions {
  /** Also release the engine (Spark's `stopSparkContext`); default true. */
  stopEngine?: boolean;
  /** Stop receiving, then process everything already received before stopping; default false. */
  graceful?: boolean;
  /**
   * How long (real time) `stop()` waits for processing: the batches already generated, and when
   * graceful, what was received. Past it the context stops anyway, as Spark's does: batches not started
   * are dropped; the running one is abandoned (an output operation already running goes on,
   * since a promise cannot be cancelled, but no later one runs, no checkpoint is written for it
   * and no event is posted); outputs held open (`writeTo`, `toReadableStream`) are aborted or
   * errored rather than closed; sources still stopping are left to finish; and a warning says
   * which batch was abandoned. Default: the context's `gracefulStopTimeout` when graceful, else
   * 2 s (Spark gives running jobs 2 s before it interrupts them).
   */
  timeout?: Duration;
}

export type StreamingContextState = "initialized" | "active" | "stopped";

export interface CheckpointOptions {
  /**
   * Log what non-replayable sources (`readableStream`, non-replayable `textStream`, receivers)
   * receive to the store before acknowledging it, and replay what was logged but not yet
   * processed after a restart (Spark's `spark.streaming.receiver.writeAheadLog.enable`).
   */
  writeAheadLog?: boolean;
}

/** How `getOrCreate` treats a checkpoint it cannot use. */
export interface GetOrCreateOptions {
  /**
   * Spark's `createOnError`: when the checkpoint cannot be used (written by another graph or
   * batch interval, unreadable, or the store fails to read), make a new context with the factory
   * instead of rejecting. It writes its checkpoints to the same store. Default false.
   */
  readonly createOnError?: boolean;
  /**
   * Take the origin's lock (as `StreamingContextOptions.originLock`) before reading the store,
   * and hand it to the context the factory builds, which holds it until `stop()` has finished.
   * With `wait: true` this is leader election over a shared checkpoint store: the promise
   * resolves once this tab or worker holds the lock, with a context that resumes from the
   * checkpoint its predecessor wrote last. Without `wait` it rejects with
   * `ANOTHER_CONTEXT_ACTIVE` when the lock is held elsewhere. The context's own `originLock`, if
   * it has one, must name the same lock.
   */
  readonly originLock?: boolean | OriginLockOptions;
  /** Gives up waiting for the origin's lock: the promise rejects with the signal's reason. */
  readonly signal?: AbortSignal;
}

/** What `getOrCreate` tells the factory when it recovers from a checkpoint. */
export interface RecoveryInfo {
  /** The batch whose state is restored; the job resumes at the batch after it. */
  readonly checkpointTime: number;
  /**
   * Newer checkpoints that were unreadable (torn, truncated, corrupt) and skipped, then records of
   * the batches after the restored one (`batch-<time>`) that could not be used: such a batch is
   * made again from what its inputs hold then, not from where they stood the first time.
   */
  readonly skipped: readonly { readonly name: string; readonly reason: string }[];
}

/** `local` → 1, `local[n]` → n, `local[*]` → undefined (the default); anything else is refused. */
export function parseMaster(master: string | undefined): number | undefined {
  if (master === undefined || master === "local[*]") return undefined;
  if (master === "local") return 1;
  const m = /^local\[(\d+)\]$/.exec(master);
  if (!m || Number(m[1]) < 1) {
    throw new RivuletError("INVALID_ARGUMENT", `master must be "local", "local[n]" or "local[*]", got ${JSON.stringify(master)}`);
  }
  return Number(m[1]);
}
