import { Duration } from "../core/duration.ts";
import { RivuletError } from "../core/errors.ts";
import type { SourceContext } from "../dstream/input.ts";
import { TextSource, type TextStreamOptions } from "./text.ts";

/** Opens a TCP connection and gives its bytes: Node's `net`, Deno's `Deno.connect`, workerd's `connect()`. */
export type TcpConnect = (hostname: string, port: number) => ReadableStream<Uint8Array> | Promise<ReadableStream<Uint8Array>>;

export interface SocketTextStreamOptions extends TextStreamOptions {
  /**
   * How long to wait before connecting again after the connection fails to open or ends, on the
   * context's clock, for as long as the context runs: Spark's receiver restart
   * (`spark.streaming.receiverRestartDelay`, default 2 s). `false`: the first end ends the stream.
   */
  reconnectDelay?: Duration | false;
  /**
   * How to open the connection where the runtime's own is not known: e.g. in Cloudflare workerd,
   * `(hostname, port) => connect({ hostname, port }).readable` with `connect` from
   * `"cloudflare:sockets"`. Default: Node's `net`, or `Deno.connect`.
   */
  connect?: TcpConnect;
}

const NAME = "socketTextStream";
const LINE_END = new Uint8Array([0x0a]);
const DEFAULT_RECONNECT_MS = 2000;

/**
 * Spark's `socketTextStream(hostname, port)`: the lines a TCP server sends, UTF-8, one record a
 * line, cut as `textStream` cuts them. Reading is pulled, so a slow job slows the sender (TCP's
 * own flow control). As Spark's socket receiver, a lost or refused connection is reported and
 * tried again after `reconnectDelay`; the last line of a connection ends with it.
 */
export class SocketSource extends TextSource {
  override readonly name = NAME;

  constructor(hostname: string, port: number, options: SocketTextStreamOptions, connect: TcpConnect | undefined, segmentBytes?: number, sharedBatches = false) {
    if (typeof hostname !== "string" || hostname === "") throw new RivuletError("INVALID_ARGUMENT", `socketTextStream: hostname must be a non-empty string, got ${JSON.stringify(hostname)}`);
    if (!Number.isInteger(port) || port < 1 || port > 65535) throw new RivuletError("INVALID_ARGUMENT", `socketTextStream: port must be an integer from 1 to 65535, got ${port}`);
    const open = options.connect ?? connect;
    if (!open) {
      throw new RivuletError(
        "UNSUPPORTED",
        "socketTextStream: this runtime has no TCP sockets known to Rivulet; pass options.connect (e.g. workerd's connect() from \"cloudflare:sockets\"), or use webSocketStream in a browser",
      );
    }
    const delay = options.reconnectDelay ?? new Duration(DEFAULT_RECONNECT_MS);
    if (delay !== false && !(delay instanceof Duration)) throw new RivuletError("INVALID_ARGUMENT", "socketTextStream: reconnectDelay must be a Duration (e.g. Seconds(2)) or false");
    const link = new Connections(hostname, port, open, delay === false ? undefined : delay.milliseconds);
    super(link.stream, options, segmentBytes, sharedBatches);
    link.context = () => this.sourceContext;
  }
}

/**
 * One byte stream over successive connections. Opened lazily (on the first read, once the
 * context has started the source), so the reconnect delay runs on the context's clock.
 */
class Connections {
  readonly stream: ReadableStream<Uint8Array>;
  context: () => SourceContext | undefined = () => undefined;
  private reader: ReadableStreamDefaultReader<Uint8Array> | undefined;
  private endsInNewline = true;
  private cancelled = false;
  /** Ends a wait to connect again: cancels its timer and lets the pull go on. */
  private wake: (() => void) | undefined;

  constructor(
    private readonly hostname: string,
    private readonly port: number,
    private readonly connect: TcpConnect,
    private readonly reconnectMs: number | undefined,
  ) {
    this.stream = new ReadableStream<Uint8Array>(
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

  private get address(): string {
    return `${this.hostname}:${this.port}`;
  }

  private async pull(controller: ReadableStreamDefaultController<Uint8Array>): Promise<void> {
    for (;;) {
      if (this.cancelled) return;
      if (!this.reader) {
        try {
          this.reader = (await this.connect(this.hostname, this.port)).getReader();
        } catch (error) {
          if (!(await this.lost(controller, `could not connect to ${this.address}`, error))) return;
          continue;
        }
        if (this.cancelled) return void this.reader.cancel().catch(() => undefined);
      }
      let chunk: ReadableStreamReadResult<Uint8Array>;
      try {
        chunk = await this.reader.read();
      } catch (error) {
        this.endLine(controller);
        if (!(await this.lost(controller, `the connection to ${this.address} failed`, error))) return;
        continue;
      }
      if (chunk.done) {
        this.endLine(controller);
        if (!(await this.lost(controller, `the connection to ${this.address} was closed by the server`, undefined))) return;
        continue;
      }
      if (chunk.value.length === 0) continue;
      this.endsInNewline = chunk.value[chunk.value.length - 1] === 0x0a;
      controller.enqueue(chunk.value);
      return;
    }
  }

  /** The last line of a connection ends with it, as a reader's `readLine` at the end would give it. */
  private endLine(controller: ReadableStreamDefaultController<Uint8Array>): void {
    if (!this.endsInNewline) controller.enqueue(LINE_END);
    this.endsInNewline = true;
  }

  /** Reports a lost connection; true once it is time to connect again, false when the stream ends. */
  private async lost(controller: ReadableStreamDefaultController<Uint8Array>, what: string, error: unknown): Promise<boolean> {
    this.reader?.releaseLock();
    this.reader = undefined;
    if (this.cancelled) return false;
    const context = this.context();
    const detail = error === undefined ? "" : `: ${error instanceof Error ? error.message : String(error)}`;
    if (this.reconnectMs === undefined || !context) {
      if (error !== undefined) throw new RivuletError("SOURCE_FAILED", `${NAME}: ${what}${detail}`, { cause: error });
      controller.close();
      return false;
    }
    context.reportError(`${NAME}: ${what}${detail}; connecting again in ${this.reconnectMs} ms`, error);
    await new Promise<void>((resolve) => {
      const cancelTimer = context.schedule(context.now() + this.reconnectMs!, resolve);
      this.wake = () => {
        cancelTimer();
        resolve();
      };
    });
    this.wake = undefined;
    return !this.cancelled;
  }
}
