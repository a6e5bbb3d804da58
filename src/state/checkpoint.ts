import { RivuletError } from "../core/errors.ts";
import { encodeValue } from "./codec.ts";
import type { EncodingCache } from "./encoding-cache.ts";
import { frame } from "./format.ts";
import { asFailure, entryName, entryTimes, readEntry } from "./numbered-entries.ts";
import type { CheckpointStore } from "./store.ts";

/** Checkpoints as numbered entries of a store: `checkpoint-<time, 16 digits>` (see numbered-entries.ts). */
const PREFIX = "checkpoint-";

export interface RecoveredCheckpoint {
  time: number;
  value: unknown;
  /** Newer checkpoints that could not be used, newest first, with why. */
  skipped: { name: string; reason: string }[];
}

export function checkpointName(time: number): string {
  return entryName(PREFIX, time, "checkpoint");
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
  attempts = 1,
): Promise<void> {
  const name = checkpointName(time);
  if (!Number.isSafeInteger(keep) || keep < 1) {
    throw new RivuletError("INVALID_ARGUMENT", `keep must be a positive integer, got ${keep}`);
  }
  const bytes = frame(encodeValue(value, cache));
  // The value is encoded once; only the store's write is tried again (Spark's checkpoint writer
  // makes up to 3 attempts): a put is atomic, so a failed one leaves nothing half written.
  for (let attempt = 1; ; attempt++) {
    try {
      await store.put(name, bytes);
      break;
    } catch (error) {
      if (attempt >= attempts) throw asFailure(error, `Could not write checkpoint ${name}${attempts > 1 ? ` (${attempts} attempts)` : ""}`);
    }
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
 * data loss. Undefined when there is no valid checkpoint; with `strict`, a store whose every
 * checkpoint is unreadable is refused with `CHECKPOINT_CORRUPT` naming them (Spark's
 * "Failed to read checkpoint from directory"), rather than taken for an empty one.
 */
export async function readLatestCheckpoint(store: CheckpointStore, strict = false): Promise<RecoveredCheckpoint | undefined> {
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
    const read = await readEntry(store, name, `Could not read checkpoint ${name}`);
    if ("value" in read) return { time, value: read.value, skipped };
    skipped.push({ name, reason: read.skipped });
  }
  if (strict && skipped.length > 0) {
    throw new RivuletError(
      "CHECKPOINT_CORRUPT",
      `Failed to read a checkpoint from the store: ${skipped.map(({ name, reason }) => `${name} (${reason})`).join(", ")}; ` +
        "getOrCreate(store, factory, { createOnError: true }) starts afresh instead, without their state",
    );
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

function checkpointTimes(store: CheckpointStore): Promise<number[]> {
  return entryTimes(store, PREFIX);
}

