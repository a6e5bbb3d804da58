import type { Duration } from "../../core/duration.ts";
import { RivuletError } from "../../core/errors.ts";
import type { SourceContext } from "../../dstream/input.ts";
import { LineSplitter } from "../lines.ts";
import { connectionUrl, globalConstructor } from "./connection-url.ts";
import { PushedSource, type PushedSourceOptions } from "./pushed-source.ts";

/** What the source reads from a WebSocket's events (a `MessageEvent`, a `CloseEvent`, or a plain `Event`). */
export interface WebSocketEventLike {
  readonly type: string;
  /** A message's data: a string, an `ArrayBuffer`, or a `Uint8Array` view (Node's `ws` gives Buffers). */
  readonly data?: unknown;
  readonly code?: number;
  readonly reason?: string;
  readonly wasClean?: boolean;
}

export type WebSocketEventType = "open" | "message" | "error" | "close";

/**
 * The part of the WHATWG `WebSocket` the source uses, so any implementation will do: the
 * browser's, Deno's, workerd's, Node's (22+, or the `ws` package), or a test double.
 */
export interface WebSocketLike {
  /** 0 connecting, 1 open, 2 closing, 3 closed. */
  readonly readyState: number;
  /** Set to `"arraybuffer"` when it is `"blob"`: a Blob can only be read asynchronously, which would reorder messages. */
  binaryType: string;
  readonly url?: string;
  addEventListener(type: WebSocketEventType, listener: (event: WebSocketEventLike) => void): void;
  removeEventListener(type: WebSocketEventType, listener: (event: WebSocketEventLike) => void): void;
  close(code?: number, reason?: string): void;
}

export interface WebSocketStreamOptions extends PushedSourceOptions {
  /**
   * Cut the messages' data into lines, as `textStream` does (UTF-8, a line may span messages,
   * invalid UTF-8 replaced and over-long lines dropped, both counted), instead of one record per
   * message. Default false.
   */
  lines?: boolean;
  /** With `lines`: the longest line kept, in UTF-16 code units (default 1 048 576). */
  maxLineLength?: number;
  /** Subprotocols to ask the server for, when the source opens the socket from a URL. */
  protocols?: string | readonly string[];
  /**
   * With a URL: when the connection closes or fails to open, connect again after this long on
   * the context's clock (Spark's socket receiver restarts after
   * `spark.streaming.receiverRestartDelay`, 2 s), for as long as the context runs. Each lost
   * connection is reported as a receiver error. Default: no reconnecting; a close stops the stream.
   */
  reconnectDelay?: Duration;
}

type WebSocketConstructor = new (url: string, protocols?: string | string[]) => WebSocketLike;

const CONNECTING = 0;
const OPEN = 1;
const CLOSED = 3;
/** Close codes of a connection that ended as agreed: normal, going away, no status sent. */
const NORMAL_CLOSE = new Set([1000, 1001, 1005]);
const NAME = "webSocketStream";

/**
 * `webSocketStream(urlOrSocket)`: the web's `socketTextStream`. Each message is a record (text as
 * a string, binary data as a `Uint8Array`), or with `lines` the data is cut into lines. A
 * WebSocket cannot be paused, so messages wait in a bounded buffer (see `PushedSource`).
 *
 * The socket's `open` is reported as the receiver starting; an `error` as a receiver error; its
 * close (with code and reason) stops this stream only, the context runs on, unless
 * `reconnectDelay` is set (URLs only): then it connects again after that delay.
 */
export class WebSocketSource extends PushedSource<string | Uint8Array> {
  readonly name = NAME;
  private readonly target: URL | WebSocketLike;
  private readonly protocols: string | string[] | undefined;
  private readonly closeOnStop: boolean;
  private readonly splitter: LineSplitter | undefined;
  private socket: WebSocketLike | undefined;
  private readonly reconnectMs: number | undefined;
  private cancelReconnect: (() => void) | undefined;
  private disconnected = false;

  constructor(socket: string | URL | WebSocketLike, options: WebSocketStreamOptions = {}) {
    super(options);
    const fromUrl = typeof socket === "string" || socket instanceof URL;
    if (fromUrl) {
      this.target = webSocketUrl(connectionUrl(socket, NAME, ["ws:", "wss:", "http:", "https:"]));
      globalConstructor<WebSocketConstructor>("WebSocket", NAME); // a runtime without one fails here, not at start()
    } else {
      if (options.protocols !== undefined) throw new RivuletError("INVALID_ARGUMENT", `${NAME}: protocols apply only when a URL is given`);
      this.target = socket;
    }
    if (!options.lines && options.maxLineLength !== undefined) {
      throw new RivuletError("INVALID_ARGUMENT", `${NAME}: maxLineLength applies only with lines: true`);
    }
    this.protocols = typeof options.protocols === "string" ? options.protocols : options.protocols?.slice();
    this.closeOnStop = options.closeOnStop ?? fromUrl;
    this.splitter = options.lines ? new LineSplitter({ maxLineLength: options.maxLineLength }) : undefined;
    const delay = options.reconnectDelay;
    if (delay !== undefined) {
      if (!fromUrl) throw new RivuletError("INVALID_ARGUMENT", `${NAME}: reconnectDelay applies only when a URL is given (a socket passed in cannot be opened again)`);
      if (typeof delay !== "object" || delay === null || !(delay.milliseconds >= 0)) {
        throw new RivuletError("INVALID_ARGUMENT", `${NAME}: reconnectDelay must be a Duration, e.g. Seconds(2)`);
      }
      this.reconnectMs = delay.milliseconds;
    }
  }

  protected connect(context: SourceContext): void {
    this.attach(this.target instanceof URL ? this.open(this.target) : this.target, context);
  }

  private attach(socket: WebSocketLike, context: SourceContext): void {
    this.socket = socket;
    if (socket.binaryType === "blob") socket.binaryType = "arraybuffer";
    socket.addEventListener("open", this.onOpen);
    socket.addEventListener("message", this.onMessage);
    socket.addEventListener("error", this.onError);
    socket.addEventListener("close", this.onClose);
    if (socket.readyState === OPEN) context.reportStarted();
    else if (socket.readyState === CLOSED) this.end(`the WebSocket${this.where()} was already closed`);
  }

  protected disconnect(): void {
    this.disconnected = true;
    this.cancelReconnect?.();
    const socket = this.socket;
    if (!socket) return;
    this.detach(socket);
    if (this.closeOnStop && (socket.readyState === CONNECTING || socket.readyState === OPEN)) {
      socket.close(1000, "the streaming context was stopped");
    }
  }

  private detach(socket: WebSocketLike): void {
    socket.removeEventListener("open", this.onOpen);
    socket.removeEventListener("message", this.onMessage);
    socket.removeEventListener("error", this.onError);
    socket.removeEventListener("close", this.onClose);
  }

  /** Connects again after `reconnectDelay`, unless the stream stops meanwhile. */
  private reconnect(context: SourceContext, url: URL, delayMs: number): void {
    this.detach(this.socket!);
    this.socket = undefined;
    this.cancelReconnect = context.schedule(context.now() + delayMs, () => {
      this.cancelReconnect = undefined;
      if (this.disconnected) return;
      try {
        this.attach(this.open(url), context);
      } catch (error) {
        const message = `the WebSocket to ${url.href} could not be opened again: ${error instanceof Error ? error.message : String(error)}`;
        context.reportError(message, error);
        this.reconnect(context, url, delayMs);
      }
    });
  }

  protected override counters(): Readonly<Record<string, number>> {
    return this.splitter ? { invalidUtf8: this.splitter.invalidUtf8, overlongLines: this.splitter.overlongLines } : {};
  }

  private open(url: URL): WebSocketLike {
    const Ctor = globalConstructor<WebSocketConstructor>("WebSocket", NAME);
    const socket = this.protocols === undefined ? new Ctor(url.href) : new Ctor(url.href, this.protocols);
    socket.binaryType = "arraybuffer";
    return socket;
  }

  private readonly onOpen = (): void => this.context?.reportStarted();

  private readonly onMessage = (event: WebSocketEventLike): void => {
    const data = event.data;
    if (typeof data === "string") return this.deliver(this.splitter ? this.cut(data) : [data]);
    const bytes = asBytes(data);
    if (!bytes) return this.dropUnreadable(`a message of type ${describe(data)}`);
    // The splitter decodes right away; a kept record needs its own copy (Node's Buffers share a pool).
    this.deliver(this.splitter ? this.cut(bytes) : [bytes.buffer === data ? bytes : bytes.slice()]);
  };

  private readonly onError = (): void => {
    const message = `the WebSocket${this.where()} failed`;
    this.context?.reportError(message, new RivuletError("SOURCE_FAILED", message));
  };

  private readonly onClose = (event: WebSocketEventLike): void => {
    // The last line needs no newline: the close ends it, as the end of a stream does.
    if (this.splitter) {
      const out: string[] = [];
      this.splitter.end(out);
      this.deliver(out);
    }
    const code = typeof event.code === "number" ? event.code : 1005;
    const reason = typeof event.reason === "string" && event.reason.length > 0 ? `, reason ${JSON.stringify(event.reason)}` : "";
    const message = `the WebSocket${this.where()} closed (code ${code}${reason})`;
    const normal = event.wasClean !== false && NORMAL_CLOSE.has(code);
    const context = this.context;
    if (this.reconnectMs !== undefined && this.target instanceof URL && context && !this.disconnected) {
      // As a restarting receiver: stopped (inactive, with the reason) until it is open again.
      context.reportStopped(`Restarting receiver with delay ${this.reconnectMs}ms: ${message}`, normal ? undefined : new RivuletError("SOURCE_FAILED", message));
      this.reconnect(context, this.target, this.reconnectMs);
      return;
    }
    this.end(message, normal ? undefined : new RivuletError("SOURCE_FAILED", message));
  };

  private cut(data: string | Uint8Array): string[] {
    const out: string[] = [];
    this.splitter!.push(data, out);
    return out;
  }

  private where(): string {
    const url = this.target instanceof URL ? this.target.href : this.socket?.url;
    return url ? ` to ${url}` : "";
  }
}

/** http(s): as ws(s): (older implementations take only these), so reports name the URL connected to. */
function webSocketUrl(url: URL): URL {
  if (url.protocol === "http:" || url.protocol === "https:") return new URL(url.href.replace(/^http/, "ws"));
  return url;
}

/** The bytes of binary message data, or undefined for anything else (a Blob, an object). */
function asBytes(data: unknown): Uint8Array | undefined {
  if (data instanceof ArrayBuffer || Object.prototype.toString.call(data) === "[object ArrayBuffer]") return new Uint8Array(data as ArrayBuffer);
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  return undefined;
}

function describe(data: unknown): string {
  if (data === null || typeof data !== "object") return typeof data;
  return Object.prototype.toString.call(data).slice(8, -1);
}
