// WebSocket and EventSource stand-ins built on EventTarget, driven by the test: the server's side
// of a connection (open, message, error, close) is a method call.
import type { EventSourceLike, WebSocketLike } from "../../../src/index.ts";

/** Events as the WHATWG classes dispatch them (Node 20 has no CloseEvent). */
function eventOf(type: string, fields: Record<string, unknown> = {}): Event {
  return Object.assign(new Event(type), fields);
}

export class FakeWebSocket extends EventTarget implements WebSocketLike {
  static readonly instances: FakeWebSocket[] = [];
  readyState = 0;
  binaryType = "blob";
  readonly url: string;
  readonly protocols: string | string[] | undefined;
  /** What `close()` was called with, if it was. */
  closedWith: { code: number | undefined; reason: string | undefined } | undefined;

  constructor(url = "ws://example.test/feed", protocols?: string | string[]) {
    super();
    this.url = url;
    this.protocols = protocols;
    FakeWebSocket.instances.push(this);
  }

  open(): void {
    this.readyState = 1;
    this.dispatchEvent(eventOf("open"));
  }

  /** The server sends a message: a string, an ArrayBuffer, a view, or anything else. */
  send(data: unknown): void {
    this.dispatchEvent(new MessageEvent("message", { data }));
  }

  fail(): void {
    this.dispatchEvent(eventOf("error"));
  }

  /** The server closes the connection. */
  serverClose(code: number, reason = "", wasClean = true): void {
    this.readyState = 3;
    this.dispatchEvent(eventOf("close", { code, reason, wasClean }));
  }

  close(code?: number, reason?: string): void {
    this.closedWith = { code, reason };
    this.readyState = 3;
    this.dispatchEvent(eventOf("close", { code: code ?? 1005, reason: reason ?? "", wasClean: true }));
  }
}

export class FakeEventSource extends EventTarget implements EventSourceLike {
  static readonly instances: FakeEventSource[] = [];
  readyState = 0;
  readonly url: string;
  readonly init: { withCredentials?: boolean } | undefined;
  closed = false;
  private lastId = "";

  constructor(url = "https://example.test/events", init?: { withCredentials?: boolean }) {
    super();
    this.url = url;
    this.init = init;
    FakeEventSource.instances.push(this);
  }

  open(): void {
    this.readyState = 1;
    this.dispatchEvent(eventOf("open"));
  }

  /** The server sends an event; `id` sets the last event id, which later events keep. */
  emit(data: unknown, type = "message", id?: string): void {
    if (id !== undefined) this.lastId = id;
    this.dispatchEvent(new MessageEvent(type, { data, lastEventId: this.lastId }));
  }

  /** The connection is lost; the EventSource reconnects (readyState 0) unless `fatal`. */
  fail(fatal = false): void {
    this.readyState = fatal ? 2 : 0;
    this.dispatchEvent(eventOf("error"));
  }

  close(): void {
    this.closed = true;
    this.readyState = 2;
  }
}
