/**
 * Spark's FileInputDStream bookkeeping, without any I/O: which modification times a batch may
 * take, and which files recent batches took. A file is new for the batch at `time` when
 *   threshold(time) < modifiedTime <= time   and it is not among the remembered selections,
 * where the ignore threshold is the later of the stream's start (with `newFilesOnly`) and the
 * trailing end of the remember window, `time - remember`. A selection is forgotten once the
 * threshold has passed every modification time in it, so forgetting never lets a file in twice.
 */
import { RivuletError } from "../core/errors.ts";

/** What a checkpoint keeps of a file stream: enough to skip, after a restart, what was taken. */
export interface FileStreamPosition {
  /** The last batch taken. */
  readonly batchTime: number;
  /** Files modified at or before this are not new (the start, with `newFilesOnly`; else -Infinity). */
  readonly startThreshold: number;
  /** The remembered selections: batch time, and the names that batch took. */
  readonly selected: readonly (readonly [number, readonly string[]])[];
}

export class FileWindow {
  /** How long selections are remembered, in ms: whole batches, at least one. */
  readonly rememberMs: number;
  private readonly intervalMs: number;
  private readonly newFilesOnly: boolean;
  private startThreshold = -Infinity;
  private lastBatch: number | undefined;
  private started = false;
  private readonly byBatch = new Map<number, readonly string[]>();
  private readonly recent = new Set<string>();

  constructor(intervalMs: number, minRememberMs: number, newFilesOnly: boolean) {
    this.intervalMs = intervalMs;
    this.newFilesOnly = newFilesOnly;
    this.rememberMs = intervalMs * Math.max(1, Math.ceil(minRememberMs / intervalMs));
  }

  /** The stream starts at `now`, unless a checkpoint said where it stands. */
  begin(now: number): void {
    if (this.started) return;
    this.started = true;
    if (this.newFilesOnly) this.startThreshold = now;
  }

  /** Files modified at or before this are not new for the batch at `time`. */
  threshold(time: number): number {
    // newFilesOnly = false: the first batch takes whatever is there, however old.
    if (this.lastBatch === undefined && !this.newFilesOnly) return -Infinity;
    return Math.max(this.startThreshold, time - this.rememberMs);
  }

  /**
   * The threshold of the next batch (or a bound below it before the first): files at or below it
   * will never be taken, so a listing need not read them.
   */
  nextThreshold(): number {
    return this.lastBatch === undefined ? this.startThreshold : this.threshold(this.lastBatch + this.intervalMs);
  }

  /** True when a batch still remembered took `name`. */
  remembered(name: string): boolean {
    return this.recent.has(name);
  }

  /** The batch at `time` took `names`; selections that can no longer matter are forgotten. */
  record(time: number, names: readonly string[]): void {
    this.lastBatch = time;
    this.byBatch.set(time, names);
    for (const name of names) this.recent.add(name);
    for (const [batch, taken] of this.byBatch) {
      // Every file of `batch` was modified at or before `batch`, so at or below the threshold now.
      if (batch >= time - this.rememberMs) continue;
      this.byBatch.delete(batch);
      for (const name of taken) this.recent.delete(name);
    }
  }

  /** Where the stream stands, as a plain value for checkpoints. */
  position(): FileStreamPosition | undefined {
    if (this.lastBatch === undefined) return undefined;
    return {
      batchTime: this.lastBatch,
      startThreshold: this.startThreshold,
      selected: [...this.byBatch].map(([time, names]) => [time, [...names]] as const),
    };
  }

  /** Takes back a checkpointed position (before the stream starts); storage is not trusted. */
  restore(position: unknown): void {
    if (position === null || position === undefined) return;
    const p = asPosition(position);
    this.started = true;
    this.startThreshold = p.startThreshold;
    this.lastBatch = p.batchTime;
    this.byBatch.clear();
    this.recent.clear();
    for (const [time, names] of p.selected) {
      this.byBatch.set(time, names);
      for (const name of names) this.recent.add(name);
    }
  }
}

/**
 * The files the batch at `time` took, as a recorded position lists them (its own batch when
 * `time` is omitted); undefined when the position does not list that batch or cannot be read.
 */
export function selectionAt(position: unknown, time?: number): readonly string[] | undefined {
  let p: FileStreamPosition;
  try {
    p = asPosition(position);
  } catch {
    return undefined;
  }
  const at = time ?? p.batchTime;
  return p.selected.find(([batch]) => batch === at)?.[1];
}

function asPosition(value: unknown): FileStreamPosition {
  const fail = (what: string): never => {
    throw new RivuletError("CHECKPOINT_CORRUPT", `the checkpointed position of a textFileStream is not one this version can read: ${what}`);
  };
  if (typeof value !== "object" || value === null) return fail("not an object");
  const p = value as Record<string, unknown>;
  if (typeof p.batchTime !== "number" || !Number.isFinite(p.batchTime)) fail("batchTime is missing");
  if (typeof p.startThreshold !== "number" || Number.isNaN(p.startThreshold)) fail("startThreshold is missing");
  if (!Array.isArray(p.selected)) return fail("selected is missing");
  for (const entry of p.selected as unknown[]) {
    if (!Array.isArray(entry) || entry.length !== 2 || typeof entry[0] !== "number" || !Array.isArray(entry[1])) fail("a selection is malformed");
    if (!(entry as unknown[][])[1]!.every((name) => typeof name === "string")) fail("a selected name is not a string");
  }
  return value as FileStreamPosition;
}
