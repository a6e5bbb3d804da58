/**
 * The two-phase shuffle over a worker pool, as Spark runs a shuffle across executor cores:
 *
 * 1. map: the batch is cut into `pool.size` slices (text at line boundaries, columns at record
 *    boundaries); each worker runs the map-side kernel over its slice (partition + partial
 *    aggregation) and returns one partial `Aggregate` per output partition;
 * 2. reduce: the partials of each output partition, in slice order, are merged by one worker.
 *
 * Inputs and partials move by transfer (`Comlink.transfer`), never by structured clone of
 * records: a slice is copied into a buffer of its own which is transferred to the worker, so the
 * caller's buffers are never detached and a failed attempt can be retried from them. With the
 * `"shared"` transport the input is put into a `SharedArrayBuffer` once (no copy when it
 * already is one) and workers read their slices in place.
 *
 * The results equal the in-thread kernels': keys in first-seen order within each output
 * partition, the same hashes, the same values (a float `sum` may differ in the last bits, as
 * partial sums are added in another order; integer sums, counts, `min` and `max` are exact).
 */

import { transfer } from "comlink";
import { RivuletError } from "../../core/errors.ts";
import type { ReducerTag } from "../../core/reducers.ts";
import { keyCount } from "../kernels/columnar.ts";
import type { Aggregate, KernelOp, KeyColumn, PartitionedAggregate } from "../kernels/types.ts";
import type { PoolTask, TaskTiming, WorkerPool } from "./pool.ts";
import { absoluteNow, aggregateTransferables, viewTransferables } from "./protocol.ts";

/** How slices of the input reach the workers. */
export type Transport = "transfer" | "shared";

export interface ShuffleOptions {
  /**
   * `"transfer"` (default): each map task gets a copy of its slice, transferred. `"shared"`: the
   * input in a `SharedArrayBuffer`, read in place (falls back to `"transfer"` where there is no
   * `SharedArrayBuffer`, e.g. a page that is not cross-origin isolated).
   */
  readonly transport?: Transport | undefined;
  /**
   * Inputs smaller than this (bytes of text, or records) per worker use fewer workers; default
   * 64 KiB of text, 8192 records. 0 always uses every worker (tests).
   */
  readonly minSliceSize?: number | undefined;
  /** Told where the time of this shuffle went. */
  readonly onMetrics?: ((metrics: ShuffleMetrics) => void) | undefined;
}

/** Where the time of one shuffle went. All in ms. */
export interface ShuffleMetrics {
  readonly transport: Transport;
  /** Map tasks (slices) run. */
  readonly slices: number;
  /** From the call to its result. */
  readonly wallMs: number;
  /** Copying the input into shared memory (the `"shared"` transport only; 0 when it already was). */
  readonly shareMs: number;
  /** The tasks, map then merge. */
  readonly map: readonly TaskTiming[];
  readonly merge: readonly TaskTiming[];
  /**
   * Moving buffers between threads on the critical path: per phase, the largest time a task
   * spent between dispatch and the worker starting on it plus between the worker's reply and
   * its arrival here (copying its slice, posting, deserializing, both ways), summed over the
   * phases, plus `shareMs`.
   */
  readonly movementMs: number;
  /** Kernel time on the critical path: per phase the longest task, summed. */
  readonly computeMs: number;
  /** Attempts beyond the first (failed tasks retried). */
  readonly retries: number;
}

const DEFAULT_MIN_SLICE_BYTES = 1 << 16;
const DEFAULT_MIN_SLICE_RECORDS = 8192;
const NEWLINE = 0x0a;

/**
 * Word count of UTF-8 text (lines end in \n or \r\n) on the pool: the same tokens and counts as
 * `Kernels.wordCount(bytes, numPartitions)`, one `Aggregate` per output partition.
 */
export async function parallelWordCount(
  pool: WorkerPool,
  bytes: Uint8Array,
  numPartitions: number,
  options: ShuffleOptions = {},
): Promise<Aggregate[]> {
  checkPartitions(numPartitions);
  const started = absoluteNow();
  const { transport, input, shareMs } = prepare(options, [bytes]);
  const text = input[0] as Uint8Array;
  const cuts = lineCuts(text, sliceCount(pool, text.length, options.minSliceSize ?? DEFAULT_MIN_SLICE_BYTES));
  const tasks = cuts.map(([from, to], i): PoolTask<PartitionedAggregate> => ({
    name: `wordCount[${i + 1}/${cuts.length}]`,
    call(worker, taskOptions) {
      const slice = transport === "shared" ? text.subarray(from, to) : text.slice(from, to);
      return worker.wordCount(transfer(slice, viewTransferables([slice])), numPartitions, taskOptions);
    },
  }));
  return shuffle(pool, tasks, "count", numPartitions, { transport, started, shareMs, options });
}

/**
 * reduceByKey of a columnar batch on the pool: the same keys (first-seen order per output
 * partition) and values as `Kernels.reduceByKey(keys, values, op, numPartitions)`.
 */
export function parallelReduceByKey(
  pool: WorkerPool,
  keys: KeyColumn,
  values: Float64Array,
  op: ReducerTag,
  numPartitions: number,
  options: ShuffleOptions = {},
): Promise<Aggregate[]> {
  if (op !== "sum" && op !== "min" && op !== "max") throw new RivuletError("INVALID_ARGUMENT", `reduceByKey: unknown reducer ${String(op)}`);
  if (values.length !== keyCount(keys)) {
    throw new RivuletError("INVALID_ARGUMENT", `reduceByKey: ${keyCount(keys)} keys but ${values.length} values`);
  }
  return columnarShuffle(pool, keys, values, op, numPartitions, options);
}

/** countByValue of a columnar batch on the pool: as `Kernels.countByKey(keys, numPartitions)`. */
export function parallelCountByKey(pool: WorkerPool, keys: KeyColumn, numPartitions: number, options: ShuffleOptions = {}): Promise<Aggregate[]> {
  return columnarShuffle(pool, keys, undefined, "count", numPartitions, options);
}

async function columnarShuffle(
  pool: WorkerPool,
  keys: KeyColumn,
  values: Float64Array | undefined,
  op: ReducerTag | "count",
  numPartitions: number,
  options: ShuffleOptions,
): Promise<Aggregate[]> {
  checkPartitions(numPartitions);
  const started = absoluteNow();
  const n = keyCount(keys);
  const columns: (Uint8Array | Uint32Array | Float64Array)[] = keys.kind === "string" ? [keys.bytes, keys.offsets] : [keys.keys];
  if (values !== undefined) columns.push(values);
  const { transport, input, shareMs } = prepare(options, columns);
  const sharedKeys: KeyColumn =
    keys.kind === "string"
      ? { kind: "string", bytes: input[0] as Uint8Array, offsets: input[1] as Uint32Array }
      : { kind: "number", keys: input[0] as Float64Array };
  const sharedValues = values === undefined ? undefined : (input[input.length - 1] as Float64Array);
  const bounds = recordCuts(n, sliceCount(pool, n, options.minSliceSize ?? DEFAULT_MIN_SLICE_RECORDS));
  const tasks = bounds.map(([from, to], i): PoolTask<PartitionedAggregate> => ({
    name: `${op === "count" ? "countByKey" : "reduceByKey"}[${i + 1}/${bounds.length}]`,
    call(worker, taskOptions) {
      const sliceKeys = sliceKeyColumn(sharedKeys, from, to, transport);
      const sliceValues = sharedValues === undefined ? undefined : transport === "shared" ? sharedValues.subarray(from, to) : sharedValues.slice(from, to);
      const moved = sliceKeys.kind === "string" ? [sliceKeys.bytes, sliceKeys.offsets, sliceValues] : [sliceKeys.keys, sliceValues];
      return worker.reduceByKey(transfer(sliceKeys, viewTransferables(moved)), sliceValues, op, numPartitions, taskOptions);
    },
  }));
  return shuffle(pool, tasks, op, numPartitions, { transport, started, shareMs, options });
}

interface ShuffleContext {
  readonly transport: Transport;
  readonly started: number;
  readonly shareMs: number;
  readonly options: ShuffleOptions;
}

/** Runs the map tasks, then one merge per output partition (skipped where there is nothing to merge). */
async function shuffle(
  pool: WorkerPool,
  mapTasks: readonly PoolTask<PartitionedAggregate>[],
  op: KernelOp,
  numPartitions: number,
  context: ShuffleContext,
): Promise<Aggregate[]> {
  const mapped = await Promise.all(mapTasks.map((task) => pool.run(task)));
  const partials = mapped.map((r) => r.value);
  const merges: TaskTiming[] = [];
  const out = await Promise.all(
    Array.from({ length: numPartitions }, async (_, p): Promise<Aggregate> => {
      const parts = partials.map((partial) => partial[p]!);
      const nonEmpty = parts.filter((a) => a.values.length > 0);
      // Merging a single partial gives it back unchanged: keep it (and its key kind, when empty).
      if (nonEmpty.length <= 1) return nonEmpty[0] ?? parts[0]!;
      const merged = await pool.run<Aggregate>({
        name: `merge[${p}]`,
        call(worker, taskOptions) {
          // Copies, so that an attempt that loses them to a dying worker can be retried.
          const copies = nonEmpty.map(cloneAggregate);
          return worker.merge(transfer(copies, aggregateTransferables(copies)), op, taskOptions);
        },
      });
      merges.push(merged.timing);
      return merged.value;
    }),
  );
  const onMetrics = context.options.onMetrics;
  if (onMetrics !== undefined) {
    const map = mapped.map((r) => r.timing);
    const phases = [map, merges].filter((phase) => phase.length > 0);
    const movement = (t: TaskTiming): number => t.receivedAt - t.dispatchedAt + (t.resolvedAt - t.doneAt);
    onMetrics({
      transport: context.transport,
      slices: mapTasks.length,
      wallMs: absoluteNow() - context.started,
      shareMs: context.shareMs,
      map,
      merge: merges,
      movementMs: context.shareMs + phases.reduce((sum, phase) => sum + Math.max(...phase.map(movement)), 0),
      computeMs: phases.reduce((sum, phase) => sum + Math.max(...phase.map((t) => t.computeMs)), 0),
      retries: [...map, ...merges].reduce((sum, t) => sum + t.attempts - 1, 0),
    });
  }
  return out;
}

function checkPartitions(numPartitions: number): void {
  if (!Number.isInteger(numPartitions) || numPartitions < 1 || numPartitions > 0xffff) {
    throw new RivuletError("INVALID_ARGUMENT", `numPartitions must be an integer in [1, 65535], got ${numPartitions}`);
  }
}

/** How many slices: one per worker, fewer when the input is small. */
function sliceCount(pool: WorkerPool, size: number, minSliceSize: number): number {
  if (minSliceSize <= 0) return pool.size;
  return Math.max(1, Math.min(pool.size, Math.floor(size / minSliceSize)));
}

/** `[from, to)` of up to `slices` non-empty slices of `text`, each ending at a line end (or the end). */
export function lineCuts(text: Uint8Array, slices: number): [number, number][] {
  const out: [number, number][] = [];
  let from = 0;
  for (let i = 1; i < slices && from < text.length; i++) {
    const target = Math.max(from + 1, Math.floor((text.length * i) / slices));
    // The first cut at or after `target` that follows a "\n" (0x0A never occurs inside a UTF-8
    // sequence, and a token never spans a line end).
    const newline = text.indexOf(NEWLINE, target - 1);
    if (newline < 0) break;
    out.push([from, newline + 1]);
    from = newline + 1;
  }
  if (from < text.length || out.length === 0) out.push([from, text.length]);
  return out;
}

/** `[from, to)` of `slices` slices of `n` records, sizes differing by at most one. */
function recordCuts(n: number, slices: number): [number, number][] {
  const k = Math.max(1, Math.min(slices, n));
  return Array.from({ length: k }, (_, i): [number, number] => [Math.floor((n * i) / k), Math.floor((n * (i + 1)) / k)]);
}

/** Records `[from, to)` of a key column: views of shared memory, or copies to transfer. */
function sliceKeyColumn(keys: KeyColumn, from: number, to: number, transport: Transport): KeyColumn {
  if (keys.kind === "number") {
    return { kind: "number", keys: transport === "shared" ? keys.keys.subarray(from, to) : keys.keys.slice(from, to) };
  }
  const start = keys.offsets[from]!;
  const end = keys.offsets[to]!;
  // Offsets rebased to the slice's bytes (a copy either way; 4 bytes a record).
  const offsets = new Uint32Array(to - from + 1);
  for (let i = from; i <= to; i++) offsets[i - from] = keys.offsets[i]! - start;
  return { kind: "string", bytes: transport === "shared" ? keys.bytes.subarray(start, end) : keys.bytes.slice(start, end), offsets };
}

function cloneAggregate(a: Aggregate): Aggregate {
  const keys: KeyColumn =
    a.keys.kind === "string" ? { kind: "string", bytes: a.keys.bytes.slice(), offsets: a.keys.offsets.slice() } : { kind: "number", keys: a.keys.keys.slice() };
  return { keys, values: a.values.slice(), hashes: a.hashes.slice() };
}

type Column = Uint8Array | Uint32Array | Float64Array;

/** The transport to use, and the input columns as the map tasks will read them. */
function prepare(options: ShuffleOptions, columns: readonly Column[]): { transport: Transport; input: readonly Column[]; shareMs: number } {
  const wanted = options.transport ?? "transfer";
  if (wanted !== "shared" || typeof SharedArrayBuffer === "undefined") return { transport: "transfer", input: columns, shareMs: 0 };
  const t = performance.now();
  const input = columns.map(toShared);
  return { transport: "shared", input, shareMs: performance.now() - t };
}

/** `view` itself when it is backed by shared memory, else a copy in a new SharedArrayBuffer. */
export function toShared<T extends Column>(view: T): T {
  if (view.buffer instanceof SharedArrayBuffer) return view;
  const shared = new SharedArrayBuffer(view.byteLength);
  new Uint8Array(shared).set(new Uint8Array(view.buffer, view.byteOffset, view.byteLength));
  const Ctor = view.constructor as new (buffer: SharedArrayBuffer, byteOffset: number, length: number) => T;
  return new Ctor(shared, 0, view.length);
}
