import { RivuletError } from "../core/errors.ts";
import { batchRecordName, readBatchRecords } from "../state/batch-record.ts";
import type { CheckpointStore } from "../state/store.ts";
import type { CheckpointContent } from "./checkpointer.ts";

/** Version of what a batch record holds (the framing has its own version). */
export const BATCH_POSITIONS_VERSION = 1;

/**
 * What is recorded after a batch at which no checkpoint is due: where each input that can take a
 * batch again (`InputSource.takeUntil`) stood once the batch was taken. No data: a restart
 * regenerates the batch from the source, up to this position, as Spark regenerates a batch from
 * its recorded offset ranges.
 */
export interface BatchPositions {
  readonly contentVersion: number;
  /** The graph and zero time of the run that wrote it: a record is only used with their checkpoint. */
  readonly fingerprint: string;
  readonly zeroTime: number;
  readonly batchTime: number;
  /** Per input stream id, its source's position once the batch was taken. */
  readonly sources: readonly (readonly [number, unknown])[];
}

/** Per batch time, per input stream id, where the input stood once it first took that batch. */
export type ReplayPositions = ReadonlyMap<number, ReadonlyMap<number, unknown>>;

export interface RecoveredPositions {
  readonly positions: ReplayPositions;
  /** Records that could not be used, oldest first, with why. */
  readonly skipped: readonly { readonly name: string; readonly reason: string }[];
}

/**
 * The recorded positions of the batches after the checkpoint `content`. A record that is torn,
 * corrupt, or written by another graph or run is skipped and reported in `skipped`: its batch is
 * then taken as any new batch is.
 */
export async function readReplayPositions(content: CheckpointContent, store: CheckpointStore): Promise<RecoveredPositions> {
  const read = await readBatchRecords(content.checkpointTime, store);
  const skipped = [...read.skipped];
  const positions = new Map<number, Map<number, unknown>>();
  for (const { time, value } of read.records) {
    try {
      const record = asBatchPositions(value, time);
      if (record.fingerprint !== content.fingerprint || record.zeroTime !== content.zeroTime) {
        throw new RivuletError("CHECKPOINT_MISMATCH", "it was written by another graph or run than the checkpoint");
      }
      positions.set(time, new Map(record.sources));
    } catch (error) {
      skipped.push({ name: batchRecordName(time), reason: error instanceof Error ? error.message : String(error) });
    }
  }
  skipped.sort((a, b) => (a.name < b.name ? -1 : 1));
  return { positions, skipped };
}

/** Checks that a decoded record has the shape of `BatchPositions` (storage is not trusted). */
function asBatchPositions(value: unknown, time: number): BatchPositions {
  const fail = (what: string): never => {
    throw new RivuletError("CHECKPOINT_CORRUPT", `the batch record is not one this version can read: ${what}`);
  };
  if (typeof value !== "object" || value === null) return fail("not an object");
  const r = value as Record<string, unknown>;
  if (r.contentVersion !== BATCH_POSITIONS_VERSION) return fail(`content version ${String(r.contentVersion)}`);
  if (typeof r.fingerprint !== "string") fail("fingerprint is missing");
  if (typeof r.zeroTime !== "number") fail("zeroTime is missing");
  if (r.batchTime !== time) fail(`it is the record of batch ${String(r.batchTime)}`);
  if (!Array.isArray(r.sources)) return fail("sources is missing");
  for (const entry of r.sources as unknown[]) {
    if (!Array.isArray(entry) || entry.length !== 2 || typeof entry[0] !== "number") fail("a source entry is malformed");
  }
  return value as BatchPositions;
}
