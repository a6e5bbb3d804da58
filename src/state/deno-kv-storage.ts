import { RivuletError } from "../core/errors.ts";
import type { KeyValueBatch, KeyValueStorage, KeyValueStorageLimits } from "./key-value-storage.ts";

/** A Deno KV key (`Deno.KvKey`). */
export type DenoKvKey = readonly (string | number | bigint | boolean | symbol | Uint8Array)[];

/** The part of a `Deno.Kv` (from `Deno.openKv()`) that `denoKv` uses. */
export interface DenoKvLike {
  get(key: DenoKvKey): Promise<{ readonly value: unknown; readonly versionstamp: string | null }>;
  list(selector: { readonly prefix: DenoKvKey }): AsyncIterable<{ readonly key: DenoKvKey }>;
  atomic(): DenoKvAtomicLike;
}

/** The part of a `Deno.AtomicOperation` that `denoKv` uses. */
export interface DenoKvAtomicLike {
  check(...checks: { readonly key: DenoKvKey; readonly versionstamp: string | null }[]): DenoKvAtomicLike;
  set(key: DenoKvKey, value: unknown): DenoKvAtomicLike;
  delete(key: DenoKvKey): DenoKvAtomicLike;
  commit(): Promise<{ readonly ok: boolean }>;
}

/**
 * Deno KV's limits (`ext/kv/config.rs` in denoland/deno, the defaults of `KvConfig`, the same as
 * Deno Deploy's): a value of at most 65536 bytes; at most 1000 mutations and 100 checks in one
 * atomic operation; at most 819200 bytes in one, counted as every check's and mutation's encoded
 * key, plus the key again and the value of every set; at most 81920 bytes of keys of sets; keys
 * of at most 2048 bytes.
 *
 * The store counts a batch's keys once and unencoded. Its keys have at most four segments, which
 * Deno encodes in at most 5 more bytes than the string, and its batches of sets are chunks of
 * 64 KiB (at most 12 in a batch, with keys of at most a few hundred bytes), so 8 KiB below Deno's
 * total leaves room for the second count of each key and the encoding.
 */
const LIMITS: KeyValueStorageLimits = Object.freeze({
  maxValueBytes: 65536,
  maxBatchEntries: 1000,
  maxBatchBytes: 819200 - 8192,
});

const adapters = new WeakMap<DenoKvLike, KeyValueStorage>();

/**
 * A `KeyValueStorage` on Deno KV, for `KeyValueCheckpointStore`:
 *
 * ```ts
 * const kv = await Deno.openKv(); // --unstable-kv outside Deno Deploy
 * const store = new KeyValueCheckpointStore(denoKv(kv), { prefix: "clicks" });
 * ```
 *
 * A key `a/b/c` is the Deno KV key `["a", "b", "c"]`. Each write is one `kv.atomic()` operation;
 * its guard (`ifPresent`) is a versionstamp check of that key, so it holds across processes. The
 * same `Deno.Kv` always gives the same adapter, so every store made on it shares one queue of
 * operations.
 */
export function denoKv(kv: DenoKvLike): KeyValueStorage {
  if (typeof kv !== "object" || kv === null || typeof kv.atomic !== "function" || typeof kv.list !== "function") {
    throw new RivuletError("INVALID_ARGUMENT", "denoKv needs a Deno.Kv (from Deno.openKv())");
  }
  let adapter = adapters.get(kv);
  if (adapter === undefined) adapters.set(kv, (adapter = adapt(kv)));
  return adapter;
}

function adapt(kv: DenoKvLike): KeyValueStorage {
  return {
    limits: LIMITS,

    async get(key) {
      const entry = await kv.get(key.split("/"));
      if (entry.versionstamp === null) return undefined;
      if (entry.value instanceof Uint8Array) return entry.value;
      const held = Object.prototype.toString.call(entry.value);
      throw new RivuletError(
        "CHECKPOINT_CORRUPT",
        `Deno KV key ${JSON.stringify(key.split("/"))} holds ${held}, not a Uint8Array: another writer uses the same keys`,
      );
    },

    async write(batch: KeyValueBatch) {
      let operation = kv.atomic();
      if (batch.ifPresent !== undefined) {
        const guard = batch.ifPresent.split("/");
        const { versionstamp } = await kv.get(guard);
        if (versionstamp === null) return false;
        operation = operation.check({ key: guard, versionstamp });
      }
      for (const [key, value] of batch.put ?? []) operation = operation.set(key.split("/"), value);
      for (const key of batch.delete ?? []) operation = operation.delete(key.split("/"));
      return (await operation.commit()).ok;
    },

    async list(prefix) {
      if (!prefix.endsWith("/")) {
        throw new RivuletError("INVALID_ARGUMENT", `denoKv lists whole key segments: a prefix must end in "/", got ${JSON.stringify(prefix)}`);
      }
      const keys: string[] = [];
      for await (const { key } of kv.list({ prefix: prefix.slice(0, -1).split("/") })) {
        // Keys of other shapes under the same prefix are not the store's.
        if (key.every((part) => typeof part === "string")) keys.push(key.join("/"));
      }
      return keys;
    },
  };
}
