import { Batch } from "../core/batch.ts";
import type { InputSource, Taken } from "../dstream/input.ts";

/** A queued batch: its records (cut into the context's parallelism), or a `Batch` as it is (Spark's RDD). */
export type QueuedBatch<T> = readonly T[] | Batch<T>;

export interface QueueStreamOptions<T> {
  /** One queued batch per interval (default), or everything queued at once. */
  oneAtATime?: boolean;
  /** What an interval gets when the queue is empty; default: an empty batch. */
  defaultBatch?: QueuedBatch<T>;
}

/** An empty queue without a default batch gives Spark's `sc.emptyRDD`: a batch of no partitions. */
const EMPTY: Taken<never> = { records: [], batches: [] };

/**
 * Spark's queueStream: batches taken from an array used as a queue, which the caller may keep
 * pushing to while the context runs (as Spark tests push to their `Queue[RDD]`). An entry is an
 * array of records or a `Batch` (`ssc.parallelize(records, numSlices)`), which keeps its own
 * partitions, as Spark's queue hands its RDDs on.
 */
export class QueueSource<T> implements InputSource<T> {
  readonly name = "queueStream";
  private readonly queue: QueuedBatch<T>[];
  private readonly oneAtATime: boolean;
  private readonly defaultBatch: QueuedBatch<T> | undefined;
  /** Queue entries taken so far, and as of each recent batch time. */
  private taken = 0;

  constructor(queue: QueuedBatch<T>[], options: QueueStreamOptions<T> = {}) {
    this.queue = queue;
    this.oneAtATime = options.oneAtATime ?? true;
    this.defaultBatch = options.defaultBatch;
  }

  take(): Taken<T> {
    return this.takeEntries();
  }

  /** The number of queue entries taken so far: a replay skips them. */
  position(): number {
    return this.taken;
  }

  /**
   * Resumes after `position` entries, as a replayable source: the factory that rebuilds the
   * graph after a restart queues the same batches again, and those already applied are skipped.
   */
  restore(position: unknown): void {
    const n = typeof position === "number" && Number.isInteger(position) && position >= 0 ? position : 0;
    this.queue.splice(0, Math.min(n, this.queue.length));
    this.taken = n;
  }

  private takeEntries(): Taken<T> {
    if (this.queue.length === 0) return this.defaultBatch ? taken([this.defaultBatch]) : EMPTY;
    if (this.oneAtATime) {
      this.taken++;
      return taken([this.queue.shift()!]);
    }
    this.taken += this.queue.length;
    return taken(this.queue.splice(0, this.queue.length));
  }
}

/** Entries taken at once: their records, or, when one is a `Batch`, the entries themselves to union. */
function taken<T>(entries: readonly QueuedBatch<T>[]): Taken<T> {
  if (entries.some((e) => e instanceof Batch)) return { records: [], batches: entries };
  return entries.length === 1 ? { records: entries[0] as readonly T[] } : { records: entries as readonly (readonly T[])[], chunked: true };
}
