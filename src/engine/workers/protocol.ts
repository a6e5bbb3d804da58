/**
 * What crosses between the driver thread and a kernel worker: the worker's API (exposed with
 * comlink), the timing envelope of every reply, and the transfer lists of columnar values.
 *
 * Shared by both sides and by every platform; no runtime-specific code here.
 */

import type { AccumulatorUpdate } from "../../core/accumulator.ts";
import type { BroadcastWire } from "../../core/broadcast.ts";
import type { BatchOrigin } from "../../core/executor.ts";
import type { ReducerTag } from "../../core/reducers.ts";
import type { Aggregate, KernelOp, KernelsOptions, KeyColumn, PartitionedAggregate } from "../kernels/types.ts";

/**
 * A failure injected into a task by a test hook (see `WorkerPoolOptions.onTask`): the worker
 * dies at `at` ("start": before the kernel runs, "end": after it, before replying), by an
 * uncaught error (`"throw"`) or by exiting its thread (`"exit"`).
 */
export interface InjectedFault {
  readonly at: "start" | "end";
  readonly kind: "throw" | "exit";
}

/** Clock readings of one task, in absolute milliseconds (`performance.timeOrigin + now()`). */
export interface WorkerTiming {
  /** When the worker's handler started (the request has arrived and been deserialized). */
  readonly receivedAt: number;
  /** When the kernel finished; the reply is posted right after. */
  readonly doneAt: number;
  /** Time in the kernel, ms. */
  readonly computeMs: number;
}

/** A worker's reply: the value and when the worker received the task and finished it. */
export interface Reply<T> {
  readonly value: T;
  readonly timing: WorkerTiming;
  /** The task's input buffers (those that were transferred), handed back for reuse. */
  readonly spare: readonly ArrayBuffer[];
}

/** Per-call options carried with a task. */
export interface TaskOptions {
  /** Test hook only: make the worker die inside this task. */
  readonly fault?: InjectedFault | undefined;
}

/**
 * A job module every worker imports, as Spark ships the application jar to each executor: the
 * worker runs the module's setup on a context of its own and so holds the same graph, functions
 * included, as the driver. Plain data (it is posted with every stage task).
 */
export interface JobSpec {
  /** This run of the job (a worker keeps the graph of the latest run it saw). */
  readonly run: string;
  /** The module's URL, as the driver imported it. */
  readonly url: string;
  /** What the driver passed to the job's setup (structured-cloneable). */
  readonly params: unknown;
  /** The driver's graph fingerprint: a worker whose setup built another graph refuses to run. */
  readonly fingerprint: string;
  readonly batchIntervalMs: number;
  readonly parallelism: number;
  /** The driver's start time: batch times are valid relative to it. */
  readonly zeroTime: number;
  /** Accumulators the driver's context had when it started: the worker's setup must make as many. */
  readonly accumulators: number;
  /** The broadcasts the driver's context had when it started: the worker's copies take these values. */
  readonly broadcasts: readonly BroadcastWire[];
}

/** A stage task's output: its parts, and what it added to the job's accumulators. */
export interface StageResult {
  readonly parts: EncodedPart[];
  readonly accumulated: readonly AccumulatorUpdate[];
}

/** One map task of a stage: an input partition's lines through the narrow chain into the map side. */
export interface StageTask {
  /** The stream whose batch at this time is the shuffle's output. */
  readonly output: BatchOrigin;
  /** The input stream's batch the lines belong to, and its number of partitions. */
  readonly input: BatchOrigin & { readonly numPartitions: number };
  /** The input partition these lines are. */
  readonly partition: number;
  /** Output partitions. */
  readonly numPartitions: number;
}

/**
 * One output partition's combined records from one task: columns when keys are all strings or
 * all numbers and combiners numbers, else the `[key, combiner]` pairs themselves (distinct keys
 * only: partials, never the batch's records).
 */
export type EncodedPart =
  | { readonly kind: "columns"; readonly keys: KeyColumn; readonly values: Float64Array }
  | { readonly kind: "records"; readonly records: readonly (readonly [unknown, unknown])[] };

/** The job side of a worker (supplied by the worker entry, which can reach the context). */
export interface JobHost {
  /** Map side of a stage over one input partition's lines: the combined records of each output partition. */
  mapStage(job: JobSpec, stage: StageTask, lines: Uint8Array): Promise<StageResult>;
  /** Reduce side of a stage: each group's parts (in map task order) merged with the job's combiner. */
  mergeStage(job: JobSpec, stage: StageTask, groups: readonly (readonly EncodedPart[])[]): Promise<StageResult>;
}

/** The kernel worker, as seen through comlink (every method also returns a promise there). */
export interface KernelWorkerApi {
  /** Instantiates the kernels from a module compiled by the driver. Called once per worker. */
  init(module: WebAssembly.Module | undefined, options?: KernelsOptions): Promise<"wasm" | "reference">;
  /** Map side of the fused word count over UTF-8 lines: partial counts per output partition. */
  wordCount(text: Uint8Array | readonly Uint8Array[], numPartitions: number, options?: TaskOptions): Reply<PartitionedAggregate>;
  /** Map side of reduceByKey (or countByKey when `op` is "count"): partials per output partition. */
  reduceByKey(keys: KeyColumn, values: Float64Array | undefined, op: ReducerTag | "count", numPartitions: number, options?: TaskOptions): Reply<PartitionedAggregate>;
  /** Reduce side: the partials of one output partition, from the map tasks in task order. */
  merge(parts: readonly Aggregate[], op: KernelOp, options?: TaskOptions): Reply<Aggregate>;
  /** Reduce side for several output partitions in one round trip: `merge` of each group. */
  mergeGroups(groups: readonly (readonly Aggregate[])[], op: KernelOp, options?: TaskOptions): Reply<Aggregate[]>;
  /** Map side of a job's stage (see `JobHost.mapStage`); fails where the worker has no job host. */
  mapStage(job: JobSpec, stage: StageTask, lines: Uint8Array, options?: TaskOptions): Promise<Reply<StageResult>>;
  /** Reduce side of a job's stage (see `JobHost.mergeStage`). */
  mergeStage(job: JobSpec, stage: StageTask, groups: readonly (readonly EncodedPart[])[], options?: TaskOptions): Promise<Reply<StageResult>>;
}

/** Platform services the worker side needs (supplied by each platform's worker entry). */
export interface WorkerHost {
  /** Ends this worker thread now (Node: `process.exit`; browsers: `close()`). */
  exit(code: number): void;
  /** Runs job stages; absent in a worker that runs kernels only. */
  readonly jobs?: JobHost | undefined;
}

const isShared = (buffer: ArrayBufferLike): boolean =>
  typeof SharedArrayBuffer !== "undefined" && buffer instanceof SharedArrayBuffer;

/** Adds the buffer of `view` to `into` unless it is shared (shared memory is never transferred). */
function add(into: Set<ArrayBuffer>, view: ArrayBufferView): void {
  if (!isShared(view.buffer)) into.add(view.buffer as ArrayBuffer);
}

/** The buffers behind a key column (deduplicated, never a SharedArrayBuffer). */
export function keyTransferables(keys: KeyColumn, into: Set<ArrayBuffer> = new Set()): Set<ArrayBuffer> {
  if (keys.kind === "string") {
    add(into, keys.bytes);
    add(into, keys.offsets);
  } else {
    add(into, keys.keys);
  }
  return into;
}

/** The buffers behind aggregates, for a transfer list. */
export function aggregateTransferables(aggregates: readonly Aggregate[]): ArrayBuffer[] {
  const into = new Set<ArrayBuffer>();
  for (const a of aggregates) {
    keyTransferables(a.keys, into);
    add(into, a.values);
    add(into, a.hashes);
  }
  return [...into];
}

/** The buffers behind encoded parts, for a transfer list. */
export function partTransferables(parts: readonly EncodedPart[]): ArrayBuffer[] {
  const into = new Set<ArrayBuffer>();
  for (const part of parts) {
    if (part.kind !== "columns") continue;
    keyTransferables(part.keys, into);
    add(into, part.values);
  }
  return [...into];
}

/** The buffers behind typed arrays, for a transfer list. */
export function viewTransferables(views: readonly (ArrayBufferView | undefined)[]): ArrayBuffer[] {
  const into = new Set<ArrayBuffer>();
  for (const v of views) if (v !== undefined) add(into, v);
  return [...into];
}

/** A clock that agrees across threads: absolute milliseconds. */
export function absoluteNow(): number {
  return performance.timeOrigin + performance.now();
}
