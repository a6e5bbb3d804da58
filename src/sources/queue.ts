import type { InputSource, Taken } from "../dstream/input.ts";

export interface QueueStreamOptions<T> {
  /** One queued batch per interval (default), or everything queued at once. */
  oneAtATime?: boolean;
  /** What an interval gets when the queue is empty; default: an empty batch. */
  defaultBatch?: readonly T[];
}

const EMPTY: Taken<never> = { records: [] };

/**
 * Spark's queueStream: batches taken from an array used as a queue, which the caller may keep
 * pushing to while the context runs (as Spark tests push to their `Queue[RDD]`).
 */
export class QueueSource<T> implements InputSource<T> {
  readonly name = "queueStream";
  private readonly queue: (readonly T[])[];
  private readonly oneAtATime: boolean;
  private readonly defaultBatch: readonly T[] | undefined;
  /** Queue entries taken so far, and as of each recent batch time. */
  private taken = 0;

  constructor(queue: (readonly T[])[], options: QueueStreamOptions<T> = {}) {
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
    if (this.queue.length === 0) return this.defaultBatch ? { records: this.defaultBatch } : EMPTY;
    if (this.oneAtATime) {
      this.taken++;
      return { records: this.queue.shift()! };
    }
    this.taken += this.queue.length;
    return { records: this.queue.splice(0, this.queue.length), chunked: true };
  }
}
