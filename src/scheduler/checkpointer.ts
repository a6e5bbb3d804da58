import { RivuletError } from "../core/errors.ts";
import type { Partitions } from "../core/executor.ts";
import type { DStreamGraph } from "../dstream/graph.ts";
import type { InputSource } from "../dstream/input.ts";
import { deleteBatchRecords, writeBatchRecord } from "../state/batch-record.ts";
import { writeCheckpoint } from "../state/checkpoint.ts";
import { EncodingCache, Piece } from "../state/encoding-cache.ts";
import type { CheckpointStore } from "../state/store.ts";
import { BATCH_POSITIONS_VERSION, type BatchPositions } from "./batch-positions.ts";
import type { ListenerBus } from "./listener.ts";

/** Spark's checkpoint writer's `MAX_ATTEMPTS`: a write the store refuses is tried this many times. */
const WRITE_ATTEMPTS = 3;

/** Version of what a checkpoint holds (the framing has its own version). */
export const CHECKPOINT_CONTENT_VERSION = 1;

/** What one checkpoint holds: where to resume, and the data of the checkpointed streams. */
export interface CheckpointContent {
  readonly contentVersion: number;
  readonly fingerprint: string;
  readonly batchIntervalMs: number;
  readonly zeroTime: number;
  /** The batch whose state this is: every batch up to it had completed. */
  readonly checkpointTime: number;
  /** Batches generated after it that had not completed; they are generated again on recovery. */
  readonly pendingTimes: readonly number[];
  /** Per input stream id, the source's position once the checkpoint's batch was taken. */
  readonly sources: readonly (readonly [number, unknown])[];
  /** Per checkpointed stream id, its batches up to the checkpoint time. */
  readonly streams: readonly (readonly [number, readonly (readonly [number, Partitions<unknown>])[]])[];
}

export interface CheckpointedSource {
  readonly streamId: number;
  readonly source: InputSource<unknown>;
}

/**
 * Writes a checkpoint after each batch at which one is due: the metadata and the checkpointed
 * streams' batches together, in one atomic write, so a restart always finds a consistent pair of
 * state and source positions. A failed write is reported and leaves the previous one in place.
 *
 * After the other batches it writes only where the inputs stood (`BatchPositions`), so that a
 * restart regenerates the batches after the checkpoint with the input they first had; a
 * checkpoint makes the records up to it useless, and they are deleted.
 *
 * A batch one of whose jobs failed is not done: Spark keeps it pending, and a restart runs it
 * again. Here no checkpoint is written past it for the rest of the run (only the positions of
 * the batches after it), so a restart goes back to the checkpoint before it and makes it, and
 * every batch after it, again with the input they first had: at-least-once outputs, state
 * exactly once.
 */
export class Checkpointer {
  private readonly graph: DStreamGraph;
  private readonly store: CheckpointStore;
  private readonly sources: readonly CheckpointedSource[];
  private readonly bus: ListenerBus;
  private readonly reportError: (error: unknown) => void;
  /** @internal The encodings of remembered batches, kept between checkpoints. */
  readonly encodings = new EncodingCache();
  /** Inputs that can take a batch again up to a recorded position: the ones batch records are for. */
  private readonly replayable: readonly CheckpointedSource[];
  /** Set while the store may hold batch records; a new run's first batch drops an earlier run's. */
  private recordsKept: boolean;
  private fresh: boolean;
  private fingerprint: string | undefined;
  /** The first batch of this run one of whose jobs failed: no checkpoint may cover it. */
  private failedAt: number | undefined;
  /** Whether the store holds a checkpoint of this run, or of the one it recovered from. */
  private lineage: boolean;

  /** `fresh`: the context did not recover, so batch records in the store are an earlier run's. */
  constructor(
    graph: DStreamGraph,
    store: CheckpointStore,
    sources: readonly CheckpointedSource[],
    bus: ListenerBus,
    reportError: (error: unknown) => void,
    fresh = false,
  ) {
    this.graph = graph;
    this.store = store;
    this.sources = sources;
    this.bus = bus;
    this.reportError = reportError;
    this.replayable = sources.filter(({ source }) => typeof source.takeUntil === "function");
    this.fresh = fresh;
    this.lineage = !fresh;
    this.recordsKept = true;
  }

  /**
   * Called once the jobs of the batch at `time` have run, before older batches are forgotten;
   * `failed` when one of them failed.
   */
  async afterBatch(time: number, pendingTimes: readonly number[], failed = false): Promise<void> {
    if (this.fresh) {
      this.fresh = false;
      await this.dropRecords(Infinity);
    }
    if (failed && this.failedAt === undefined) {
      this.failedAt = time;
      console.warn(
        `Rivulet: a job of batch ${time} failed; as Spark keeps such a batch pending, no checkpoint is written past it for the rest of this run, so that a restart runs it again`,
      );
      // A restart must find a checkpoint to go back to, or it would start afresh without the
      // batches since the start: the start itself is one (no state, inputs where they began).
      if (!this.lineage) await this.write(this.graph.startTime ?? 0, [], false);
    }
    if (this.failedAt !== undefined || !this.graph.checkpointDue(time)) return this.recordPositions(time);
    if (await this.write(time, pendingTimes, true)) await this.dropRecords(time);
  }

  /** Writes the checkpoint of `time` (with the streams' data, or none); false when it failed (reported). */
  private async write(time: number, pendingTimes: readonly number[], withData: boolean): Promise<boolean> {
    try {
      const at = this.graph.positionsAt(time);
      const positions = this.sources.map(({ streamId }) => [streamId, at.get(streamId) ?? null] as const);
      const content: CheckpointContent = {
        contentVersion: CHECKPOINT_CONTENT_VERSION,
        fingerprint: this.graphFingerprint(),
        batchIntervalMs: this.graph.batchInterval.milliseconds,
        zeroTime: this.graph.startTime ?? 0,
        checkpointTime: time,
        pendingTimes,
        sources: positions,
        streams: withData ? await this.graph.checkpointData(time) : [],
      };
      // A stream's remembered batches no longer change: each is encoded for the first checkpoint
      // holding it, and those bytes are reused by the next ones.
      const written = {
        ...content,
        streams: content.streams.map(([id, batches]) => [id, batches.map(([t, partitions]) => [t, new Piece(partitions)])]),
      };
      await writeCheckpoint(time, written, this.store, undefined, this.encodings, WRITE_ATTEMPTS);
      // Only now may sources forget what the checkpoint covers (write-ahead log entries).
      for (const [i, { source }] of this.sources.entries()) await source.checkpointed?.(positions[i]![1]);
      this.bus.post("onCheckpointCompleted", { time });
      this.lineage = true;
      return true;
    } catch (e) {
      const error = e instanceof RivuletError ? e : new RivuletError("CHECKPOINT_FAILED", `the checkpoint of batch ${time} failed: ${message(e)}`, { cause: e });
      this.bus.post("onCheckpointFailed", { time, error });
      this.reportError(error);
      return false;
    }
  }

  /**
   * Writes where the replayable inputs stood once the batch at `time` was taken. A failed write
   * only costs that batch its exact regeneration after a restart before the next checkpoint, so
   * it is a warning, not the job's failure.
   */
  private async recordPositions(time: number): Promise<void> {
    const at = this.graph.positionsAt(time);
    const sources: [number, unknown][] = [];
    for (const { streamId } of this.replayable) {
      const position = at.get(streamId);
      if (position !== undefined && position !== null) sources.push([streamId, position]);
    }
    if (sources.length === 0) return;
    const record: BatchPositions = {
      contentVersion: BATCH_POSITIONS_VERSION,
      fingerprint: this.graphFingerprint(),
      zeroTime: this.graph.startTime ?? 0,
      batchTime: time,
      sources,
    };
    this.recordsKept = true;
    try {
      await writeBatchRecord(time, record, this.store);
    } catch (e) {
      console.warn(`Rivulet: where the inputs stood after batch ${time} could not be recorded (${message(e)}); after a restart before the next checkpoint, that batch is made again from what its inputs hold then`);
    }
  }

  /** Deletes the batch records up to `time` (all with Infinity): a checkpoint covers them, or an earlier run wrote them. */
  private async dropRecords(time: number): Promise<void> {
    if (!this.recordsKept) return;
    try {
      this.recordsKept = await deleteBatchRecords(this.store, time);
    } catch (e) {
      // They are ignored after a restart from a later checkpoint; the next checkpoint tries again.
      console.warn(`Rivulet: batch records a checkpoint covers could not be deleted: ${message(e)}`);
    }
  }

  /** The graph does not change once started: its fingerprint is worked out once. */
  private graphFingerprint(): string {
    return (this.fingerprint ??= this.graph.fingerprint());
  }
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** Checks that a decoded checkpoint has the shape of `CheckpointContent` (storage is not trusted). */
export function asCheckpointContent(value: unknown): CheckpointContent {
  const fail = (what: string): never => {
    throw new RivuletError("CHECKPOINT_CORRUPT", `the checkpoint is not one this version can read: ${what}`);
  };
  if (typeof value !== "object" || value === null) return fail("not an object");
  const c = value as Record<string, unknown>;
  if (c.contentVersion !== CHECKPOINT_CONTENT_VERSION) return fail(`content version ${String(c.contentVersion)}`);
  for (const k of ["batchIntervalMs", "zeroTime", "checkpointTime"] as const) if (typeof c[k] !== "number") fail(`${k} is missing`);
  if (typeof c.fingerprint !== "string") fail("fingerprint is missing");
  for (const k of ["pendingTimes", "sources", "streams"] as const) if (!Array.isArray(c[k])) fail(`${k} is missing`);
  return value as CheckpointContent;
}
