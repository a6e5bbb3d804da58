import type { AccumulatorUpdate } from "../core/accumulator.ts";
import type { Aggregator, Executor, Pair, Partitions, ShuffleStage } from "../core/executor.ts";
import type { Partitioner } from "../core/partitioner.ts";
import type { Feed } from "../core/pipeline.ts";
import { RivuletError } from "../core/errors.ts";
import { HashPartitioner } from "../core/partitioner.ts";
import type { ReducerTag } from "../core/reducers.ts";
import { sharedMemoryUsable } from "../core/shared-memory.ts";
import { aggregateEntries, encodeColumns, keyCount } from "./kernels/columnar.ts";
import { loadKernels } from "./kernels/load.ts";
import type { Kernels, PartitionedAggregate } from "./kernels/types.ts";
import { bucketsOf, foldCombining, type Folded, LocalExecutor, reduceSide } from "./local-executor.ts";
import { TaskFailedError, WorkerPool, type TaskAttempt } from "./workers/pool.ts";
import type { InjectedFault, JobSpec } from "./workers/protocol.ts";
import { parallelReduceByKey, parallelWordCount, type ShuffleMetrics, type Transport } from "./workers/shuffle.ts";
import type { Spawn } from "./workers/spawn.ts";
import { runJobStage, type StageMetrics } from "./workers/stages.ts";

/**
 * The execution engine, Spark's SparkContext: where a context's partitions run. It outlives a
 * context stopped with `stop({ stopEngine: false })` and can be handed to the next one.
 */
export interface Engine extends Executor {
  /** True once `close()` has run; a closed engine accepts no work. */
  readonly closed: boolean;
  /** Worker threads running now (0 when the engine runs in this thread, or before first use). */
  readonly liveWorkers: number;
  /**
   * Set when workers get batches by transfer: text batches are then also kept as segments of
   * about this many bytes, which workers take whole instead of a copy.
   */
  readonly transferSegmentBytes: number | undefined;
  /**
   * True when workers read text batches in place from shared memory: text batches are then
   * assembled in a `SharedArrayBuffer` as chunks arrive. False when nothing but this thread reads
   * them, where fresh shared memory would only cost its allocation.
   */
  readonly sharedBatches: boolean;
  /** Runs a job module's shuffle stage in the workers; undefined when the engine has none. */
  runJobStage<K, C>(job: JobSpec, stage: ShuffleStage, onAccumulated?: (updates: readonly AccumulatorUpdate[]) => void): Promise<Partitions<[K, C]> | undefined>;
  /** Releases what the engine holds (threads, memory): every worker is terminated. Idempotent. */
  close(): Promise<void>;
}

/** How an engine runs partitions in worker threads. */
export interface WorkerOptions {
  /** Starts one worker on this platform (the context passes its platform's). */
  readonly spawn: Spawn;
  /**
   * How batches reach the workers: `"shared"` (default where `SharedArrayBuffer` is usable:
   * Node, cross-origin isolated pages) reads them in place from shared memory, `"transfer"`
   * copies each slice into a buffer that is transferred.
   */
  readonly transport?: Transport | undefined;
  /** Attempts of a task before its batch fails (default 4, as Spark's `spark.task.maxFailures`). */
  readonly maxTaskFailures?: number | undefined;
  /** Told where the time of each word-count shuffle went (benchmarks). */
  readonly onShuffleMetrics?: ((metrics: ShuffleMetrics) => void) | undefined;
  /** Told where the time of each job stage went (benchmarks). */
  readonly onStageMetrics?: ((metrics: StageMetrics) => void) | undefined;
  /** Test hook: sees every task attempt, may kill its worker or inject a fault. */
  readonly onTask?: ((attempt: TaskAttempt) => InjectedFault | void) | undefined;
}

export interface EngineOptions {
  /** Number of partitions run in parallel; default: hardware concurrency − 1, at least 1. */
  parallelism?: number | undefined;
  /**
   * The WebAssembly kernels: `"auto"` (default) uses them where WebAssembly can be instantiated,
   * `"wasm"` requires them, `"js"` never loads them (every operator has a JS path with the same
   * results).
   */
  kernels?: "auto" | "wasm" | "js" | undefined;
  /**
   * The kernel module compiled elsewhere, for runtimes that cannot compile WebAssembly from bytes
   * (Cloudflare workerd imports it as a module).
   */
  kernelsModule?: WebAssembly.Module | undefined;
  /** The kernels' linear memory limit in bytes; a batch needing more fails with MEMORY_LIMIT. */
  maxKernelMemoryBytes?: number | undefined;
  /**
   * Worker threads, used when `parallelism` > 1: the fused word count and job modules' stages run
   * there. Without (e.g. Cloudflare workerd, which has no `Worker`), everything runs in this thread.
   */
  workers?: WorkerOptions | undefined;
}

/**
 * The default parallelism for `cores` hardware threads (default: `navigator.hardwareConcurrency`
 * where there is one, else 2): one is left to the driver.
 */
export function defaultParallelism(cores?: number): number {
  const n = cores ?? (typeof navigator !== "undefined" && typeof navigator.hardwareConcurrency === "number" ? navigator.hardwareConcurrency : 2);
  return Math.max(1, n - 1);
}

// Where a page's Content-Security-Policy is the reason, this is the fix; elsewhere (workerd) the module is.
const CSP_HINT = ". Under a Content-Security-Policy, script-src needs 'wasm-unsafe-eval'; where WebAssembly cannot be compiled from bytes (workerd), pass kernelsModule";

/** Said once per engine, so that a page running slower than it could knows why. */
function kernelFallbackWarning(reason: unknown): string {
  return `Rivulet: the WebAssembly kernels cannot be loaded here (${describe(reason)}); built-in reducers and countByValue run in JS, with the same results${CSP_HINT}. kernels: "js" skips the attempt.`;
}

/** Said once per engine whose workers could not start. */
function workerFallbackWarning(reason: unknown): string {
  return (
    `Rivulet: no kernel worker could start (${describe(reason)}); partitions run in this thread from now on, with the same results. ` +
    `The workers' script is kernel-worker.js beside the library's bundle: where a bundler or server moved it, pass workers: { url }; workers: false skips the attempt.`
  );
}

function describe(error: unknown): string {
  // Without its closing full stop: the message goes on.
  return (error instanceof Error ? `${error.name}: ${error.message}` : String(error)).replace(/\.$/, "");
}

/** Size of the segments text batches are also kept as, for workers that get them by transfer. */
const SEGMENT_BYTES = 1 << 20;

/** Text smaller than this is counted in this thread: a round trip to a worker would cost more. */
const MIN_PARALLEL_TEXT_BYTES = 1 << 16;

/**
 * An engine: partitions run in this thread, and, with `workers` and a parallelism above 1, in a
 * pool of `parallelism` worker threads started on first use.
 */
export function createEngine(options: EngineOptions = {}): Engine {
  const parallelism = options.parallelism ?? defaultParallelism();
  if (!Number.isInteger(parallelism) || parallelism < 1) {
    throw new RivuletError("INVALID_ARGUMENT", `parallelism must be a positive integer, got ${parallelism}`);
  }
  return new DefaultEngine(parallelism, options);
}

class DefaultEngine extends LocalExecutor implements Engine {
  closed = false;
  private readonly options: EngineOptions;
  private kernels: Promise<Kernels | undefined> | undefined;
  private workerPool: WorkerPool | undefined;
  /** Set once no worker could start: partitions run in this thread from then on. */
  private workersFailed = false;

  constructor(parallelism: number, options: EngineOptions) {
    super(parallelism);
    this.options = options;
  }

  get liveWorkers(): number {
    return this.workerPool?.liveWorkers ?? 0;
  }

  get sharedBatches(): boolean {
    return this.usesWorkers() && this.transport() === "shared";
  }

  get transferSegmentBytes(): number | undefined {
    return this.usesWorkers() && this.transport() === "transfer" ? SEGMENT_BYTES : undefined;
  }

  async countWords(utf8Lines: Uint8Array, numPartitions: number, segments?: readonly Uint8Array[]): Promise<Partitions<[string, number]> | undefined> {
    this.checkOpen();
    const kernels = await this.loadKernels();
    if (!kernels) return undefined;
    const pool = utf8Lines.length >= MIN_PARALLEL_TEXT_BYTES ? this.pool() : undefined;
    const here = (): PartitionedAggregate => kernels.wordCount(utf8Lines, numPartitions);
    const parts = pool
      ? await this.onPool(
          pool,
          (pool) =>
            parallelWordCount(pool, utf8Lines, numPartitions, {
              transport: this.transport(),
              onMetrics: this.options.workers?.onShuffleMetrics,
              mergeHere: (parts, op) => kernels.merge(parts, op),
              segments,
            }),
          here,
        )
      : here();
    return parts.map((part) => aggregateEntries(part) as [string, number][]);
  }

  async runJobStage<K, C>(job: JobSpec, stage: ShuffleStage, onAccumulated?: (updates: readonly AccumulatorUpdate[]) => void): Promise<Partitions<[K, C]> | undefined> {
    this.checkOpen();
    const pool = this.pool();
    if (!pool) return undefined;
    return this.onPool(
      pool,
      (pool) => runJobStage<K, C>(pool, job, stage, { transport: this.transport(), onStageMetrics: this.options.workers?.onStageMetrics, onAccumulated }),
      () => undefined, // the driver runs the stage
    );
  }

  /**
   * `task` on the pool. When it fails because no worker of the pool ever started (its script is
   * not served where it is looked for, a Content-Security-Policy forbids workers, the platform
   * cannot start threads), every attempt would fail alike: the workers are given up, said once,
   * and `inThread` runs instead, with the same results on one thread. A task failing in workers
   * that did start fails as Spark's does.
   */
  private async onPool<T>(pool: WorkerPool, task: (pool: WorkerPool) => Promise<T>, inThread: () => T): Promise<T> {
    try {
      return await task(pool);
    } catch (error) {
      if (!(error instanceof TaskFailedError) || pool.kernelKind !== undefined || pool.closed) throw error;
      if (!this.workersFailed) {
        this.workersFailed = true;
        console.warn(workerFallbackWarning(error.cause));
      }
      // The pool stays open until the engine closes: tasks of this batch still on it fail alike and come here.
      return inThread();
    }
  }

  /** The worker pool, made on first use; undefined when partitions run in this thread only. */
  private pool(): WorkerPool | undefined {
    const workers = this.options.workers;
    if (!workers || !this.usesWorkers() || this.workersFailed) return undefined;
    this.workerPool ??= new WorkerPool({
      size: this.parallelism,
      spawn: workers.spawn,
      module: this.options.kernelsModule,
      kernels: { maxMemoryBytes: this.options.maxKernelMemoryBytes },
      maxTaskFailures: workers.maxTaskFailures,
      onTask: workers.onTask,
    });
    return this.workerPool;
  }

  /** True when partitions run in workers too: there are workers to start, and more than one partition at a time. */
  private usesWorkers(): boolean {
    return this.options.workers !== undefined && this.parallelism > 1;
  }

  private transport(): Transport {
    return this.options.workers?.transport ?? (sharedMemoryUsable() ? "shared" : "transfer");
  }

  /** The WASM kernels, loaded once on first use; undefined where only the (slower) reference would run. */
  private loadKernels(): Promise<Kernels | undefined> {
    const mode = this.options.kernels ?? "auto";
    if (mode === "js") return Promise.resolve(undefined);
    this.kernels ??= loadKernels({
      implementation: mode === "wasm" ? "wasm" : "auto",
      module: this.options.kernelsModule,
      maxMemoryBytes: this.options.maxKernelMemoryBytes,
      onFallback: (reason) => console.warn(kernelFallbackWarning(reason)),
    }).then(
      (k) => (k.kind === "wasm" ? k : undefined),
      (error: unknown) => {
        if (error instanceof RivuletError) throw error;
        throw new RivuletError("UNSUPPORTED", `kernels: "wasm" requires the WebAssembly kernels, which cannot be loaded here: ${describe(error)}${CSP_HINT}`, { cause: error });
      },
    );
    return this.kernels;
  }

  override async combineByKey<K, V, C>(
    input: readonly Feed<Pair<K, V>>[],
    aggregator: Aggregator<V, C>,
    partitioner: Partitioner,
    mapSideCombine: boolean,
  ): Promise<Partitions<[K, C]>> {
    this.checkOpen();
    const tag = aggregator.reducerTag;
    const kernels = tag && mapSideCombine && partitioner instanceof HashPartitioner ? await this.loadKernels() : undefined;
    if (!tag || !kernels) return super.combineByKey(input, aggregator, partitioner, mapSideCombine);
    // Each input partition folded once, in JS; the partials then go through the kernels, or,
    // when their keys or values cannot be encoded, through the JS reduce side. The feeds never
    // run twice: they may run user functions.
    const folded = input.map((feed) => foldCombining(feed, aggregator) as Folded);
    const n = partitioner.numPartitions;
    const partials = folded.filter((f) => f.keys.length > 0);
    // One partial into one partition: the fold is the result, as either merge would give it.
    if (n === 1 && partials.length <= 1) return [partials.length === 0 ? [] : (entriesOf(partials[0]!) as [K, C][])];
    const pool = folded.reduce((n, f) => n + f.keys.length, 0) >= MIN_PARALLEL_PARTIALS ? this.pool() : undefined;
    const here = (): Partitions<[K, number]> | undefined => kernelShuffle(kernels, folded, n, tag);
    const viaKernels = pool ? await this.onPool(pool, (pool) => poolShuffle<K>(pool, folded, n, tag, this.transport()), here) : here();
    if (viaKernels) return viaKernels as unknown as Partitions<[K, C]>;
    return reduceSide<K, C>(
      folded.map((f) => bucketsOf(f as Folded<C>, partitioner)),
      aggregator.mergeCombiners,
      n,
    );
  }

  override cogroup<K>(
    inputs: readonly Partitions<Pair<K, unknown>>[],
    partitioner: Partitioner,
    inPlace?: readonly boolean[],
  ): Promise<Partitions<[K, unknown[][]]>> {
    this.checkOpen();
    return super.cogroup(inputs, partitioner, inPlace);
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.workerPool?.close();
  }

  private checkOpen(): void {
    if (this.closed) throw new RivuletError("ILLEGAL_STATE", "the engine has been closed (its context was stopped with stopEngine: true)");
  }
}

/** A fold's records. */
function entriesOf({ keys, values }: Folded): [unknown, unknown][] {
  const out = new Array<[unknown, unknown]>(keys.length);
  for (let i = 0; i < keys.length; i++) out[i] = [keys[i], values[i]];
  return out;
}

/** Partials of at least this many keys in all go through the pool (less costs a round trip more than it saves). */
const MIN_PARALLEL_PARTIALS = 1 << 16;

/**
 * The kernel half of a built-in reducer's shuffle on the pool: every input partition's partials
 * in input order, cut into slices that workers partition and combine, then merged per output
 * partition, as `kernelShuffle` does in this thread (same keys, same order, same values).
 * Undefined (the JS reduce side takes the partials) when the keys or values cannot be encoded.
 */
async function poolShuffle<K>(pool: WorkerPool, folded: readonly Folded[], numPartitions: number, tag: ReducerTag, transport: Transport): Promise<Partitions<[K, number]> | undefined> {
  const keys: unknown[] = [];
  const values: unknown[] = [];
  // Appended by hand: Array.prototype.flatMap costs several times more per element.
  for (const f of folded) {
    for (let i = 0; i < f.keys.length; i++) {
      keys.push(f.keys[i]);
      values.push(f.values[i]);
    }
  }
  const columns = encodeColumns(keys, values);
  if (!columns) return undefined;
  const merged = await parallelReduceByKey(pool, columns.keys, columns.values, tag, numPartitions, { transport });
  return merged.map((a) => aggregateEntries(a) as [K, number][]);
}

/**
 * A shuffle with a built-in reducer through the kernels: each input partition is folded in JS
 * (one tight loop), its distinct keys and partial values encoded as columns and partitioned by the
 * kernel, then each output partition merges the partials in the kernel. The columns are what
 * moves between threads in a worker pool; here they run in this thread with the same results as
 * the JS path. Undefined (the JS reduce side takes the partials) when keys are not all strings
 * or all numbers, a string is not well-formed UTF-16 (UTF-8 would merge lone surrogates), or a
 * value is no number.
 */
function kernelShuffle<K>(kernels: Kernels, folded: readonly Folded[], numPartitions: number, tag: ReducerTag): Partitions<[K, number]> | undefined {
  const partials: PartitionedAggregate[] = [];
  let kind: string | undefined;
  for (const { keys, values } of folded) {
    if (keys.length === 0) continue;
    const columns = encodeColumns(keys, values);
    if (!columns || (kind !== undefined && kind !== columns.keys.kind)) return undefined;
    kind = columns.keys.kind;
    partials.push(kernels.reduceByKey(columns.keys, columns.values, tag, numPartitions));
  }
  const out: [K, number][][] = [];
  for (let p = 0; p < numPartitions; p++) {
    const parts = partials.map((partial) => partial[p]!).filter((a) => keyCount(a.keys) > 0);
    out.push(parts.length === 0 ? [] : (aggregateEntries(kernels.merge(parts, tag)) as [K, number][]));
  }
  return out;
}
