import type { InputSource, RecordLog, SourceContext, Taken } from "../dstream/input.ts";
import { yieldToEventLoop } from "../core/yield.ts";
import { RecordBuffer, truncateLog } from "./record-buffer.ts";

/** Chunks read before the pump lets timers and I/O run. */
const CHUNKS_PER_TURN = 64;
/** Records buffered before the pump stops pulling until the next batch takes them. */
export const DEFAULT_MAX_BUFFERED = 1_000_000;

/**
 * An input fed by a `ReadableStream`: a reader pulls chunks as they come and appends their records
 * to a buffer; each batch takes what is buffered. The stream's end or failure is reported to
 * listeners and only ends this input: the context keeps running its other streams.
 *
 * Two ways to survive a restart. A replayable source (one that can reopen its data at an offset)
 * checkpoints the offset its records reached and reopens there. Any other source can use the
 * context's write-ahead log: each chunk's records are logged before the next chunk is pulled,
 * and records logged after the last checkpointed batch are taken again after a restart. Either
 * way, a batch made again after a restart takes what it first took (`takeUntil`, `reach`).
 *
 * With a rate limit (the context's `maxRate` or backpressure), a batch takes at most its share;
 * the rest waits for the next batch, and the pump stops pulling while a batch's share is waiting.
 */
export abstract class StreamSource<C, T> implements InputSource<T> {
  abstract readonly name: string;
  private readonly open: (offset: number, context: SourceContext) => ReadableStream<C>;
  private readonly isReplayable: boolean;
  private reader: ReadableStreamDefaultReader<C> | undefined;
  protected readonly buffer = new RecordBuffer<T>();
  private context: SourceContext | undefined;
  private pumping: Promise<void> | undefined;
  private stopping = false;
  private cancelled = false;
  private log: RecordLog | undefined;
  private restored: unknown;
  private readonly maxBuffered: number;
  private drained: (() => void) | undefined;
  /** True while the pump has stepped aside for other tasks with chunks still to read. */
  private yielding = false;
  /** `reach` calls not yet answered: the pump reads past its bounds until they are. */
  private reachWaits: { readonly position: unknown; readonly resolve: (reached: boolean) => void }[] = [];
  /** Set once nothing more will be received: the stream ended, failed, or was never opened. */
  private ended = false;

  /** `open(offset, context)` gives the stream, once started; only a replayable source is ever opened past 0. */
  constructor(open: (offset: number, context: SourceContext) => ReadableStream<C>, replayable: boolean, maxBuffered = DEFAULT_MAX_BUFFERED) {
    this.open = open;
    this.isReplayable = replayable;
    this.maxBuffered = maxBuffered;
  }

  /** Appends the records of one chunk to `out`. */
  protected abstract accept(chunk: C, out: T[]): void;
  /** Appends what the end of the stream completes (a last line without newline) to `out`. */
  protected finish(_out: T[]): void {}
  /** Counters to report with each batch. */
  protected metadata(): Readonly<Record<string, number>> | undefined {
    return undefined;
  }
  /** Replayable sources: the offset the records accepted so far reach. */
  protected offset(): number {
    return 0;
  }
  /** Replayable sources: the stream is reopened at `offset`. */
  protected seek(_offset: number): void {}
  /** Replayable sources: the offset the records received so far reach, taken or not. */
  protected received(): number {
    return 0;
  }

  take(): Taken<T> {
    return this.handOver(this.takeFrom(this.limit()));
  }

  /** Replayable: the records up to a byte offset; with the log: up to a log position. */
  takeUntil(_time: number, position: unknown): Taken<T> {
    if (this.replayable && typeof position === "number") return this.handOver(this.takeThrough(position));
    if (this.log) return this.handOver({ records: this.buffer.takeUntil(position) });
    return this.take();
  }

  reach(position: unknown): Promise<boolean> {
    if (this.holds(position)) return Promise.resolve(true);
    if (this.ended) return Promise.resolve(false);
    return new Promise((resolve) => {
      this.reachWaits.push({ position, resolve });
      // A pump held back by its bounds reads on.
      this.drained?.();
    });
  }

  /** A batch's records with the counters; a pump held back by its bounds reads on. */
  private handOver(taken: Taken<T>): Taken<T> {
    this.drained?.();
    const metadata = this.metadata();
    return metadata ? { ...taken, metadata } : taken;
  }

  /** What a batch takes, at most `limit` records; text sources add the lines they hold as bytes. */
  protected takeFrom(limit: number): Taken<T> {
    return { records: this.buffer.take(limit) };
  }

  /** Replayable sources: what a batch takes of the records whose bytes end at or before `offset`. */
  protected takeThrough(_offset: number): Taken<T> {
    return this.takeFrom(Infinity);
  }

  /** True for a source that reopens its data at an offset after a restart. */
  protected get replayable(): boolean {
    return this.isReplayable;
  }

  /** How much is buffered, in records (or their equivalent), for the bound on buffering. */
  protected buffered(): number {
    return this.buffer.length;
  }

  /** The context's callbacks, once started. */
  protected get sourceContext(): SourceContext | undefined {
    return this.context;
  }

  /** True when received records go through the write-ahead log. */
  protected get logging(): boolean {
    return this.log !== undefined;
  }

  /** Replayable: the offset the taken records reach; with the log: where the taken records reach in it. */
  position(): unknown {
    return this.replayable ? this.offset() : this.log ? this.buffer.position() : undefined;
  }

  restore(position: unknown): void {
    this.restored = position;
  }

  async checkpointed(position: unknown): Promise<void> {
    await truncateLog(this.log, position);
  }

  async start(context: SourceContext): Promise<void> {
    this.context = context;
    try {
      if (!this.replayable && context.writeAheadLog) {
        this.log = context.writeAheadLog;
        await this.buffer.replay(this.log, this.restored, (message) => context.reportError(message, undefined));
        this.answerReach();
      }
      if (this.stopping) return this.endReach();
      const restored = this.restored;
      const offset = this.replayable && typeof restored === "number" && Number.isSafeInteger(restored) && restored > 0 ? restored : 0;
      if (offset > 0) this.seek(offset);
      this.reader = this.open(offset, context).getReader();
    } catch (error) {
      this.endReach();
      throw error;
    }
    context.reportStarted();
    this.pumping = this.pump(this.reader, context);
  }

  async settle(): Promise<void> {
    // A pump waiting on `read()` across a macrotask has nothing queued: that is settled.
    while (this.yielding) await yieldToEventLoop();
  }

  async stop(graceful = false): Promise<void> {
    if (this.stopping) return this.pumping;
    this.stopping = true;
    if (!this.reader) return this.endReach();
    // Graceful: let the pump read the chunks already queued in the stream (each read of a queued
    // chunk settles in a microtask, so one macrotask turn takes them all) before cancelling,
    // which would discard them.
    if (graceful) await new Promise((resolve) => setTimeout(resolve, 0));
    // Cancelling settles the pending read; what was already read stays in the buffer.
    this.cancelled = true;
    this.drained?.();
    await this.reader.cancel("the streaming context was stopped").catch(() => undefined);
    await this.pumping;
  }

  private async pump(reader: ReadableStreamDefaultReader<C>, context: SourceContext): Promise<void> {
    try {
      for (let chunks = 1; ; chunks++) {
        // Pulled, not pushed: a full buffer stops the reads (and so the producer) until a batch
        // takes it, and a producer that is always ready still lets the scheduler's timer run.
        // Not while a restart waits for what its regenerated batches took the first time: those
        // batches take it whatever the bounds.
        if (this.buffered() >= Math.min(this.maxBuffered, this.limit()) && this.reachWaits.length === 0) {
          await new Promise<void>((resolve) => (this.drained = resolve));
        } else if (chunks % CHUNKS_PER_TURN === 0) {
          this.yielding = true;
          await yieldToEventLoop();
          this.yielding = false;
        }
        if (this.cancelled) break;
        const { done, value } = await reader.read();
        if (done) break;
        if (this.log) await this.logged((out) => this.accept(value, out));
        else this.accept(value, this.buffer.sink);
        if (this.reachWaits.length > 0) this.answerReach();
      }
      // A cancelled stream's unfinished tail (a line without its newline) is not a record.
      if (!this.cancelled) {
        if (this.log) await this.logged((out) => this.finish(out));
        else this.finish(this.buffer.sink);
      }
      context.reportStopped(this.cancelled ? "stopped with the context" : "the stream ended");
    } catch (error) {
      if (this.cancelled) {
        context.reportStopped("stopped with the context");
        return;
      }
      const message = error instanceof Error ? error.message : String(error);
      context.reportError(`${this.name} failed: ${message}`, error);
      context.reportStopped(`${this.name} failed: ${message}`, error);
    } finally {
      reader.releaseLock();
      this.endReach();
    }
  }

  /** True when every record up to the recorded `position` has been received. */
  private holds(position: unknown): boolean {
    if (this.replayable) return typeof position !== "number" || this.received() >= position;
    return this.log ? this.buffer.covers(position) : true;
  }

  /** Answers the `reach` calls whose position has been received. */
  private answerReach(): void {
    const waiting = this.reachWaits;
    this.reachWaits = waiting.filter(({ position }) => !this.holds(position));
    for (const { position, resolve } of waiting) if (this.holds(position)) resolve(true);
  }

  /** Nothing more will be received: every `reach` call is answered with what is held. */
  private endReach(): void {
    this.ended = true;
    const waiting = this.reachWaits;
    this.reachWaits = [];
    for (const { position, resolve } of waiting) resolve(this.holds(position));
  }

  /** Records made by `make`, logged before they are buffered (and before the next chunk is pulled). */
  private async logged(make: (out: T[]) => void): Promise<void> {
    const out: T[] = [];
    make(out);
    if (out.length === 0) return;
    this.buffer.push(out, await this.log!.append(out));
  }

  /** Records the next batch may take. */
  private limit(): number {
    return this.context?.maxRecordsPerBatch() ?? Infinity;
  }
}

/** `readableStream(stream)`: each chunk of the stream is one record. */
export class ReadableSource<T> extends StreamSource<T, T> {
  readonly name = "readableStream";

  constructor(stream: ReadableStream<T>) {
    super(() => stream, false);
  }

  protected accept(chunk: T, out: T[]): void {
    out.push(chunk);
  }
}
