import { encodeValue } from "./codec.ts";
import { frame } from "./format.ts";
import { asFailure, entryName, entryTimes, readEntry } from "./numbered-entries.ts";
import type { CheckpointStore } from "./store.ts";

/**
 * Small records written between checkpoints, one per batch: `batch-<time, 16 digits>`, named and
 * framed as checkpoints are (see checkpoint.ts), so that name order is time order and a torn or
 * corrupt record is detected. They live beside the checkpoints in the same store.
 */
const PREFIX = "batch-";

export interface ReadBatchRecords {
  /** The readable records, oldest first. */
  records: { time: number; value: unknown }[];
  /** Records that could not be read, oldest first, with why. */
  skipped: { name: string; reason: string }[];
}

export function batchRecordName(time: number): string {
  return entryName(PREFIX, time, "batch");
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
    const read = await readEntry(store, name, `Could not read ${name}`);
    if ("value" in read) out.records.push({ time, value: read.value });
    else out.skipped.push({ name, reason: read.skipped });
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
  try {
    return await entryTimes(store, PREFIX);
  } catch (error) {
    throw asFailure(error, "Could not list the batch records");
  }
}
