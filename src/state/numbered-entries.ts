import { RivuletError } from "../core/errors.ts";
import { decodeValue } from "./codec.ts";
import { unframe } from "./format.ts";
import type { CheckpointStore } from "./store.ts";

/**
 * Entries of a store numbered by batch time, `<prefix><time, 16 digits>` (checkpoints, batch
 * records). Zero-padding makes name order time order in any listing, and 16 digits hold every
 * safe integer. Names with other prefixes in the same store are left alone.
 */
export function entryName(prefix: string, time: number, what: string): string {
  if (!Number.isSafeInteger(time) || time < 0) {
    throw new RivuletError("INVALID_ARGUMENT", `A ${what} time must be a non-negative safe integer, got ${time}`);
  }
  return prefix + String(time).padStart(16, "0");
}

/** The times of the entries named `<prefix><16 digits>`, ascending. */
export async function entryTimes(store: CheckpointStore, prefix: string): Promise<number[]> {
  const times: number[] = [];
  for (const name of await store.list()) {
    if (name.length !== prefix.length + 16 || !name.startsWith(prefix)) continue;
    const digits = name.slice(prefix.length);
    if (!/^\d{16}$/.test(digits)) continue;
    const time = Number(digits);
    if (Number.isSafeInteger(time)) times.push(time);
  }
  return times.sort((a, b) => a - b);
}

/** An entry read back whole, or why it cannot be used. */
export type EntryRead = { readonly value: unknown } | { readonly skipped: string };

/**
 * The decoded value of the entry `name`. One that does not read back whole (torn, corrupt,
 * deleted since it was listed) is `skipped` with why; a failure of the store itself rejects with
 * `CHECKPOINT_FAILED` (`failure` says what was being read), since taking it for a missing entry
 * would silently fall back to older state.
 */
export async function readEntry(store: CheckpointStore, name: string, failure: string): Promise<EntryRead> {
  let bytes: Uint8Array | undefined;
  try {
    bytes = await store.get(name);
  } catch (error) {
    if (isCorrupt(error)) return { skipped: error.message };
    throw asFailure(error, failure);
  }
  if (bytes === undefined) return { skipped: "deleted while reading" };
  try {
    return { value: decodeValue(unframe(bytes)) };
  } catch (error) {
    // An unregistered class is this run's mistake, not damage: an older entry would hold it too.
    if (error instanceof RivuletError && error.code === "CHECKPOINT_MISMATCH") throw error;
    return { skipped: error instanceof Error ? error.message : String(error) };
  }
}

export function isCorrupt(error: unknown): error is RivuletError {
  return error instanceof RivuletError && error.code === "CHECKPOINT_CORRUPT";
}

/**
 * One flat cause chain whatever the store: when the store already wrapped its platform error (the
 * IndexedDB store wraps a DOMException), that platform error becomes the cause, so callers can
 * test `cause.name === "QuotaExceededError"` without knowing which store failed.
 */
export function asFailure(error: unknown, message: string): RivuletError {
  if (error instanceof RivuletError) {
    const cause = error.code === "CHECKPOINT_FAILED" && error.cause !== undefined ? error.cause : error;
    return new RivuletError("CHECKPOINT_FAILED", `${message}: ${error.message}`, { cause });
  }
  const detail = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return new RivuletError("CHECKPOINT_FAILED", `${message}: ${detail}`, { cause: error });
}
