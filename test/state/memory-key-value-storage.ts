import type { KeyValueBatch, KeyValueStorage, KeyValueStorageLimits } from "../../src/state/key-value-storage.ts";

/** One call the store made, as fault hooks see it. */
export type StorageOperation =
  | { readonly kind: "get"; readonly key: string }
  | { readonly kind: "write"; readonly batch: KeyValueBatch }
  | { readonly kind: "list"; readonly prefix: string };

/** Small limits, so that a few KiB make a multi-chunk, multi-batch checkpoint. */
export const SMALL_LIMITS: KeyValueStorageLimits = { maxValueBytes: 1024, maxBatchEntries: 3, maxBatchBytes: 3000 };

/** What a crashed process's storage throws at every call from then on. */
export class Crash extends Error {
  constructor() {
    super("the process crashed");
    this.name = "Crash";
  }
}

/**
 * A `KeyValueStorage` in a Map, for tests. It enforces its limits the way a real database does
 * (a write over a limit throws and changes nothing), writes atomically, and copies values in and
 * out. Several instances over one `data` Map are several processes sharing one database; a new
 * instance over the Map of a crashed one is the restarted process.
 *
 * `before` runs before every call and may throw (the call then fails and changes nothing) or
 * wait (to interleave two processes deterministically).
 */
export class MemoryKeyValueStorage implements KeyValueStorage {
  readonly data: Map<string, Uint8Array>;
  readonly limits: KeyValueStorageLimits;
  readonly #before: ((operation: StorageOperation) => void | Promise<void>) | undefined;
  /** Every write this instance applied, in order. */
  readonly writes: KeyValueBatch[] = [];

  constructor(
    data = new Map<string, Uint8Array>(),
    limits: KeyValueStorageLimits = SMALL_LIMITS,
    before?: (operation: StorageOperation) => void | Promise<void>,
  ) {
    this.data = data;
    this.limits = limits;
    this.#before = before;
  }

  async get(key: string): Promise<Uint8Array | undefined> {
    await this.#before?.({ kind: "get", key });
    return this.data.get(key)?.slice();
  }

  async write(batch: KeyValueBatch): Promise<boolean> {
    await this.#before?.({ kind: "write", batch });
    const puts = batch.put ?? [];
    const deletes = batch.delete ?? [];
    const utf8 = (s: string) => new TextEncoder().encode(s).length;
    const entries = puts.length + deletes.length;
    const bytes =
      puts.reduce((n, [key, value]) => n + utf8(key) + value.length, 0) +
      deletes.reduce((n, key) => n + utf8(key), 0) +
      (batch.ifPresent === undefined ? 0 : utf8(batch.ifPresent));
    if (entries === 0) throw new RangeError("empty batch");
    if (entries > this.limits.maxBatchEntries) throw new RangeError(`${entries} entries in one batch, over ${this.limits.maxBatchEntries}`);
    if (bytes > this.limits.maxBatchBytes) throw new RangeError(`${bytes} bytes in one batch, over ${this.limits.maxBatchBytes}`);
    for (const [key, value] of puts) {
      if (!(value instanceof Uint8Array)) throw new TypeError(`value of ${key} is not a Uint8Array`);
      if (value.length > this.limits.maxValueBytes) throw new RangeError(`value of ${key} has ${value.length} bytes, over ${this.limits.maxValueBytes}`);
    }
    for (const key of [...puts.map(([key]) => key), ...deletes]) {
      if (key.split("/").some((segment) => segment === "")) throw new RangeError(`key ${key} has an empty segment`);
    }
    if (batch.ifPresent !== undefined && !this.data.has(batch.ifPresent)) return false;
    for (const [key, value] of puts) this.data.set(key, value.slice());
    for (const key of deletes) this.data.delete(key);
    this.writes.push(batch);
    return true;
  }

  async list(prefix: string): Promise<string[]> {
    await this.#before?.({ kind: "list", prefix });
    if (!prefix.endsWith("/")) throw new RangeError(`list prefix ${prefix} does not end in "/"`);
    return [...this.data.keys()].filter((key) => key.startsWith(prefix));
  }
}

/** A `before` hook that lets `k` calls through, then throws `Crash` at every later call. */
export function crashAfter(k: number): () => void {
  let calls = 0;
  return () => {
    if (calls++ >= k) throw new Crash();
  };
}

/** A `before` hook that makes exactly call number `k` (0-based) fail, and no other. */
export function failOnce(k: number, error: () => Error = () => new Error("transient failure")): () => void {
  let calls = 0;
  return () => {
    if (calls++ === k) throw error();
  };
}

/** How many storage calls `action` makes on a fresh storage over a copy of `data`. */
export async function countCalls(
  data: Map<string, Uint8Array>,
  limits: KeyValueStorageLimits,
  action: (storage: KeyValueStorage) => Promise<unknown>,
): Promise<number> {
  let calls = 0;
  await action(new MemoryKeyValueStorage(copyOf(data), limits, () => void calls++));
  return calls;
}

export function copyOf(data: Map<string, Uint8Array>): Map<string, Uint8Array> {
  return new Map([...data].map(([key, value]) => [key, value.slice()]));
}
