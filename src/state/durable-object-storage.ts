import { RivuletError } from "../core/errors.ts";
import type { KeyValueBatch, KeyValueStorage, KeyValueStorageLimits } from "./key-value-storage.ts";

/**
 * The part of a Durable Object's `ctx.storage` (`DurableObjectStorage`) that `durableObjectStorage`
 * uses: its asynchronous key-value API, on either storage backend (SQLite or key-value).
 */
export interface DurableObjectStorageLike {
  get(key: string): Promise<unknown>;
  list(options: { prefix: string; startAfter?: string; limit?: number }): Promise<Map<string, unknown>>;
  transaction<T>(closure: (transaction: DurableObjectTransactionLike) => Promise<T>): Promise<T>;
}

/** The part of a `DurableObjectTransaction` that `durableObjectStorage` uses. */
export interface DurableObjectTransactionLike {
  get(key: string): Promise<unknown>;
  put(entries: Record<string, unknown>): Promise<void>;
  delete(keys: string[]): Promise<number>;
}

/**
 * Cloudflare's limits on the key-value API of Durable Object storage (developers.cloudflare.com,
 * "Durable Objects > Platform > Limits" and the storage API's `put(entries)`): a value of at most
 * 128 KiB (131072 bytes) on key-value-backed objects (2 MB with its key on SQLite-backed ones, so
 * 128 KiB suits both); at most 128 key-value pairs in one `put(entries)`, and as many keys in one
 * `delete(keys)`. The value limit is on the structured-clone serialization, which workerd allows
 * 34 bytes over the advertised size for exactly this, so a Uint8Array of 131072 bytes fits. One
 * call is one transaction; there is no documented limit on its total size.
 */
const LIMITS: KeyValueStorageLimits = Object.freeze({
  maxValueBytes: 128 * 1024,
  maxBatchEntries: 128,
  maxBatchBytes: Number.POSITIVE_INFINITY,
});

/** Keys per `list` call: one page of pointers or write records, values included. */
const LIST_PAGE = 1000;

const adapters = new WeakMap<DurableObjectStorageLike, KeyValueStorage>();

/**
 * A `KeyValueStorage` on a Durable Object's storage, for `KeyValueCheckpointStore`:
 *
 * ```ts
 * export class Job extends DurableObject {
 *   store = new KeyValueCheckpointStore(durableObjectStorage(this.ctx.storage), { prefix: "clicks" });
 * }
 * ```
 *
 * Each write is one storage transaction, whose guard (`ifPresent`) is read inside it. Values are
 * Uint8Arrays, stored by structured clone. The same storage always gives the same adapter, so
 * every store made on it (one per request, say) shares one queue of operations.
 */
export function durableObjectStorage(storage: DurableObjectStorageLike): KeyValueStorage {
  if (typeof storage !== "object" || storage === null || typeof storage.transaction !== "function" || typeof storage.list !== "function") {
    throw new RivuletError("INVALID_ARGUMENT", "durableObjectStorage needs a Durable Object's storage (ctx.storage)");
  }
  let adapter = adapters.get(storage);
  if (adapter === undefined) adapters.set(storage, (adapter = adapt(storage)));
  return adapter;
}

function adapt(storage: DurableObjectStorageLike): KeyValueStorage {
  return {
    limits: LIMITS,

    async get(key) {
      return bytesOf(key, await storage.get(key));
    },

    write(batch: KeyValueBatch) {
      return storage.transaction(async (transaction) => {
        if (batch.ifPresent !== undefined && (await transaction.get(batch.ifPresent)) === undefined) return false;
        if (batch.put !== undefined && batch.put.length > 0) await transaction.put(Object.fromEntries(batch.put));
        if (batch.delete !== undefined && batch.delete.length > 0) await transaction.delete([...batch.delete]);
        return true;
      });
    },

    async list(prefix) {
      const keys: string[] = [];
      for (;;) {
        const after = keys.at(-1);
        const page = await storage.list({ prefix, limit: LIST_PAGE, ...(after === undefined ? {} : { startAfter: after }) });
        keys.push(...page.keys());
        if (page.size < LIST_PAGE) return keys;
      }
    },
  };
}

function bytesOf(key: string, value: unknown): Uint8Array | undefined {
  if (value === undefined || value instanceof Uint8Array) return value;
  throw new RivuletError(
    "CHECKPOINT_CORRUPT",
    `Durable Object storage key ${key} holds ${Object.prototype.toString.call(value)}, not a Uint8Array: another writer uses the same keys`,
  );
}
