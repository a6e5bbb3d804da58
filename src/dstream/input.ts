import { RivuletError } from "../core/errors.ts";
import { Batch, slice } from "../core/batch.ts";
import type { Duration } from "../core/duration.ts";
import type { DStreamGraph } from "./graph.ts";
import type { Computation, StreamNode } from "./upstream.ts";

/** What an input hands over for one batch. */
export interface Taken<T> {
  /** The records, in arrival order; one array, or several to be concatenated. */
  readonly records: readonly T[] | readonly (readonly T[])[];
  /**
   * Records made only if an operator asks for them (text kept as bytes), after `records`.
   * `utf8Lines`, when set, are the bytes whose lines the records are, for fused kernels.
   */
  readonly lazy?:
    | {
        readonly count: number;
        readonly load: () => T[];
        readonly utf8Lines?: Uint8Array | undefined;
        /** The same bytes as separate buffers cut at line ends, which workers may take by transfer. */
        readonly utf8Segments?: readonly Uint8Array[] | undefined;
        /**
         * Called once the stream forgets the batch: the bytes may be reused for a later batch
         * (records not made by then can no longer be).
         */
        readonly release?: (() => void) | undefined;
      }
    | undefined;
  /** True when `records` is several arrays. */
  readonly chunked?: boolean;
  /**
   * Set instead of `records` when the batch is the union of these, in order: arrays of records
   * (cut into the context's parallelism) and batches made elsewhere, which keep their partitions;
   * none is a batch of no partitions.
   */
  readonly batches?: readonly (readonly T[] | Batch<T>)[];
  readonly metadata?: Readonly<Record<string, number>>;
}

/** What a write-ahead log holds after a checkpointed position. */
export interface Recovered<T> {
  readonly records: T[];
  /** The entries the records came from, oldest first, with how many records of each are in `records`. */
  readonly entries: readonly { readonly seq: number; readonly count: number }[];
  /** Records of the first entry left out as already taken (0 when that entry was unreadable). */
  readonly skipped: number;
  /** The newest entry's sequence number. */
  readonly lastSeq: number;
  /** Entries that could not be read. */
  readonly corrupt: number;
}

/** A durable log of received records (the write-ahead log), for sources that cannot replay. */
export interface RecordLog<T = unknown> {
  /** Resolves with the records' sequence number once they are durably written. */
  append(records: readonly T[]): Promise<number>;
  /**
   * The records logged after `afterSeq` (less the first `skip` records of the first entry after
   * it, which a batch already took), the entries they came from with how many records of each,
   * the newest sequence number, and how many entries were unreadable.
   */
  recover(afterSeq: number, skip?: number): Promise<Recovered<T>>;
  /** Forgets the records up to `throughSeq`: a checkpoint holds their effect. */
  truncate(throughSeq: number): Promise<void>;
}

/** Callbacks a source uses to report on itself while the context runs. */
export interface SourceContext {
  readonly streamId: number;
  /** Set when the context logs received data ahead of processing (`checkpoint(store, { writeAheadLog: true })`). */
  readonly writeAheadLog?: RecordLog | undefined;
  now(): number;
  /** Schedules on the context's clock (receiver restarts). */
  schedule(time: number, fn: () => void | Promise<void>): () => void;
  /**
   * How many records the next batch may take from this input (Infinity: no limit), from the
   * context's `maxRate` and backpressure; sources that can hold records back honour it.
   */
  maxRecordsPerBatch(): number;
  reportStarted(): void;
  reportError(message: string, error: unknown): void;
  reportStopped(message: string, error?: unknown): void;
}

/**
 * A source of records for an input stream: a queue, a `ReadableStream`, a receiver. Everything
 * received since the previous batch is taken into the next one.
 */
export interface InputSource<T> {
  readonly name: string;
  /** The records for the batch at `time`. Called once per batch, in time order. */
  take(time: number): Taken<T>;
  /** Begins receiving; called by `start()`. */
  start?(context: SourceContext): void | Promise<void>;
  /** Stops receiving; with `graceful`, what was already received stays to be taken. */
  stop?(graceful: boolean): void | Promise<void>;
  /**
   * Where the source stands after the last `take`: replayable sources return a position to
   * resume from (a plain value), others nothing. Asked right after each take.
   */
  position?(): unknown;
  /** Resumes from a checkpointed position, before `start`. */
  restore?(position: unknown): void;
  /**
   * Resolves once the source has taken in what it can without waiting on its producer (a stream
   * with chunks already queued): a manual clock waits for it before each batch.
   */
  settle?(): Promise<void>;
  /** A checkpoint holding `position` (from `position()`) was written: what it covers can be forgotten. */
  checkpointed?(position: unknown): void | Promise<void>;
  /**
   * Takes the batch at `time` again after a restart, as it was first taken: the records up to
   * `position` (what `position()` gave right after its first take), however much more is held
   * and whatever the rate limit. Called in place of `take` for the batches after the checkpoint
   * whose position was recorded; the others, and every batch of a source without it, are taken
   * with `take`. Takes less when the source holds less (see `reach`).
   */
  takeUntil?(time: number, position: unknown): Taken<T>;
  /**
   * Resolves with true once the source holds every record up to `position` (a recorded
   * `position()`), or with false once it never will (it ended, failed or was stopped first).
   * Asked after `start()` was called, for each batch to be taken with `takeUntil`; the context
   * waits for the answers (within a bound) before it makes those batches, since a reopened
   * source receives its data again asynchronously.
   */
  reach?(position: unknown): Promise<boolean>;
}

/** Spark's InputDStream: one batch per batch interval, made of what its source took. */
export class InputComputation<T> implements Computation<T> {
  readonly dependencies: readonly StreamNode[] = [];
  readonly slideDuration: Duration;
  streamId = -1;
  private readonly graph: DStreamGraph;
  private readonly source: InputSource<T>;
  private lastTaken = -Infinity;

  constructor(graph: DStreamGraph, source: InputSource<T>) {
    this.graph = graph;
    this.source = source;
    this.slideDuration = graph.batchInterval;
  }

  compute(time: number): Batch<T> {
    // A time already past (a slice into forgotten history) must not take records meant for the next batch.
    if (time <= this.lastTaken) return Batch.fromPartitions<T>([], this.graph.executor);
    this.lastTaken = time;
    const replay = this.source.takeUntil ? this.graph.replayPosition(time, this.streamId) : undefined;
    const taken = replay ? this.source.takeUntil!(time, replay.position) : this.source.take(time);
    if (this.source.position) this.graph.recordPosition(time, this.streamId, this.source.position());
    if (taken.batches) return this.union(time, taken.batches);
    const records = taken.chunked ? ([] as T[]).concat(...(taken.records as readonly (readonly T[])[])) : (taken.records as readonly T[]);
    const lazy = taken.lazy;
    this.graph.reportInput(time, {
      inputStreamId: this.streamId,
      name: this.source.name,
      numRecords: records.length + (lazy?.count ?? 0),
      metadata: taken.metadata ?? {},
    });
    const { executor } = this.graph;
    if (!lazy) return Batch.fromRecords(records, executor.parallelism, executor);
    let released = false;
    const name = this.source.name;
    const batch = Batch.deferred(executor.parallelism, executor, async () => {
      if (released) {
        throw new RivuletError(
          "ILLEGAL_STATE",
          `the ${name} batch of ${time} ms was released when its stream stopped remembering it, before its records were read; ` +
            "read a batch within its output operation, or keep it longer with ssc.remember(duration)",
        );
      }
      const all = records.length === 0 ? lazy.load() : [...records, ...lazy.load()];
      return slice(all, executor.parallelism);
    });
    const release = lazy.release;
    if (release) {
      batch.onRelease(() => {
        released = true;
        release();
      });
    }
    if (records.length === 0 && lazy.utf8Lines) {
      batch.utf8Lines = lazy.utf8Lines;
      batch.utf8Segments = lazy.utf8Segments;
    }
    return batch;
  }

  /**
   * The union of queued entries, as Spark's queue stream returns its RDD (one entry) or their
   * UnionRDD. A queued batch is read through a batch of this time's own, so that one queued (or
   * the default) batch given at several times is a different batch at each. Its records count as
   * input when they are held already; a batch still to be computed counts none (Spark's queue
   * stream reports no input at all).
   */
  private union(time: number, entries: readonly (readonly T[] | Batch<T>)[]): Batch<T> {
    const { executor } = this.graph;
    let numRecords = 0;
    const parts = entries.map((e): Batch<T> => {
      if (!(e instanceof Batch)) {
        numRecords += e.length;
        return Batch.fromRecords(e, executor.parallelism, executor);
      }
      numRecords += e.heldCount() ?? 0;
      const own = Batch.deferred<T>(e.numPartitions, executor, () => e.partitions());
      own.hashPartitioned = e.hashPartitioned;
      return own;
    });
    this.graph.reportInput(time, { inputStreamId: this.streamId, name: this.source.name, numRecords, metadata: {} });
    if (parts.length === 0) return Batch.fromPartitions<T>([], executor);
    return parts.length === 1 ? parts[0]! : parts.reduce((a, b) => a.union(b));
  }
}
