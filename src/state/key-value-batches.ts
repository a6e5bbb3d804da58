import { RivuletError } from "../core/errors.ts";
import { MAX_KEY_BYTES } from "./key-value-layout.ts";
import type { KeyValueBatch, KeyValueStorageLimits } from "./key-value-storage.ts";

/**
 * The smallest limits the store can work with: a write record (a name and two generation ids, a
 * few hundred bytes of JSON) must fit in one value, and moving one record (a put, a delete and a
 * guard key) must fit in one batch.
 */
const MIN_VALUE_BYTES = 1024;
const MIN_BATCH_ENTRIES = 2;
const MIN_BATCH_BYTES = MIN_VALUE_BYTES + 3 * MAX_KEY_BYTES;

/** Throws INVALID_ARGUMENT unless `limits` are numbers the store can work with. */
export function assertLimits(limits: KeyValueStorageLimits | undefined): void {
  const { maxValueBytes, maxBatchEntries, maxBatchBytes } = limits ?? ({} as Partial<KeyValueStorageLimits>);
  const atLeast = (value: number | undefined, min: number) => Number.isSafeInteger(value) && value! >= min;
  const problems = [
    atLeast(maxValueBytes, MIN_VALUE_BYTES) ? "" : `maxValueBytes must be an integer >= ${MIN_VALUE_BYTES}`,
    atLeast(maxBatchEntries, MIN_BATCH_ENTRIES) ? "" : `maxBatchEntries must be an integer >= ${MIN_BATCH_ENTRIES}`,
    typeof maxBatchBytes === "number" && maxBatchBytes >= MIN_BATCH_BYTES ? "" : `maxBatchBytes must be a number >= ${MIN_BATCH_BYTES}`,
  ].filter((p) => p !== "");
  if (problems.length > 0) {
    throw new RivuletError("INVALID_ARGUMENT", `Invalid KeyValueStorage limits ${JSON.stringify(limits)}: ${problems.join("; ")}`);
  }
}

/** How many bytes of a checkpoint go in one chunk: a chunk and its key must fit in a batch. */
export function chunkSize(limits: KeyValueStorageLimits): number {
  return Math.min(limits.maxValueBytes, limits.maxBatchBytes - 2 * MAX_KEY_BYTES);
}

/**
 * `bytes` cut into chunks of `size`, each a copy: a copy cannot change when the caller reuses its
 * array while the write is queued, and a structured-clone database (Durable Objects) would store
 * a view's whole underlying buffer.
 */
export function cut(bytes: Uint8Array, size: number): Uint8Array[] {
  const chunks: Uint8Array[] = [];
  for (let start = 0; start < bytes.length; start += size) chunks.push(bytes.slice(start, start + size));
  return chunks;
}

/** Puts, then deletes, packed greedily into as few batches as the limits allow. */
export function batches(
  puts: readonly (readonly [string, Uint8Array])[],
  deletes: readonly string[],
  limits: KeyValueStorageLimits,
): KeyValueBatch[] {
  const out: { put: (readonly [string, Uint8Array])[]; delete: string[] }[] = [];
  let current = { put: [] as (readonly [string, Uint8Array])[], delete: [] as string[] };
  let entries = 0;
  let bytes = 0;
  const add = (size: number): void => {
    if (entries > 0 && (entries + 1 > limits.maxBatchEntries || bytes + size > limits.maxBatchBytes)) {
      out.push(current);
      current = { put: [], delete: [] };
      entries = 0;
      bytes = 0;
    }
    entries++;
    bytes += size;
  };
  for (const entry of puts) {
    add(entry[0].length + entry[1].length);
    current.put.push(entry);
  }
  for (const key of deletes) {
    add(key.length);
    current.delete.push(key);
  }
  if (entries > 0) out.push(current);
  return out;
}
