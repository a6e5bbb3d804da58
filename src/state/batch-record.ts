import { RivuletError } from "../core/errors.ts";
import { asFailure, isCorrupt } from "./checkpoint.ts";
import { decodeValue, encodeValue } from "./codec.ts";
import { frame, unframe } from "./format.ts";
import type { CheckpointStore } from "./store.ts";

/**
 * Small records written between checkpoints, one per batch: `batch-<time, 16 digits>`, named and
 * framed as checkpoints are (see checkpoint.ts), so that name order is time order and a torn or
 * corrupt record is detected. They live beside the checkpoints in the same store.
 */
const PREFIX = "batch-";
const NAME = /^batch-(\d{16})$/;

export interface ReadBatchRecords {
  /** The readable records, oldest first. */
  records: { time: number; value: unknown }[];
  /** Records that could not be read, oldest first, with why. */
  skipped: { name: string; reason: string }[];
}

export function batchRecordName(time: number): string {
  if (!Number.isSafeInteger(time) || time < 0) {
    throw new RivuletError("INVALID_ARGUMENT", `A batch time must be a non-negative safe integer, got ${time}`);
  }
  return PREFIX + String(time).padStart(16, "0");
}

/** Writes `value` as the record of the batch at `time` (one atomic put; an older one is replaced). */
export async function writeBatchRecord(time: number, value: unknown, store: CheckpointStore): Promise<void> {
  const name = batchRecordName(time);
  const bytes = frame(encodeValue(value));
  try {
    await store.put(name, bytes);
  } catch (error) {
    throw asFailure(error, `Could not write ${name}`);
  }
}

/**
 * The records of the batches after `afterTime`. One that does not read back whole (torn, corrupt,
 * deleted while reading) is skipped and reported in `skipped`; a failure of the store itself
 * rejects, as for checkpoints.
 */
export async function readBatchRecords(afterTime: number, store: CheckpointStore): Promise<ReadBatchRecords> {
  const out: ReadBatchRecords = { records: [], skipped: [] };
  for (const time of await recordTimes(store)) {
    if (time <= afterTime) continue;
    const name = batchRecordName(time);
    let bytes: Uint8Array | undefined;
    try {
      bytes = await store.get(name);
    } catch (error) {
      if (isCorrupt(error)) {
        out.skipped.push({ name, reason: error.message });
        continue;
      }
      throw asFailure(error, `Could not read ${name}`);
    }
    if (bytes === undefined) {
      out.skipped.push({ name, reason: "deleted while reading" });
      continue;
    }
    try {
      out.records.push({ time, value: decodeValue(unframe(bytes)) });
    } catch (error) {
      out.skipped.push({ name, reason: error instanceof Error ? error.message : String(error) });
    }
  }
  return out;
}

/**
 * Deletes the records of the batches up to `throughTime` (every record without it). Resolves
 * with whether records of later batches remain.
 */
export async function deleteBatchRecords(store: CheckpointStore, throughTime = Infinity): Promise<boolean> {
  try {
    let later = false;
    for (const time of await recordTimes(store)) {
      if (time <= throughTime) await store.delete(batchRecordName(time));
      else later = true;
    }
    return later;
  } catch (error) {
    throw asFailure(error, "Could not delete the records of checkpointed batches");
  }
}

async function recordTimes(store: CheckpointStore): Promise<number[]> {
  let names: string[];
  try {
    names = await store.list();
  } catch (error) {
    throw asFailure(error, "Could not list the batch records");
  }
  const times: number[] = [];
  for (const name of names) {
    const match = NAME.exec(name);
    if (match === null) continue;
    const time = Number(match[1]);
    if (Number.isSafeInteger(time)) times.push(time);
  }
  return times.sort((a, b) => a - b);
}

