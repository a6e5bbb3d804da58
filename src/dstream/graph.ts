import { awaitingActions } from "../core/action-scope.ts";
import type { Batch } from "../core/batch.ts";
import { Duration } from "../core/duration.ts";
import { RivuletError } from "../core/errors.ts";
import type { Executor, Partitions } from "../core/executor.ts";
import { murmur3String } from "../core/hash.ts";
import type { StreamNode } from "./upstream.ts";

/** What an input reports of the batch it made: Spark's `StreamInputInfo`. */
export interface StreamInputInfo {
  readonly inputStreamId: number;
  readonly name: string;
  readonly numRecords: number;
  /** Source-specific counters (e.g. invalid UTF-8 replaced, over-long lines dropped). */
  readonly metadata: Readonly<Record<string, number>>;
}

/** An output operation registered on the graph, in declaration order. */
export interface OutputOperation {
  readonly id: number;
  readonly name: string;
  /** The output and the stream it reads, for listeners (Spark's call site). */
  readonly description: string;
  readonly stream: StreamNode;
  run(batch: Batch<unknown>, time: number): void | Promise<void>;
  /** For outputs that hold a stream open until the context ends (`writeTo`, `toReadableStream`). */
  readonly ending?: OutputEnding;
}

/** What an output holding a stream open does when its context stops (web-output.ts). */
export interface OutputEnding {
  /** The context is stopping: stop waiting on a consumer, so that stop() is never held up by one. */
  interrupt?(): void;
  /** After the last batch: close, or error with the context's failure. */
  end(failure: { error: unknown } | undefined): Promise<void>;
}

/** One output operation's work for one batch time. */
export interface Job {
  readonly time: number;
  readonly outputOpId: number;
  readonly name: string;
  readonly description: string;
  run(): void | Promise<void>;
}

/** Lifecycle questions the graph asks of its context, kept abstract to keep layers one-way. */
export interface GraphOwner {
  /** Throws when the context no longer accepts new streams or outputs. */
  assertModifiable(what: string): void;
}

/**
 * Spark's DStreamGraph: the inputs and output operations of one context, started at a zero time,
 * asked for the jobs of each batch time and to forget old batches.
 */
export class DStreamGraph {
  readonly batchInterval: Duration;
  readonly executor: Executor;
  private readonly owner: GraphOwner;
  private readonly inputs: StreamNode[] = [];
  private readonly streams: StreamNode[] = [];
  private readonly outputs: OutputOperation[] = [];
  private readonly inputInfos = new Map<number, StreamInputInfo[]>();
  /** Per batch time not yet forgotten, where each input's source stood after taking it. */
  private readonly positions = new Map<number, Map<number, unknown>>();
  /** Per batch time to regenerate after a restart, where each input stood once it first took it. */
  private readonly replayPositions = new Map<number, ReadonlyMap<number, unknown>>();
  private nextStreamId = 0;
  private rememberDuration: Duration | undefined;
  private zeroTime: number | undefined;
  /** The ids of the streams the outputs read, fixed at start. */
  private read: Set<number> | undefined;

  constructor(batchInterval: Duration, executor: Executor, owner: GraphOwner) {
    if (batchInterval.milliseconds <= 0) throw new RivuletError("INVALID_ARGUMENT", "the batch interval must be positive");
    this.batchInterval = batchInterval;
    this.executor = executor;
    this.owner = owner;
  }

  get started(): boolean {
    return this.zeroTime !== undefined;
  }

  get numOutputs(): number {
    return this.outputs.length;
  }

  /** Fails once the context is started or stopped: `what` may only be set up before. */
  assertModifiable(what: string): void {
    this.owner.assertModifiable(what);
  }

  /** A fresh id for a new stream; fails once the context is started or stopped. */
  newStreamId(what: string): number {
    this.owner.assertModifiable(what);
    return this.nextStreamId++;
  }

  /** Registers every stream, in creation order (ids are creation order too). */
  track(stream: StreamNode): void {
    this.streams.push(stream);
  }

  addInput(stream: StreamNode): void {
    this.inputs.push(stream);
  }

  addOutput(stream: StreamNode, name: string, run: OutputOperation["run"], ending?: OutputEnding): void {
    this.owner.assertModifiable("output operations");
    const description = `${name} of ${stream.op} (stream ${stream.id})`;
    this.outputs.push({ id: this.outputs.length, name, description, stream, run, ...(ending ? { ending } : {}) });
  }

  /** The context is stopping: outputs waiting on a consumer stop waiting. */
  interruptOutputs(): void {
    for (const out of this.outputs) out.ending?.interrupt?.();
  }

  /** After the last batch: outputs holding a stream open close it, or error it with `failure`. */
  async endOutputs(failure: { error: unknown } | undefined, report: (error: unknown) => void): Promise<void> {
    for (const out of this.outputs) await out.ending?.end(failure).catch(report);
  }

  /** Spark's `remember`: keep every stream's batches at least this long (for `slice`). */
  remember(duration: Duration): void {
    this.owner.assertModifiable("a remember duration");
    // As Spark: a second call would silently shrink what a first caller relies on for slice().
    if (this.rememberDuration) {
      throw new RivuletError("ILLEGAL_STATE", `the remember duration is already set (${this.rememberDuration}); it cannot be set again`);
    }
    this.rememberDuration = duration;
  }

  get startTime(): number | undefined {
    return this.zeroTime;
  }

  start(zeroTime: number): void {
    this.zeroTime = zeroTime;
    this.read = this.readByOutputs();
    for (const out of this.outputs) out.stream.initialize(zeroTime);
    for (const input of this.inputs) input.initialize(zeroTime);
    // Every stream keeps at least one slide; outputs' parents are asked for more by windows.
    for (const out of this.outputs) out.stream.remember(this.rememberDuration ?? out.stream.slideDuration);
    if (this.rememberDuration) for (const input of this.inputs) input.remember(this.rememberDuration);
  }

  /** Records what an input took into its batch at `time`, for the batch's info. */
  reportInput(time: number, info: StreamInputInfo): void {
    let infos = this.inputInfos.get(time);
    if (!infos) this.inputInfos.set(time, (infos = []));
    infos.push(info);
  }

  /** Records where an input's source stood once it took the batch at `time`. */
  recordPosition(time: number, streamId: number, position: unknown): void {
    let at = this.positions.get(time);
    if (!at) this.positions.set(time, (at = new Map()));
    at.set(streamId, position);
  }

  /**
   * After a restart: where each input stood once it first took the batches to be made again, so
   * that they take exactly that (`InputSource.takeUntil`).
   */
  replayFrom(positions: ReadonlyMap<number, ReadonlyMap<number, unknown>>): void {
    for (const [time, at] of positions) this.replayPositions.set(time, at);
  }

  /** Where the input `streamId` stood once it first took the batch at `time`, if recorded. */
  replayPosition(time: number, streamId: number): { readonly position: unknown } | undefined {
    const at = this.replayPositions.get(time);
    return at?.has(streamId) ? { position: at.get(streamId) } : undefined;
  }

  /**
   * Where each input stood once the batch at `time` was taken (its latest position at or before
   * it). Kept for every batch until it completes, however many are pending, so a checkpoint of a
   * batch never pairs its state with another batch's positions.
   */
  positionsAt(time: number): Map<number, unknown> {
    const out = new Map<number, unknown>();
    const times = [...this.positions.keys()].filter((t) => t <= time).sort((a, b) => a - b);
    for (const t of times) for (const [id, p] of this.positions.get(t)!) out.set(id, p);
    return out;
  }

  /** The input info of `time`, forgotten once read. */
  takeInputInfo(time: number): StreamInputInfo[] {
    const infos = this.inputInfos.get(time) ?? [];
    this.inputInfos.delete(time);
    return infos;
  }

  /**
   * The jobs of `time`, one per output operation with a batch then. Inputs take their records
   * first, whether or not an output reads them, so data is never left behind for a later batch.
   */
  generateJobs(time: number): Job[] {
    for (const input of this.inputs) input.getOrCompute(time);
    const jobs: Job[] = [];
    for (const out of this.outputs) {
      const batch = out.stream.getOrCompute(time);
      if (batch) jobs.push({ time, outputOpId: out.id, name: out.name, description: out.description, run: () => awaitingActions(() => out.run(batch, time)) });
    }
    return jobs;
  }

  // ---- checkpoints ---------------------------------------------------------------------------

  /**
   * The operators of the streams that cannot run without a checkpoint store, among those an
   * output reads (Spark validates from the output streams down: a stream no output reads never
   * runs).
   */
  streamsNeedingCheckpoint(): string[] {
    const read = this.readByOutputs();
    return this.streams.filter((s) => s.mustCheckpoint && read.has(s.id)).map((s) => s.op);
  }

  /** The ids of the streams the outputs read, directly or through others. */
  private readByOutputs(): Set<number> {
    const read = new Set<number>();
    const visit = (s: StreamNode): void => {
      if (read.has(s.id)) return;
      read.add(s.id);
      for (const d of s.dependencies) visit(d);
    };
    for (const out of this.outputs) visit(out.stream);
    return read;
  }

  /**
   * Whether a checkpoint is due after the batch at `time`: when any checkpointed stream's
   * interval divides the time since start; every batch when no stream's data is checkpointed
   * (the checkpoint then holds only where the inputs are).
   */
  checkpointDue(time: number): boolean {
    const since = time - (this.zeroTime ?? 0);
    let any = false;
    for (const s of this.checkpointable()) {
      const every = s.checkpointInterval;
      if (!every) continue;
      any = true;
      if (since % every.milliseconds === 0) return true;
    }
    return !any;
  }

  /** The checkpointed streams' batches up to `time`, materialised, by stream id. */
  async checkpointData(time: number): Promise<[number, [number, Partitions<unknown>][]][]> {
    const out: [number, [number, Partitions<unknown>][]][] = [];
    // First the batches up to `time` that wider-sliding readers have not asked for yet: the
    // inputs' positions this checkpoint saves are past them.
    const streams = this.checkpointable();
    for (const s of streams) if (s.checkpointInterval) s.makeUpTo(time);
    for (const s of streams) if (s.checkpointInterval) out.push([s.id, await s.checkpointData(time)]);
    return out;
  }

  /** The streams whose data checkpoints may hold: those the outputs read (Spark's checkpoint data goes from the outputs down). */
  private checkpointable(): StreamNode[] {
    const read = this.read ?? this.readByOutputs();
    return this.streams.filter((s) => read.has(s.id));
  }

  /** Puts checkpointed batches back into their streams. */
  restore(data: readonly (readonly [number, readonly (readonly [number, Partitions<unknown>])[]])[]): void {
    for (const [id, entries] of data) {
      const stream = this.streams[id];
      if (!stream) throw new RivuletError("CHECKPOINT_MISMATCH", `the checkpoint holds data of stream ${id}, which this graph does not have`);
      stream.restoreCheckpointData(entries);
    }
  }

  /**
   * What identifies the graph across restarts: every stream's operator, slide and inputs, every
   * output, and the batch interval. Functions cannot be compared, so two graphs differing only in
   * the functions they apply have the same fingerprint.
   */
  fingerprint(): string {
    const parts = [`interval=${this.batchInterval.milliseconds}`];
    for (const s of this.streams) parts.push(`${s.id}:${s.op}:${s.slideDuration.milliseconds}:[${s.dependencies.map((d) => d.id).join(",")}]`);
    for (const o of this.outputs) parts.push(`out${o.id}:${o.name}:${o.stream.id}`);
    const text = parts.join(";");
    return `${murmur3String(text).toString(16).padStart(8, "0")}${murmur3String(text, 0x9747b28c).toString(16).padStart(8, "0")}`;
  }

  // ---- a copy of the graph in a worker ----------------------------------------------------

  /** The stream with this id (ids are creation order, the same in every copy of a graph). */
  stream(id: number): StreamNode {
    const stream = this.streams[id];
    if (!stream) throw new RivuletError("INVALID_ARGUMENT", `this graph has no stream ${id}`);
    return stream;
  }

  /** The ids of the input streams. */
  inputIds(): number[] {
    return this.inputs.map((s) => s.id);
  }

  /** Forgets every batch of every stream. */
  forgetAll(): void {
    for (const s of this.streams) s.forgetAll();
  }

  clearMetadata(time: number): void {
    for (const t of this.replayPositions.keys()) if (t <= time) this.replayPositions.delete(t);
    // The latest position at or before `time` stays: a later checkpoint may fall back on it.
    const older = [...this.positions.keys()].filter((t) => t < time).sort((a, b) => b - a);
    for (const t of older) {
      const carried = this.positions.get(t)!;
      const next = this.positions.get(time) ?? new Map<number, unknown>();
      for (const [id, p] of carried) if (!next.has(id)) next.set(id, p);
      this.positions.set(time, next);
      this.positions.delete(t);
    }
    for (const out of this.outputs) out.stream.clearMetadata(time);
    for (const input of this.inputs) input.clearMetadata(time);
  }
}
