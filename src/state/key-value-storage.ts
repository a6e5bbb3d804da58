/**
 * What `KeyValueCheckpointStore` needs of a key-value database: single-value reads, atomic batch
 * writes with an optional "only while this key exists" guard, and key listing by prefix. Edge
 * storage has exactly this shape (a Durable Object's `state.storage`, Deno KV); adapters for those
 * are `durableObjectStorage` and `denoKv`, and any other database with the same guarantees can be
 * plugged in by implementing this interface.
 *
 * Keys are strings of segments joined by `/`; segments are never empty and never contain `/`, so
 * an adapter may map a key onto its database's own key structure (Deno KV's key arrays, say).
 */
export interface KeyValueStorage {
  /** What one `write` may hold; the store never exceeds these. */
  readonly limits: KeyValueStorageLimits;
  /** The value under `key`, or undefined when there is none. */
  get(key: string): Promise<Uint8Array | undefined>;
  /**
   * Applies the whole batch or nothing, atomically: after a crash at any moment, either every put
   * and delete of the batch is visible or none is. With `ifPresent`, the batch is applied only if
   * that key exists when it commits, checked in the same atomic step; then the promise resolves to
   * false and nothing is written. Deleting a key that does not exist is not an error.
   */
  write(batch: KeyValueBatch): Promise<boolean>;
  /**
   * Every key that starts with `prefix`, in any order. `prefix` always ends in `/`. The store lists
   * only small entries (pointers and write records), never chunks of checkpoint data, so an
   * adapter whose database returns values along with keys need not page through megabytes.
   */
  list(prefix: string): Promise<string[]>;
}

/** One atomic write of `KeyValueStorage`. */
export interface KeyValueBatch {
  readonly put?: readonly (readonly [key: string, value: Uint8Array])[];
  readonly delete?: readonly string[];
  /** Apply the batch only while this key exists (a compare-and-set on its presence). */
  readonly ifPresent?: string;
}

/**
 * The database's limits on one atomic write. Entries are puts plus deletes; bytes are the UTF-8
 * length of every key (put, delete and `ifPresent`) plus the length of every value put. An adapter
 * whose database counts differently (per-key encoding overhead, say) declares limits that leave
 * room for the difference.
 */
export interface KeyValueStorageLimits {
  /** Largest value one key may hold, in bytes; checkpoints are cut into chunks of at most this. */
  readonly maxValueBytes: number;
  /** Most puts plus deletes in one `write`. */
  readonly maxBatchEntries: number;
  /** Most bytes in one `write` (`Infinity` when the database has no such limit). */
  readonly maxBatchBytes: number;
}
