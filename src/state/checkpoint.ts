import { RivuletError } from "../core/errors.ts";
import { decodeValue, encodeValue } from "./codec.ts";
import type { EncodingCache } from "./encoding-cache.ts";
import { frame, unframe } from "./format.ts";
import type { CheckpointStore } from "./store.ts";

/**
 * Checkpoints as numbered entries of a store: `checkpoint-<time, 16 digits>`. Zero-padding makes
 * name order time order in any listing, and 16 digits hold every safe integer. Other names in the
 * same store (a write-ahead log, say) are left alone.
 */
const PREFIX = "checkpoint-";
const NAME = /^checkpoint-(\d{16})$/;

export interface RecoveredCheckpoint {
  time: number;
  value: unknown;
  /** Newer checkpoints that could not be used, newest first, with why. */
  skipped: { name: string; reason: string }[];
}

export function checkpointName(time: number): string {
  if (!Number.isSafeInteger(time) || time < 0) {
    throw new RivuletError("INVALID_ARGUMENT", `A checkpoint time must be a non-negative safe integer, got ${time}`);
  }
  return PREFIX + String(time).padStart(16, "0");
}

/**
 * Writes `value` as the checkpoint of `time`, then deletes old checkpoints so that `keep` remain
 * (with `cache`, the pieces in `value` are encoded once across checkpoints).
 * Nothing is deleted unless the write succeeded, so a failed write leaves the previous checkpoint
 * in place. Checkpoints newer than `time` are deleted too: they belong to a run that was abandoned
 * (recovery fell back past them, or the clock restarted), and leaving them would make
 * `readLatestCheckpoint` return them instead of this one.
 */
export async function writeCheckpoint(
  time: number,
  value: unknown,
  store: CheckpointStore,
  keep = 2,
  cache?: EncodingCache,
): Promise<void> {
  const name = checkpointName(time);
  if (!Number.isSafeInteger(keep) || keep < 1) {
    throw new RivuletError("INVALID_ARGUMENT", `keep must be a positive integer, got ${keep}`);
  }
  const bytes = frame(encodeValue(value, cache));
  try {
    await store.put(name, bytes);
  } catch (error) {
    throw asFailure(error, `Could not write checkpoint ${name}`);
  }
  try {
    const times = await checkpointTimes(store);
    const retained = times.filter((t) => t <= time).slice(-keep);
    for (const t of times) {
      if (!retained.includes(t)) await store.delete(checkpointName(t));
    }
  } catch (error) {
    throw asFailure(error, `Checkpoint ${name} was written, but deleting older checkpoints failed`);
  }
}

/**
 * The newest checkpoint that reads back whole. A corrupt one (bad frame, bad payload) is skipped
 * in favour of the one before it and reported in `skipped`; a failure of the store itself is not
 * skipped but rejected, since falling back to older state because of an I/O error would be silent
 * data loss. Undefined when there is no valid checkpoint.
 */
export async function readLatestCheckpoint(store: CheckpointStore): Promise<RecoveredCheckpoint | undefined> {
  let times: number[];
  try {
    times = await checkpointTimes(store);
  } catch (error) {
    throw asFailure(error, "Could not list checkpoints");
  }
  const skipped: { name: string; reason: string }[] = [];
  for (let i = times.length - 1; i >= 0; i--) {
    const time = times[i]!;
    const name = checkpointName(time);
    let bytes: Uint8Array | undefined;
    try {
      bytes = await store.get(name);
    } catch (error) {
      if (isCorrupt(error)) {
        skipped.push({ name, reason: error.message });
        continue;
      }
      throw asFailure(error, `Could not read checkpoint ${name}`);
    }
    if (bytes === undefined) {
      // Listed, then gone: deleted by a concurrent cleanup.
      skipped.push({ name, reason: "deleted while reading" });
      continue;
    }
    try {
      return { time, value: decodeValue(unframe(bytes)), skipped };
    } catch (error) {
      skipped.push({ name, reason: error instanceof Error ? error.message : String(error) });
    }
  }
  return undefined;
}

/** Times of the checkpoints in `store`, ascending. */
export async function listCheckpoints(store: CheckpointStore): Promise<number[]> {
  try {
    return await checkpointTimes(store);
  } catch (error) {
    throw asFailure(error, "Could not list checkpoints");
  }
}

async function checkpointTimes(store: CheckpointStore): Promise<number[]> {
  const times: number[] = [];
  for (const name of await store.list()) {
    const match = NAME.exec(name);
    if (match !== null) {
      const time = Number(match[1]);
      if (Number.isSafeInteger(time)) times.push(time);
    }
  }
  return times.sort((a, b) => a - b);
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
