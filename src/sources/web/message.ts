import { RivuletError } from "../../core/errors.ts";
import type { SourceContext } from "../../dstream/input.ts";
import { PushedSource, type PushedSourceOptions } from "./pushed-source.ts";

/** What the source reads from a `message` or `messageerror` event. */
export interface MessageEventLike {
  readonly type: string;
  readonly data?: unknown;
}

/**
 * Anything that delivers `message` events: a `BroadcastChannel`, a `MessagePort`, a `Worker`,
 * the global scope of a worker (`self`), a window, or a test double.
 */
export interface MessageTargetLike {
  addEventListener(type: "message" | "messageerror", listener: (event: MessageEventLike) => void): void;
  removeEventListener(type: "message" | "messageerror", listener: (event: MessageEventLike) => void): void;
  /** A `MessagePort` queues messages until started; the source starts it. */
  start?(): void;
  /** Called on stop when the source owns the target (a channel it opened by name, or `closeOnStop`). */
  close?(): void;
}

export interface MessageStreamOptions extends PushedSourceOptions {
  /**
   * Keep only the messages for which this returns true, e.g. those of one kind on a shared
   * channel; it sees each message's data before it becomes a record.
   */
  filter?: (data: unknown) => boolean;
}

const NAME = "messageStream";

/**
 * `messageStream(channel)`: the `data` of each message a `BroadcastChannel`, `MessagePort`, worker
 * or window receives, one record each: the tabs and workers of an origin feed the one context
 * that runs the job (with `originLock`, the leader). A name opens `new BroadcastChannel(name)`,
 * closed on stop. Messages cannot be paused, so they wait in a bounded buffer (see
 * `PushedSource`); messages that cannot be deserialized (`messageerror`) are dropped and counted.
 */
export class MessageSource<T> extends PushedSource<T> {
  readonly name = NAME;
  private readonly channelName: string | undefined;
  private readonly given: MessageTargetLike | undefined;
  private readonly closeOnStop: boolean;
  private readonly filter: ((data: unknown) => boolean) | undefined;
  private target: MessageTargetLike | undefined;

  constructor(target: string | MessageTargetLike, options: MessageStreamOptions = {}) {
    super(options);
    if (typeof target === "string") {
      if (typeof (globalThis as { BroadcastChannel?: unknown }).BroadcastChannel !== "function") {
        throw new RivuletError("UNSUPPORTED", `${NAME}: this runtime has no BroadcastChannel to open ${JSON.stringify(target)} with; pass a MessagePort or another message target`);
      }
      this.channelName = target;
    } else if (typeof (target as Partial<MessageTargetLike> | null)?.addEventListener !== "function") {
      throw new RivuletError("INVALID_ARGUMENT", `${NAME} takes a channel name or an object with addEventListener("message"): a BroadcastChannel, MessagePort or Worker`);
    } else {
      this.given = target;
    }
    if (options.filter !== undefined && typeof options.filter !== "function") throw new RivuletError("INVALID_ARGUMENT", `${NAME}: filter must be a function of a message's data`);
    this.filter = options.filter;
    this.closeOnStop = options.closeOnStop ?? this.channelName !== undefined;
  }

  protected connect(context: SourceContext): void {
    const target = this.given ?? (new BroadcastChannel(this.channelName!) as unknown as MessageTargetLike);
    this.target = target;
    target.addEventListener("message", this.onMessage);
    target.addEventListener("messageerror", this.onMessageError);
    target.start?.();
    context.reportStarted();
  }

  protected disconnect(): void {
    const target = this.target;
    if (!target) return;
    target.removeEventListener("message", this.onMessage);
    target.removeEventListener("messageerror", this.onMessageError);
    if (this.closeOnStop) target.close?.();
  }

  private readonly onMessage = (event: MessageEventLike): void => {
    const data = event.data;
    if (this.filter && !this.filter(data)) return;
    this.deliver([data as T]);
  };

  private readonly onMessageError = (): void => this.dropUnreadable("a message that could not be deserialized (messageerror)");
}
