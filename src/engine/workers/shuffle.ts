/**
 * The two-phase shuffle over a worker pool, as Spark runs a shuffle across executor cores:
 *
 * 1. map: the batch is cut into `pool.size` slices (text at line boundaries, columns at record
 *    boundaries); each worker runs the map-side kernel over its slice (partition + partial
 *    aggregation) and returns one partial `Aggregate` per output partition;
 * 2. reduce: the partials of each output partition, in slice order, are merged by one worker
 *    (output partitions are grouped into at most `pool.size` merge tasks, one round trip each;
 *    a partition with partials from a single map task needs no merge and is kept as it is).
 *
 * Inputs and partials move by transfer (`Comlink.transfer`), never by structured clone of
 * records: a slice is copied into a buffer of its own which is transferred to the worker, so the
 * caller's buffers are never detached and a failed attempt can be retried from them. With the
 * `"shared"` transport workers read their slices in place from a `SharedArrayBuffer`: the
 * input itself when it is in one (no copy at all), else a recycled one it is copied into.
 *
 * The results equal the in-thread kernels': keys in first-seen order within each output
 * partition, the same hashes, the same values (a float `sum` may differ in the last bits, as
 * partial sums are added in another order; integer sums, counts, `min` and `max` are exact).
 */

import { transfer } from "comlink";
import { RivuletError } from "../../core/errors.ts";
import { isSharedView } from "../../core/shared-memory.ts";
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
  /**
   * Merges partials in this thread (the driver's kernels): used when all partials to merge hold
   * at most `LOCAL_MERGE_ENTRIES` keys in all, which merge here faster than a round trip to a worker.
   */
  readonly mergeHere?: ((parts: readonly Aggregate[], op: KernelOp) => Aggregate) | undefined;
  /**
   * The text again as separate buffers cut at line ends (`"transfer"` only): slices are made of
   * whole segments, each task's segments transferred on its first attempt instead of copied
   * (a retry copies from the text). Ignored unless they are all attached and add up to the text.
   */
  readonly segments?: readonly Uint8Array[] | undefined;
}

/** Partials up to this many keys in all are merged by `mergeHere` rather than by workers. */
export const LOCAL_MERGE_ENTRIES = 1 << 16;

/** Where the time of one shuffle went. All in ms. */
export interface ShuffleMetrics {
  readonly transport: Transport;
  /** Map tasks (slices) run. */
  readonly slices: number;
  /** From the call to its result. */
  readonly wallMs: number;
  /**
   * Copying columnar input into shared memory up front (the `"shared"` transport only; 0 when it
   * already was; 0 for text, whose slices are copied one by one as they are posted).
   */
  readonly shareMs: number;
  /** Bytes of input copied to move them (into transfer or shared buffers), retries included. */
  readonly copiedBytes: number;
  /** The tasks, map then merge. */
  readonly map: readonly TaskTiming[];
  readonly merge: readonly TaskTiming[];
  /**
   * Moving buffers between threads, on the critical path: per phase, from the first dispatch to
   * the last reply's arrival, less the kernel time of the task that arrived last (what remains
   * is copying slices into transfer buffers and posting them, requests and replies in flight,
   * deserializing: the last task waits for the slices posted before its own); summed over the
   * phases, plus `shareMs`. Assumes no more tasks in a phase than workers (else waiting for a
   * worker counts too).
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
  const transport = transportOf(options);
  const slices = sliceCount(pool, bytes.length, options.minSliceSize ?? DEFAULT_MIN_SLICE_BYTES);
  const segments = transport === "transfer" ? usableSegments(options.segments, bytes.length) : undefined;
  const groups = segments && segmentGroups(segments, slices);
  const cuts = groups ? groups.map((g) => g.range) : lineCuts(bytes, slices);
  // Shared: the text itself when it is in shared memory, else a recycled shared buffer that each
  // slice is copied into just before it is posted (so the first worker starts after one copy).
  const inPlace = transport === "shared" && isSharedView(bytes);
  const text = transport === "shared" && !inPlace ? pool.sharedBuffers.allocate(bytes) : bytes;
  const copiedSlice = cuts.map(() => inPlace);
  const copied = { bytes: 0 };
  const tasks = cuts.map(([from, to], i): PoolTask<PartitionedAggregate> => ({
    name: `wordCount[${i + 1}/${cuts.length}]`,
    call(worker, taskOptions) {
      let slice: Uint8Array;
      const own = groups?.[i]!.parts;
      if (own && own.every((part) => part.byteLength > 0)) {
        // Handed over whole (detached here): a retry copies from the text instead.
        return worker.wordCount(transfer(own, viewTransferables(own)), numPartitions, taskOptions);
      }
      if (transport === "transfer") {
        slice = pool.buffers.copy(bytes.subarray(from, to));
        copied.bytes += to - from;
      } else {
        if (!copiedSlice[i]) {
          text.set(bytes.subarray(from, to), from);
          copied.bytes += to - from;
        }
        copiedSlice[i] = true;
        slice = text.subarray(from, to);
      }
      return worker.wordCount(transfer(slice, viewTransferables([slice])), numPartitions, taskOptions);
    },
  }));
  try {
    return await shuffle(pool, tasks, "count", numPartitions, { transport, started, shareMs: 0, options, copied });
  } finally {
    if (text !== bytes) pool.sharedBuffers.give([text.buffer]);
  }
}

export function transportOf(options: ShuffleOptions): Transport {
  return options.transport === "shared" && typeof SharedArrayBuffer !== "undefined" ? "shared" : "transfer";
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
  const transport = transportOf(options);
  const t = performance.now();
  // Shared: the columns as they are when in shared memory, else copied into recycled shared buffers.
  const input = transport === "shared" ? columns.map((c) => (isSharedView(c) ? c : pool.sharedBuffers.copy(c))) : columns;
  const shareMs = performance.now() - t;
  const sharedKeys: KeyColumn =
    keys.kind === "string"
      ? { kind: "string", bytes: input[0] as Uint8Array, offsets: input[1] as Uint32Array }
      : { kind: "number", keys: input[0] as Float64Array };
  const sharedValues = values === undefined ? undefined : (input[input.length - 1] as Float64Array);
  const bounds = recordCuts(n, sliceCount(pool, n, options.minSliceSize ?? DEFAULT_MIN_SLICE_RECORDS));
  const tasks = bounds.map(([from, to], i): PoolTask<PartitionedAggregate> => ({
    name: `${op === "count" ? "countByKey" : "reduceByKey"}[${i + 1}/${bounds.length}]`,
    call(worker, taskOptions) {
      const sliceKeys = sliceKeyColumn(pool, sharedKeys, from, to, transport);
      const sliceValues = sharedValues === undefined ? undefined : transport === "shared" ? sharedValues.subarray(from, to) : pool.buffers.copy(sharedValues.subarray(from, to));
      const moved = sliceKeys.kind === "string" ? [sliceKeys.bytes, sliceKeys.offsets, sliceValues] : [sliceKeys.keys, sliceValues];
      return worker.reduceByKey(transfer(sliceKeys, viewTransferables(moved)), sliceValues, op, numPartitions, taskOptions);
    },
  }));
  try {
    return await shuffle(pool, tasks, op, numPartitions, { transport, started, shareMs, options });
  } finally {
    pool.sharedBuffers.give(input.filter((c, i) => c !== columns[i]).map((c) => c.buffer));
  }
}

export interface ShuffleContext {
  readonly transport: Transport;
  readonly started: number;
  readonly shareMs: number;
  readonly options: ShuffleOptions;
  /** Bytes of input copied so far (text shuffles count theirs; columns count none). */
  readonly copied?: { bytes: number };
}

/** Runs the map tasks, then one merge per output partition (skipped where there is nothing to merge). */
export async function shuffle(
  pool: WorkerPool,
  mapTasks: readonly PoolTask<PartitionedAggregate>[],
  op: KernelOp,
  numPartitions: number,
  context: ShuffleContext,
): Promise<Aggregate[]> {
  const mapped = await settleAll(mapTasks.map((task) => pool.run(task)));
  const partials = mapped.map((r) => r.value);
  const out: Aggregate[] = [];
  // Output partitions with partials from several map tasks need a merge; merging a single
  // partial gives it back unchanged, so it is kept as is (with its key kind, when empty).
  const toMerge: { p: number; parts: Aggregate[]; size: number }[] = [];
  for (let p = 0; p < numPartitions; p++) {
    const parts = partials.map((partial) => partial[p]!);
    const nonEmpty = parts.filter((a) => a.values.length > 0);
    if (nonEmpty.length <= 1) out[p] = nonEmpty[0] ?? parts[0]!;
    else toMerge.push({ p, parts: nonEmpty, size: nonEmpty.reduce((n, a) => n + a.values.length, 0) });
  }
  const mergeHere = context.options.mergeHere;
  if (mergeHere !== undefined && toMerge.reduce((n, m) => n + m.size, 0) <= LOCAL_MERGE_ENTRIES) {
    for (const m of toMerge) out[m.p] = mergeHere(m.parts, op);
    toMerge.length = 0;
  }
  const merges = await settleAll(
    mergeGroups(toMerge, pool.size).map(async (members) => {
      const merged = await pool.run<Aggregate[]>({
        name: `merge[${members.map((m) => m.p).join(",")}]`,
        call(worker, taskOptions) {
          // Copies, so that an attempt that loses them to a dying worker can be retried.
          const copies = members.map((m) => m.parts.map((a) => cloneAggregate(pool, a)));
          return worker.mergeGroups(transfer(copies, aggregateTransferables(copies.flat())), op, taskOptions);
        },
      });
      members.forEach((m, i) => (out[m.p] = merged.value[i]!));
      return merged.timing;
    }),
  );
  const onMetrics = context.options.onMetrics;
  if (onMetrics !== undefined) {
    const map = mapped.map((r) => r.timing);
    const phases = [map, merges].filter((phase) => phase.length > 0);
    const movement = (phase: readonly TaskTiming[]): number => {
      const last = phase.reduce((a, b) => (b.resolvedAt > a.resolvedAt ? b : a));
      return last.resolvedAt - Math.min(...phase.map((t) => t.dispatchedAt)) - last.computeMs;
    };
    onMetrics({
      transport: context.transport,
      slices: mapTasks.length,
      wallMs: absoluteNow() - context.started,
      shareMs: context.shareMs,
      copiedBytes: context.copied?.bytes ?? 0,
      map,
      merge: merges,
      movementMs: context.shareMs + phases.reduce((sum, phase) => sum + movement(phase), 0),
      computeMs: phases.reduce((sum, phase) => sum + Math.max(...phase.map((t) => t.computeMs)), 0),
      retries: [...map, ...merges].reduce((sum, t) => sum + t.attempts - 1, 0),
    });
  }
  return out;
}

/**
 * All results, or the first failure in task order once every task has settled: no task of a
 * failed shuffle is still running (or writing into its input buffers, which go back to the
 * pool) when the call rejects.
 */
export async function settleAll<T>(promises: readonly Promise<T>[]): Promise<T[]> {
  const settled = await Promise.allSettled(promises);
  const failed = settled.find((s): s is PromiseRejectedResult => s.status === "rejected");
  if (failed !== undefined) throw failed.reason;
  return settled.map((s) => (s as PromiseFulfilledResult<T>).value);
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

/** `segments` when each is attached and they add up to `length` bytes. */
function usableSegments(segments: readonly Uint8Array[] | undefined, length: number): readonly Uint8Array[] | undefined {
  if (segments === undefined || segments.length === 0) return undefined;
  let total = 0;
  for (const s of segments) {
    if (s.byteLength === 0) return undefined; // detached: an earlier shuffle took them
    total += s.length;
  }
  return total === length ? segments : undefined;
}

/** Consecutive segments grouped into up to `slices` slices of about equal bytes, with their ranges. */
function segmentGroups(segments: readonly Uint8Array[], slices: number): { parts: Uint8Array[]; range: [number, number] }[] {
  const total = segments.reduce((n, s) => n + s.length, 0);
  const out: { parts: Uint8Array[]; range: [number, number] }[] = [];
  let at = 0;
  let share = -1;
  for (const segment of segments) {
    // A segment belongs to the slice whose share of the text holds its middle.
    const own = Math.min(slices - 1, Math.floor(((at + segment.length / 2) * slices) / total));
    const last = out[out.length - 1];
    if (!last || own > share) {
      out.push({ parts: [segment], range: [at, at + segment.length] });
      share = own;
    } else {
      last.parts.push(segment);
      last.range[1] = at + segment.length;
    }
    at += segment.length;
  }
  return out;
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
function sliceKeyColumn(pool: WorkerPool, keys: KeyColumn, from: number, to: number, transport: Transport): KeyColumn {
  if (keys.kind === "number") {
    return { kind: "number", keys: transport === "shared" ? keys.keys.subarray(from, to) : pool.buffers.copy(keys.keys.subarray(from, to)) };
  }
  const start = keys.offsets[from]!;
  const end = keys.offsets[to]!;
  // Offsets rebased to the slice's bytes (a copy either way; 4 bytes a record).
  const offsets = new Uint32Array(to - from + 1);
  for (let i = from; i <= to; i++) offsets[i - from] = keys.offsets[i]! - start;
  return { kind: "string", bytes: transport === "shared" ? keys.bytes.subarray(start, end) : pool.buffers.copy(keys.bytes.subarray(start, end)), offsets };
}

/**
 * The output partitions to merge, grouped into at most `workers` merge tasks (one round trip
 * each), spread by size, each group in partition order.
 */
export function mergeGroups<M extends { readonly p: number; readonly size: number }>(toMerge: readonly M[], workers: number): M[][] {
  const groups = Array.from({ length: Math.min(workers, toMerge.length) }, () => ({ size: 0, members: [] as M[] }));
  for (const m of [...toMerge].sort((a, b) => b.size - a.size)) {
    const lightest = groups.reduce((a, b) => (b.size < a.size ? b : a));
    lightest.members.push(m);
    lightest.size += m.size;
  }
  return groups.map(({ members }) => members.sort((a, b) => a.p - b.p));
}

/** A copy of `keys` in the pool's (recycled) transfer buffers. */
export function copyKeys(pool: WorkerPool, keys: KeyColumn): KeyColumn {
  return keys.kind === "string"
    ? { kind: "string", bytes: pool.buffers.copy(keys.bytes), offsets: pool.buffers.copy(keys.offsets) }
    : { kind: "number", keys: pool.buffers.copy(keys.keys) };
}

function cloneAggregate(pool: WorkerPool, a: Aggregate): Aggregate {
  return { keys: copyKeys(pool, a.keys), values: pool.buffers.copy(a.values), hashes: pool.buffers.copy(a.hashes) };
}

type Column = Uint8Array | Uint32Array | Float64Array;


/** `view` itself when it is backed by shared memory, else a copy in a new SharedArrayBuffer. */
export function toShared<T extends Column>(view: T): T {
  if (view.buffer instanceof SharedArrayBuffer) return view;
  const shared = new SharedArrayBuffer(view.byteLength);
  new Uint8Array(shared).set(new Uint8Array(view.buffer, view.byteOffset, view.byteLength));
  const Ctor = view.constructor as new (buffer: SharedArrayBuffer, byteOffset: number, length: number) => T;
  return new Ctor(shared, 0, view.length);
}
