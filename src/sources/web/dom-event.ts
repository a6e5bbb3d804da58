import { RivuletError } from "../../core/errors.ts";
import type { SourceContext } from "../../dstream/input.ts";
import { PushedSource, type PushedSourceOptions } from "./pushed-source.ts";

/** Anything that dispatches events: an element, `document`, `window`, a worker scope, any `EventTarget`. */
export interface EventTargetLike {
  addEventListener(type: string, listener: (event: Event) => void): void;
  removeEventListener(type: string, listener: (event: Event) => void): void;
}

export type EventStreamOptions = Omit<PushedSourceOptions, "closeOnStop">;

const NAME = "eventStream";

/**
 * `eventStream(target, types, select)`: the events a page (or any `EventTarget`) dispatches, each
 * made into a record by `select` at once, while the event is being dispatched: afterwards its
 * `currentTarget` is null and `composedPath()` empty, and a kept event would keep its DOM nodes
 * alive. `select` returning `undefined` skips the event; one that throws has the event dropped,
 * counted (`selectErrors`) and the first such error reported. Events cannot be paused, so records
 * wait in a bounded buffer (see `PushedSource`). Stopping the context removes the listeners.
 */
export class EventTargetSource<E extends Event, T> extends PushedSource<T> {
  readonly name = NAME;
  private readonly target: EventTargetLike;
  private readonly types: readonly string[];
  private readonly select: (event: E) => T | undefined;
  private selectFailed = 0;

  constructor(target: EventTargetLike, types: string | readonly string[], select: (event: E) => T | undefined, options: EventStreamOptions = {}) {
    super(options);
    if (typeof (target as Partial<EventTargetLike> | null)?.addEventListener !== "function") {
      throw new RivuletError("INVALID_ARGUMENT", `${NAME} takes an EventTarget (an element, document, window, or any object with addEventListener)`);
    }
    const list = typeof types === "string" ? [types] : types;
    if (!Array.isArray(list) || list.length === 0 || !list.every((t) => typeof t === "string" && t.length > 0)) {
      throw new RivuletError("INVALID_ARGUMENT", `${NAME}: the event types must be a non-empty string or a non-empty array of them`);
    }
    if (typeof select !== "function") throw new RivuletError("INVALID_ARGUMENT", `${NAME}: select must be a function of the event that gives its record`);
    this.target = target;
    this.types = [...new Set(list)];
    this.select = select;
  }

  protected connect(context: SourceContext): void {
    for (const type of this.types) this.target.addEventListener(type, this.onEvent);
    context.reportStarted();
  }

  protected disconnect(): void {
    for (const type of this.types) this.target.removeEventListener(type, this.onEvent);
  }

  protected override counters(): Readonly<Record<string, number>> {
    return { selectErrors: this.selectFailed };
  }

  /** The event's type is the caller's to name (`select`'s parameter), as with `addEventListener`'s string overload. */
  private readonly onEvent = (event: Event): void => {
    let record: T | undefined;
    try {
      record = this.select(event as E);
    } catch (error) {
      if (this.selectFailed++ === 0) {
        const message = `${NAME}: select failed on a ${event.type} event (${error instanceof Error ? error.message : String(error)}); such events are dropped and counted in selectErrors`;
        this.context?.reportError(message, error);
      }
      return;
    }
    if (record !== undefined) this.deliver([record]);
  };
}
