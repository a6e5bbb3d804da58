import type { KeyValueStorage } from "./key-value-storage.ts";

/**
 * The operations on one prefix of one storage, one at a time, shared by every store over that
 * storage and prefix in this realm. A Durable Object that makes a store per request gets several
 * stores over one storage; if their operations interleaved, one store's cleanup could take over
 * the write another is in the middle of, and make it fail.
 */
export class Lane {
  /** Whether a write may have been interrupted since the last cleanup (true until the first one). */
  needsCleanup = true;
  #tail: Promise<void> = Promise.resolve();

  /** Runs `action` after every action queued before it has settled. */
  async run<T>(action: () => Promise<T>): Promise<T> {
    const previous = this.#tail;
    let release!: () => void;
    this.#tail = new Promise((resolve) => (release = resolve));
    await previous;
    try {
      return await action();
    } finally {
      release();
    }
  }
}

const lanes = new WeakMap<KeyValueStorage, Map<string, Lane>>();

export function laneOf(storage: KeyValueStorage, prefix: string): Lane {
  let byPrefix = lanes.get(storage);
  if (byPrefix === undefined) lanes.set(storage, (byPrefix = new Map()));
  let lane = byPrefix.get(prefix);
  if (lane === undefined) byPrefix.set(prefix, (lane = new Lane()));
  return lane;
}
