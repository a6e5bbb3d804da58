import { RivuletError } from "../../core/errors.ts";
import type { SourceContext } from "../../dstream/input.ts";
import { connectionUrl, globalConstructor } from "./connection-url.ts";
import { PushedSource, type PushedSourceOptions } from "./pushed-source.ts";

/** What the source reads from an EventSource's events (a `MessageEvent`, or a plain `Event` for open and error). */
export interface EventSourceEventLike {
  readonly type: string;
  readonly data?: unknown;
  readonly lastEventId?: string;
}

/**
 * The part of the WHATWG `EventSource` the source uses, so any implementation will do: the
 * browser's, Deno's, Node's (22+ behind a flag, or a package), or a test double.
 */
export interface EventSourceLike {
  /** 0 connecting, 1 open, 2 closed. */
  readonly readyState: number;
  readonly url?: string;
  addEventListener(type: string, listener: (event: EventSourceEventLike) => void): void;
  removeEventListener(type: string, listener: (event: EventSourceEventLike) => void): void;
  close(): void;
}

/** A server-sent event, the record of `eventSourceStream(…, { format: "event" })`. */
export interface ServerSentEvent {
  /** The event type (the `event:` field; `"message"` when the server sent none). */
  readonly type: string;
  readonly data: string;
  /** The last `id:` the server sent, also on the events after it; `""` if none. */
  readonly lastEventId: string;
}

export interface EventSourceStreamOptions extends PushedSourceOptions {
  /** The event types to receive (the server's `event:` field). Default `["message"]`, the events sent without one. */
  events?: readonly string[];
  /** `"data"` (default): each record is an event's data; `"event"`: a `ServerSentEvent` with its type and id. */
  format?: "data" | "event";
  /** When the source opens the EventSource from a URL: send cookies to another origin. */
  withCredentials?: boolean;
}

type EventSourceConstructor = new (url: string, init?: { withCredentials?: boolean }) => EventSourceLike;

const OPEN = 1;
const CLOSED = 2;
const NAME = "eventSourceStream";
/** The EventSource's own events: a server event of these names could not be told apart from them. */
const RESERVED = new Set(["open", "error"]);

/**
 * `eventSourceStream(urlOrEventSource)`: server-sent events, one record each. The producer cannot
 * be paused, so events wait in a bounded buffer (see `PushedSource`).
 *
 * An EventSource reconnects by itself after a lost connection (resuming after the last event id):
 * each `error` is reported as a receiver error and the stream goes on; each (re)connection is
 * reported as the receiver starting. Only when the EventSource gives up (a response that is not
 * an event stream, an HTTP error) does this stream stop; the context runs on.
 */
export class EventSourceSource extends PushedSource<string | ServerSentEvent> {
  readonly name = NAME;
  private readonly target: URL | EventSourceLike;
  private readonly events: readonly string[];
  private readonly asEvents: boolean;
  private readonly withCredentials: boolean | undefined;
  private readonly closeOnStop: boolean;
  private source: EventSourceLike | undefined;

  constructor(source: string | URL | EventSourceLike, options: EventSourceStreamOptions = {}) {
    super(options);
    const fromUrl = typeof source === "string" || source instanceof URL;
    if (fromUrl) {
      this.target = connectionUrl(source, NAME, ["http:", "https:"]);
      globalConstructor<EventSourceConstructor>("EventSource", NAME); // a runtime without one fails here, not at start()
    } else {
      if (options.withCredentials !== undefined) throw new RivuletError("INVALID_ARGUMENT", `${NAME}: withCredentials applies only when a URL is given`);
      this.target = source;
    }
    this.events = eventTypes(options.events);
    if (options.format !== undefined && options.format !== "data" && options.format !== "event") {
      throw new RivuletError("INVALID_ARGUMENT", `${NAME}: format must be "data" or "event", got ${JSON.stringify(options.format)}`);
    }
    this.asEvents = options.format === "event";
    this.withCredentials = options.withCredentials;
    this.closeOnStop = options.closeOnStop ?? fromUrl;
  }

  protected connect(context: SourceContext): void {
    const source = this.target instanceof URL ? this.open(this.target) : this.target;
    this.source = source;
    source.addEventListener("open", this.onOpen);
    source.addEventListener("error", this.onError);
    for (const type of this.events) source.addEventListener(type, this.onEvent);
    if (source.readyState === OPEN) context.reportStarted();
    else if (source.readyState === CLOSED) this.end(`the EventSource${this.where()} was already closed`);
  }

  protected disconnect(): void {
    const source = this.source;
    if (!source) return;
    source.removeEventListener("open", this.onOpen);
    source.removeEventListener("error", this.onError);
    for (const type of this.events) source.removeEventListener(type, this.onEvent);
    if (this.closeOnStop && source.readyState !== CLOSED) source.close();
  }

  private open(url: URL): EventSourceLike {
    const Ctor = globalConstructor<EventSourceConstructor>("EventSource", NAME);
    return this.withCredentials === undefined ? new Ctor(url.href) : new Ctor(url.href, { withCredentials: this.withCredentials });
  }

  private readonly onOpen = (): void => this.context?.reportStarted();

  private readonly onEvent = (event: EventSourceEventLike): void => {
    const data = event.data;
    if (typeof data !== "string") return this.dropUnreadable(`an event whose data is of type ${typeof data}`);
    this.deliver([this.asEvents ? { type: event.type, data, lastEventId: event.lastEventId ?? "" } : data]);
  };

  private readonly onError = (): void => {
    if (this.source?.readyState === CLOSED) {
      const message = `the EventSource${this.where()} failed and will not reconnect (an HTTP error, or a response that is not text/event-stream)`;
      this.context?.reportError(message, new RivuletError("SOURCE_FAILED", message));
      this.end(message, new RivuletError("SOURCE_FAILED", message));
      return;
    }
    const message = `the connection of the EventSource${this.where()} was lost; it reconnects by itself`;
    this.context?.reportError(message, new RivuletError("SOURCE_FAILED", message));
  };

  private where(): string {
    const url = this.target instanceof URL ? this.target.href : this.source?.url;
    return url ? ` to ${url}` : "";
  }
}

function eventTypes(events: readonly string[] | undefined): readonly string[] {
  if (events === undefined) return ["message"];
  if (!Array.isArray(events) || events.length === 0 || !events.every((e) => typeof e === "string" && e.length > 0)) {
    throw new RivuletError("INVALID_ARGUMENT", `${NAME}: events must be a non-empty array of event type names`);
  }
  const reserved = events.filter((e) => RESERVED.has(e));
  if (reserved.length > 0) {
    throw new RivuletError("INVALID_ARGUMENT", `${NAME}: ${JSON.stringify(reserved[0])} is the EventSource's own event, not a server event type`);
  }
  return [...new Set(events)];
}
