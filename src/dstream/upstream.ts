import type { Batch } from "../core/batch.ts";
import type { Duration } from "../core/duration.ts";
import type { Partitions } from "../core/executor.ts";

/**
 * The three members every stream defines, as in Spark's DStream: how often it produces a batch,
 * which streams it reads, and how it makes its batch for a time. Everything else (caching of
 * generated batches, time validity, remembering, clean-up) is the same for all streams and lives
 * in `DStream`.
 */
export interface Computation<T> {
  readonly slideDuration: Duration;
  readonly dependencies: readonly StreamNode[];
  /** The batch at `time`, or undefined when this stream has none then. Called once per time. */
  compute(time: number): Batch<T> | undefined;
  /** How much more history this stream needs of its parents than it keeps itself (windows). */
  readonly parentRememberExtra?: Duration;
  /** True when the stream's batches cannot be recomputed after a restart (state), so must be checkpointed. */
  readonly mustCheckpoint?: boolean;
  /**
   * Parents whose batches must be in checkpoints for this stream to be made after a restart (a
   * window reads its parent's past). Asked of them only when an output reads this stream.
   */
  readonly checkpointedParents?: readonly StreamNode[];
  /** Receives the stream the computation belongs to, for computations that read their own past. */
  attach?(self: Upstream<T>): void;
}

/** What a computation may ask of a parent stream. */
export interface Upstream<T> extends StreamNode {
  getOrCompute(time: number): Batch<T> | undefined;
  /** The batches at the valid times in [from, to]. */
  slice(from: number, to: number): Batch<T>[];
  /** The batch already made for `time`, if any; never computes. */
  generatedAt(time: number): Batch<T> | undefined;
}

/** What the graph asks of every stream, whatever its record type. */
export interface StreamNode {
  readonly id: number;
  readonly slideDuration: Duration;
  readonly dependencies: readonly StreamNode[];
  /** Sets the time origin of this stream and the streams it reads; once, at start. */
  initialize(zeroTime: number): void;
  /**
   * Keeps generated batches at least this long (more if already asked for more). `readEvery`: how
   * often a reader asks for this stream's batches (a wider slide than this stream's means batches
   * made late, from parents' batches that must still be there).
   */
  remember(duration: Duration, readEvery?: Duration): void;
  /** Forgets batches older than the remember duration, here and upstream. */
  clearMetadata(time: number): void;
  getOrCompute(time: number): Batch<unknown> | undefined;
  /** Makes `batch` this stream's batch at `time` instead of computing it. */
  inject(time: number, batch: Batch<unknown>): void;
  /** Forgets every batch made. */
  forgetAll(): void;
  /** The operator that made the stream. */
  readonly op: string;
  /** True when the stream cannot run without a checkpoint store. */
  readonly mustCheckpoint: boolean;
  /** Asks for the stream's batches to be checkpointed. */
  markCheckpointed(): void;
  /** How often the stream's batches are checkpointed, if they are (known once initialized). */
  readonly checkpointInterval: Duration | undefined;
  /**
   * Makes the batches up to `time` that a reader sliding wider than this stream has not asked for
   * yet, so that a checkpoint at `time` holds them (the inputs' positions it saves are past them).
   */
  makeUpTo(time: number): void;
  checkpointData(time: number): Promise<[number, Partitions<unknown>][]>;
  restoreCheckpointData(entries: readonly (readonly [number, Partitions<unknown>])[]): void;
}
