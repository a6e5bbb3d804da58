import { RivuletError } from "../../core/errors.ts";
import type { InputSource, RecordLog, SourceContext, Taken } from "../../dstream/input.ts";
import { RecordBuffer, truncateLog } from "../record-buffer.ts";

/**
 * Messages a pushed source keeps between two batches unless told otherwise: a bound on memory for
 * a producer that cannot be paused, far above what a batch of a healthy job holds.
 */
export const DEFAULT_MAX_BUFFERED_MESSAGES = 100_000;

/** The options every pushed source (WebSocket, EventSource) shares. */
export interface PushedSourceOptions {
  /**
   * The most records kept between two batches (default 100 000). A message arriving while the
   * buffer holds that many is dropped whole and counted in the batch metadata (`droppedMessages`);
   * each overflow is reported once to listeners (`onReceiverError`).
   */
  maxBuffered?: number;
  /**
   * Whether stopping the context closes the connection. Default: true for a connection the
   * source opened from a URL, false for one passed in (its owner closes it; the source only
   * stops listening).
   */
  closeOnStop?: boolean;
}

/**
 * An input whose producer pushes events and cannot be paused (a WebSocket, an EventSource), unlike
 * a pulled `ReadableStream`. What arrives waits in a bounded buffer for the next batch (which takes
 * at most what the context's rate limit allows). A message that finds the buffer full is dropped
 * and counted rather than buffered without bound, and each overflow episode (it ends when a batch
 * takes from the buffer) is reported once.
 *
 * With the context's write-ahead log on, records are logged before they are buffered (in arrival
 * order; messages arriving during a write go into the next entry) and the records logged but not
 * yet checkpointed are replayed after a restart, as Spark's reliable receivers do.
 */
export abstract class PushedSource<T> implements InputSource<T> {
  abstract readonly name: string;
  private readonly maxBuffered: number;
  private readonly buffer = new RecordBuffer<T>();
  /** Records waiting for their log write, and how many are being written now. */
  private unlogged: T[] = [];
  private writing = 0;
  private logging: Promise<void> | undefined;
  private log: RecordLog | undefined;
  private restored: unknown;
  private dropped = 0;
  private unreadable = 0;
  private overflowing = false;
  private sourceContext: SourceContext | undefined;
  private state: "initialized" | "receiving" | "ended" = "initialized";
  private starting: Promise<void> | undefined;

  constructor(options: PushedSourceOptions) {
    const max = options.maxBuffered ?? DEFAULT_MAX_BUFFERED_MESSAGES;
    if (!(Number.isSafeInteger(max) && max > 0)) {
      throw new RivuletError("INVALID_ARGUMENT", `maxBuffered must be a positive integer, got ${String(max)}`);
    }
    this.maxBuffered = max;
  }

  /** Opens the connection or subscribes to it; events may start arriving right away. */
  protected abstract connect(context: SourceContext): void;
  /** Stops listening (and closes the connection if the source owns it). Called once. */
  protected abstract disconnect(): void;
  /** Counters of the subclass to report with each batch, besides the shared ones. */
  protected counters(): Readonly<Record<string, number>> {
    return {};
  }

  /** Everything buffered, or as much as the context's rate limit lets this batch take, with the counters. */
  take(): Taken<T> {
    return this.handOver(this.buffer.take(this.sourceContext?.maxRecordsPerBatch() ?? Infinity));
  }

  /** With the write-ahead log: a batch made again after a restart, up to the log position it first reached. */
  takeUntil(_time: number, position: unknown): Taken<T> {
    return this.log ? this.handOver(this.buffer.takeUntil(position)) : this.take();
  }

  /** With the write-ahead log: every record a batch took before a restart is back once the log is replayed. */
  async reach(position: unknown): Promise<boolean> {
    await this.starting?.catch(() => undefined);
    return this.buffer.covers(position);
  }

  private handOver(records: T[]): Taken<T> {
    if (records.length > 0) this.overflowing = false;
    return { records, metadata: { droppedMessages: this.dropped, unreadableMessages: this.unreadable, ...this.counters() } };
  }

  /** With the write-ahead log: where the records taken so far reach in it. */
  position(): unknown {
    return this.log ? this.buffer.position() : undefined;
  }

  /** Resumes after a checkpointed log position, before `start`. */
  restore(position: unknown): void {
    this.restored = position;
  }

  /** A checkpoint covers the log up to `position`: those entries are deleted. */
  async checkpointed(position: unknown): Promise<void> {
    await truncateLog(this.log, position);
  }

  /** Replays what the write-ahead log holds (if on), then connects. A failure to connect is reported, not thrown. */
  start(context: SourceContext): Promise<void> {
    this.starting = this.startReceiving(context);
    return this.starting;
  }

  private async startReceiving(context: SourceContext): Promise<void> {
    this.sourceContext = context;
    if (context.writeAheadLog) {
      // Records logged after the last checkpointed batch were received but never processed.
      this.log = context.writeAheadLog;
      await this.buffer.replay(this.log, this.restored, (message) => context.reportError(message, undefined));
    }
    if (this.state !== "initialized") return; // stopped while recovering
    this.state = "receiving";
    try {
      this.connect(context);
    } catch (error) {
      const message = `${this.name} could not connect: ${error instanceof Error ? error.message : String(error)}`;
      context.reportError(message, error);
      this.end(message, error);
    }
  }

  /**
   * Resolves once the source listens (after replaying the log, if on) and every record received
   * so far is in the buffer (written to the log first). A manual clock waits here, so what a test
   * sends after an `advance` reaches a listening source.
   */
  async settle(): Promise<void> {
    await this.starting?.catch(() => undefined);
    while (this.logging) await this.logging;
  }

  /** Stops listening (closing the connection if the source owns it); resolves once pending log writes are done. */
  async stop(): Promise<void> {
    // What was received stays buffered either way: a graceful stop's last batch takes it.
    if (this.state === "receiving") this.end("stopped with the context");
    this.state = "ended";
    await this.settle();
  }

  /** The context, once started. */
  protected get context(): SourceContext | undefined {
    return this.sourceContext;
  }

  /**
   * Hands over the records one message made. The message is dropped whole (and counted) if the
   * buffer is full when it arrives; a message that makes no record is not a drop.
   */
  protected deliver(records: readonly T[]): void {
    if (records.length === 0 || this.state !== "receiving") return;
    if (this.buffer.length + this.unlogged.length + this.writing >= this.maxBuffered) {
      this.dropped++;
      if (!this.overflowing) {
        this.overflowing = true;
        const message =
          `${this.name} received more than ${this.maxBuffered} records (maxBuffered) before the next batch: ` +
          "messages are dropped until a batch takes the buffer, and counted in droppedMessages";
        this.sourceContext?.reportError(message, new RivuletError("BUFFER_OVERFLOW", message));
      }
      return;
    }
    if (!this.log) {
      this.buffer.push(records);
      return;
    }
    for (const r of records) this.unlogged.push(r);
    this.logging ??= this.writeLog(this.log);
  }

  /** Counts a message whose data is neither text nor bytes; the first one is reported. */
  protected dropUnreadable(what: string): void {
    if (this.unreadable++ > 0) return;
    const message = `${this.name} cannot read ${what}; such messages are dropped and counted in unreadableMessages`;
    this.sourceContext?.reportError(message, new RivuletError("INVALID_INPUT", message));
  }

  /** The connection is over (closed, failed, or stopped): stop listening and report it once. */
  protected end(message: string, error?: unknown): void {
    if (this.state !== "receiving") return;
    this.state = "ended";
    this.disconnect();
    this.sourceContext?.reportStopped(message, error);
  }

  private async writeLog(log: RecordLog): Promise<void> {
    while (this.unlogged.length > 0) {
      const group = this.unlogged;
      this.unlogged = [];
      this.writing = group.length;
      let seq: number;
      try {
        seq = await log.append(group);
      } catch (error) {
        // A message cannot be asked for again, so the records are kept and processed, without
        // the log's protection; the stream stops, as a stream source's does when its log fails.
        // No logged entry follows them, so the buffer's log position stays right.
        this.writing = 0;
        this.buffer.push(group);
        this.buffer.push(this.unlogged);
        this.unlogged = [];
        const message = `${this.name} could not write to the write-ahead log (${error instanceof Error ? error.message : String(error)}); it stops receiving`;
        this.sourceContext?.reportError(message, error);
        this.end(message, error);
        break;
      }
      this.writing = 0;
      this.buffer.push(group, seq);
    }
    this.logging = undefined;
  }
}
