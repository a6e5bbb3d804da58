import { Duration } from "../core/duration.ts";
import { RivuletError } from "../core/errors.ts";
import type { SourceContext } from "../dstream/input.ts";

/**
 * Opens a stream afresh: a TCP connection, a `fetch` of a live endpoint
 * (`() => fetch(url).then((r) => r.body!)`). A line source given one reads it again after each
 * end, as Spark restarts a receiver.
 */
export type StreamConnect<C> = () => ReadableStream<C> | Promise<ReadableStream<C>>;

/** Spark's `spark.streaming.receiverRestartDelay`. */
const DEFAULT_RECONNECT_MS = 2000;

/** The reconnect delay in ms: `Seconds(2)` unless given; `false` (no reconnecting) is undefined. */
export function reconnectDelayMs(delay: Duration | false | undefined, name: string): number | undefined {
  if (delay === undefined) return DEFAULT_RECONNECT_MS;
  if (delay === false) return undefined;
  if (!(delay instanceof Duration)) throw new RivuletError("INVALID_ARGUMENT", `${name}: reconnectDelay must be a Duration (e.g. Seconds(2)) or false`);
  return delay.milliseconds;
}

/** Who is connected to, for the messages: an address (`host:port`) or none (a connect function). */
export interface ConnectionLabel {
  readonly name: string;
  readonly address?: string;
}

/**
 * One stream of lines over successive connections, opened on the first read (the source pulls
 * once the context has started it). When a connection fails or ends, the loss is reported and,
 * after `reconnectMs` on the context's clock, `connect` runs again; without `reconnectMs` the
 * stream ends there (or fails, if the connection failed). A connection's last line ends with it,
 * as a reader's `readLine` at the end of its input gives it.
 */
export function reconnectingStream<C extends Uint8Array | string>(
  connect: StreamConnect<C>,
  context: SourceContext,
  label: ConnectionLabel,
  reconnectMs: number | undefined,
): ReadableStream<C> {
  return new Connections(connect, context, label, reconnectMs, true).stream;
}

/** The same over streams of records: each connection's records as they come, nothing added at its end. */
export function reconnectingRecords<T>(connect: StreamConnect<T>, context: SourceContext, label: ConnectionLabel, reconnectMs: number | undefined): ReadableStream<T> {
  return new Connections(connect, context, label, reconnectMs, false).stream;
}

const LINE_END = new Uint8Array([0x0a]);

class Connections<C> {
  readonly stream: ReadableStream<C>;
  private reader: ReadableStreamDefaultReader<C> | undefined;
  /** The line end a connection that stops mid-line needs: none, or one of the chunks' kind. */
  private pendingEnd: C | undefined;
  private cancelled = false;
  /** Ends a wait to connect again: cancels its timer and lets the pull go on. */
  private wake: (() => void) | undefined;

  constructor(
    private readonly connect: StreamConnect<C>,
    private readonly context: SourceContext,
    private readonly label: ConnectionLabel,
    private readonly reconnectMs: number | undefined,
    /** Chunks of lines: a connection's last line ends with it, and empty chunks are skipped. */
    private readonly lines: boolean,
  ) {
    this.stream = new ReadableStream<C>(
      {
        pull: (controller) => this.pull(controller),
        cancel: async (reason) => {
          this.cancelled = true;
          this.wake?.();
          await this.reader?.cancel(reason).catch(() => undefined);
        },
      },
      { highWaterMark: 0 },
    );
  }

  private async pull(controller: ReadableStreamDefaultController<C>): Promise<void> {
    const { address } = this.label;
    for (;;) {
      if (this.cancelled) return;
      if (!this.reader) {
        try {
          this.reader = (await this.connect()).getReader();
        } catch (error) {
          if (!(await this.lost(controller, address ? `could not connect to ${address}` : "could not open the stream", error))) return;
          continue;
        }
        if (this.cancelled) return void this.reader.cancel().catch(() => undefined);
      }
      let chunk: ReadableStreamReadResult<C>;
      try {
        chunk = await this.reader.read();
      } catch (error) {
        this.endLine(controller);
        if (!(await this.lost(controller, address ? `the connection to ${address} failed` : "the stream failed", error))) return;
        continue;
      }
      if (chunk.done) {
        this.endLine(controller);
        if (!(await this.lost(controller, address ? `the connection to ${address} was closed by the server` : "the stream ended", undefined))) return;
        continue;
      }
      const value = chunk.value;
      if (this.lines) {
        const text = value as Uint8Array | string;
        if (text.length === 0) continue;
        const last = typeof text === "string" ? text.charCodeAt(text.length - 1) : text[text.length - 1];
        this.pendingEnd = last === 0x0a ? undefined : ((typeof text === "string" ? "\n" : LINE_END) as C);
      }
      controller.enqueue(value);
      return;
    }
  }

  private endLine(controller: ReadableStreamDefaultController<C>): void {
    if (this.pendingEnd !== undefined) controller.enqueue(this.pendingEnd);
    this.pendingEnd = undefined;
  }

  /** Reports a lost connection; true once it is time to connect again, false when the stream ends. */
  private async lost(controller: ReadableStreamDefaultController<C>, what: string, error: unknown): Promise<boolean> {
    this.reader?.releaseLock();
    this.reader = undefined;
    if (this.cancelled) return false;
    const { name } = this.label;
    const detail = error === undefined ? "" : `: ${error instanceof Error ? error.message : String(error)}`;
    if (this.reconnectMs === undefined) {
      if (error !== undefined) throw new RivuletError("SOURCE_FAILED", `${name}: ${what}${detail}`, { cause: error });
      controller.close();
      return false;
    }
    const context = this.context;
    // As Spark's socket receiver, which restart()s: listeners see it stopped (inactive, with the
    // reason) during the delay, and started again when it connects again.
    context.reportStopped(`Restarting receiver with delay ${this.reconnectMs}ms: ${name}: ${what}${detail}`, error);
    await new Promise<void>((resolve) => {
      const cancelTimer = context.schedule(context.now() + this.reconnectMs!, resolve);
      this.wake = () => {
        cancelTimer();
        resolve();
      };
    });
    this.wake = undefined;
    if (this.cancelled) return false;
    context.reportStarted();
    return true;
  }
}

/**
 * Bytes that can be read again from any offset: a `File` (`file.slice(offset).stream()`), an
 * HTTP resource (`fetch` with a `Range` header), a file on disk. A text stream over one is
 * replayable: checkpoints record the byte offset its lines reached, and a restart reopens there,
 * so each line is applied to state exactly once.
 */
export interface ReplayableByteSource {
  open(offset: number): ReadableStream<Uint8Array>;
}

/** What a line source reads: a stream, read once; a replayable source; or a connect function. */
export type LineInput = ReadableStream<Uint8Array | string> | ReplayableByteSource | StreamConnect<Uint8Array | string>;

/**
 * How a line source opens its input: a stream as it is, a replayable source at an offset, a
 * connect function again after each end (`reconnectDelay`, only for those).
 */
export function lineInputOpener(
  input: LineInput,
  reconnectDelay: Duration | false | undefined,
  label: ConnectionLabel,
): { open: (offset: number, context: SourceContext) => ReadableStream<Uint8Array | string>; replayable: boolean } {
  if (typeof input === "function") {
    const ms = reconnectDelayMs(reconnectDelay, label.name);
    return { open: (_offset, context) => reconnectingStream(input, context, label, ms), replayable: false };
  }
  if (reconnectDelay !== undefined) {
    throw new RivuletError("INVALID_ARGUMENT", `${label.name}: reconnectDelay applies to a connect function (() => stream), which can be opened again`);
  }
  // Not `instanceof ReadableStream`: streams from another realm or a polyfill are streams too.
  if (typeof (input as Partial<ReplayableByteSource>).open === "function" && typeof (input as Partial<ReadableStream>).getReader !== "function") {
    const replayable = input as ReplayableByteSource;
    return { open: (offset) => replayable.open(offset), replayable: true };
  }
  const stream = input as ReadableStream<Uint8Array | string>;
  return { open: () => stream, replayable: false };
}
