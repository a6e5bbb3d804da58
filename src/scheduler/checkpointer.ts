import { RivuletError } from "../core/errors.ts";
import type { Partitions } from "../core/executor.ts";
import type { DStreamGraph } from "../dstream/graph.ts";
import type { InputSource } from "../dstream/input.ts";
import { writeCheckpoint } from "../state/checkpoint.ts";
import { EncodingCache, Piece } from "../state/encoding-cache.ts";
import type { CheckpointStore } from "../state/store.ts";
import type { ListenerBus } from "./listener.ts";

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
 */
export class Checkpointer {
  private readonly graph: DStreamGraph;
  private readonly store: CheckpointStore;
  private readonly sources: readonly CheckpointedSource[];
  private readonly bus: ListenerBus;
  private readonly reportError: (error: unknown) => void;
  /** @internal The encodings of remembered batches, kept between checkpoints. */
  readonly encodings = new EncodingCache();

  constructor(
    graph: DStreamGraph,
    store: CheckpointStore,
    sources: readonly CheckpointedSource[],
    bus: ListenerBus,
    reportError: (error: unknown) => void,
  ) {
    this.graph = graph;
    this.store = store;
    this.sources = sources;
    this.bus = bus;
    this.reportError = reportError;
  }

  /** Called once the batch at `time` has completed, before older batches are forgotten. */
  async afterBatch(time: number, pendingTimes: readonly number[]): Promise<void> {
    if (!this.graph.checkpointDue(time)) return;
    try {
      const at = this.graph.positionsAt(time);
      const positions = this.sources.map(({ streamId }) => [streamId, at.get(streamId) ?? null] as const);
      const content: CheckpointContent = {
        contentVersion: CHECKPOINT_CONTENT_VERSION,
        fingerprint: this.graph.fingerprint(),
        batchIntervalMs: this.graph.batchInterval.milliseconds,
        zeroTime: this.graph.startTime ?? 0,
        checkpointTime: time,
        pendingTimes,
        sources: positions,
        streams: await this.graph.checkpointData(time),
      };
      // A stream's remembered batches no longer change: each is encoded for the first checkpoint
      // holding it, and those bytes are reused by the next ones.
      const written = {
        ...content,
        streams: content.streams.map(([id, batches]) => [id, batches.map(([t, partitions]) => [t, new Piece(partitions)])]),
      };
      await writeCheckpoint(time, written, this.store, undefined, this.encodings);
      // Only now may sources forget what the checkpoint covers (write-ahead log entries).
      for (const [i, { source }] of this.sources.entries()) await source.checkpointed?.(positions[i]![1]);
      this.bus.post("onCheckpointCompleted", { time });
    } catch (e) {
      const error = e instanceof RivuletError ? e : new RivuletError("CHECKPOINT_FAILED", `the checkpoint of batch ${time} failed: ${message(e)}`, { cause: e });
      this.bus.post("onCheckpointFailed", { time, error });
      this.reportError(error);
    }
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
