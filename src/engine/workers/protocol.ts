/**
 * What crosses between the driver thread and a kernel worker: the worker's API (exposed with
 * comlink), the timing envelope of every reply, and the transfer lists of columnar values.
 *
 * Shared by both sides and by every platform; no runtime-specific code here.
 */

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

/** The kernel worker, as seen through comlink (every method also returns a promise there). */
export interface KernelWorkerApi {
  /** Instantiates the kernels from a module compiled by the driver. Called once per worker. */
  init(module: WebAssembly.Module, options?: KernelsOptions): Promise<"wasm" | "reference">;
  /** Map side of the fused word count over UTF-8 lines: partial counts per output partition. */
  wordCount(text: Uint8Array, numPartitions: number, options?: TaskOptions): Reply<PartitionedAggregate>;
  /** Map side of reduceByKey (or countByKey when `op` is "count"): partials per output partition. */
  reduceByKey(keys: KeyColumn, values: Float64Array | undefined, op: ReducerTag | "count", numPartitions: number, options?: TaskOptions): Reply<PartitionedAggregate>;
  /** Reduce side: the partials of one output partition, from the map tasks in task order. */
  merge(parts: readonly Aggregate[], op: KernelOp, options?: TaskOptions): Reply<Aggregate>;
  /** Reduce side for several output partitions in one round trip: `merge` of each group. */
  mergeGroups(groups: readonly (readonly Aggregate[])[], op: KernelOp, options?: TaskOptions): Reply<Aggregate[]>;
}

/** Platform services the worker side needs (supplied by each platform's worker entry). */
export interface WorkerHost {
  /** Ends this worker thread now (Node: `process.exit`; browsers: `close()`). */
  exit(code: number): void;
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
