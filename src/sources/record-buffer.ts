import type { RecordLog, Recovered } from "../dstream/input.ts";

/**
 * Where a logged source's taken records reach in its write-ahead log: every entry up to `seq` is
 * taken, and the first `skip` records of the entry after it. A plain number when `skip` is 0 (as
 * checkpoints always held before rate limits could cut an entry).
 */
export type LogPosition = number | { readonly seq: number; readonly skip: number };

/** Reads a checkpointed `LogPosition`; anything else is no position. */
export function asLogPosition(position: unknown): { seq: number; skip: number } | undefined {
  if (typeof position === "number" && Number.isSafeInteger(position)) return { seq: position, skip: 0 };
  if (typeof position !== "object" || position === null) return undefined;
  const { seq, skip } = position as { seq?: unknown; skip?: unknown };
  if (typeof seq === "number" && Number.isSafeInteger(seq) && typeof skip === "number" && Number.isSafeInteger(skip) && skip >= 0) return { seq, skip };
  return undefined;
}

/** Forgets the log entries a checkpoint holding `position` (a `LogPosition`) covers. */
export async function truncateLog(log: RecordLog | undefined, position: unknown): Promise<void> {
  const reached = asLogPosition(position);
  if (log && reached) await log.truncate(reached.seq);
}

/**
 * Records received and not yet taken by a batch. A batch takes them all, or only as many as its
 * rate limit allows, the rest staying for the next batch. With a write-ahead log, it also knows
 * which log entries the taken records came from, so that a checkpoint resumes exactly after them
 * even when a batch ends in the middle of an entry.
 */
export class RecordBuffer<T> {
  private records: T[] = [];
  /** Log entries with records still here, oldest first, and how many of their records are. */
  private readonly entries: { seq: number; left: number }[] = [];

  private takenSeq = -1;
  private skip = 0;

  get length(): number {
    return this.records.length;
  }

  /** The array unlogged records are appended to directly (no copy per chunk); valid until the next take. */
  get sink(): T[] {
    return this.records;
  }

  /**
   * Takes back the records `log` holds after the checkpointed `restored` position (received but
   * never processed before a restart); unreadable entries are counted and passed to `report`.
   */
  async replay(log: RecordLog, restored: unknown, report: (message: string) => void): Promise<void> {
    const from = asLogPosition(restored) ?? { seq: -1, skip: 0 };
    const recovered = await log.recover(from.seq, from.skip);
    if (recovered.corrupt > 0) report(`${recovered.corrupt} write-ahead log entries were corrupt and skipped`);
    this.recovered(from.seq, recovered as Recovered<T>);
  }

  /** Takes back what the log held after the checkpointed position (`afterSeq`): see `RecordLog.recover`. */
  recovered(afterSeq: number, recovered: { readonly records: readonly T[]; readonly entries: readonly { seq: number; count: number }[]; readonly skipped: number }): void {
    this.takenSeq = afterSeq;
    this.skip = recovered.skipped;
    for (const r of recovered.records) this.records.push(r);
    for (const e of recovered.entries) this.entries.push({ seq: e.seq, left: e.count });
  }

  /** Appends records; `seq` is the log entry they were written to, when logging. */
  push(records: readonly T[], seq?: number): void {
    for (const r of records) this.records.push(r);
    if (seq !== undefined) this.entries.push({ seq, left: records.length });
  }

  /** The oldest `max` records (all by default), removed from the buffer. */
  take(max = Infinity): T[] {
    let taken: T[];
    if (max >= this.records.length) {
      taken = this.records;
      this.records = [];
    } else {
      taken = this.records.slice(0, max);
      this.records = this.records.slice(max);
    }
    this.consumeEntries(taken.length);
    return taken;
  }

  /** The log position the records taken so far reach. */
  position(): LogPosition {
    return this.skip === 0 ? this.takenSeq : { seq: this.takenSeq, skip: this.skip };
  }

  /** The oldest records up to the log position `position` (a batch's, recorded), removed from the buffer. */
  takeUntil(position: unknown): T[] {
    const target = asLogPosition(position);
    return this.take(target ? this.upTo(target).count : Infinity);
  }

  /** True when every record up to the log position `position` is taken or held. */
  covers(position: unknown): boolean {
    const target = asLogPosition(position);
    return target === undefined || this.upTo(target).complete;
  }

  /**
   * How many held records come before `target`, and whether they are all of them: entries are
   * numbered in order, so the records up to `target` are those of the entries up to its `seq` and
   * the first `skip` of the entry after it.
   */
  private upTo(target: { seq: number; skip: number }): { count: number; complete: boolean } {
    if (this.takenSeq > target.seq || (this.takenSeq === target.seq && this.skip >= target.skip)) return { count: 0, complete: true };
    let count = 0;
    let newest = this.takenSeq;
    for (const [i, entry] of this.entries.entries()) {
      newest = entry.seq;
      if (entry.seq <= target.seq) {
        count += entry.left;
        continue;
      }
      // The entry after the target's: the first records of it, less those a batch already took.
      const wanted = target.skip - (i === 0 ? this.skip : 0);
      return { count: count + Math.min(Math.max(wanted, 0), entry.left), complete: wanted <= entry.left };
    }
    return { count, complete: newest >= target.seq && target.skip === 0 };
  }

  private consumeEntries(n: number): void {
    // Entries of no records are taken as soon as everything before them is.
    while (this.entries.length > 0 && this.entries[0]!.left <= n) {
      const entry = this.entries.shift()!;
      n -= entry.left;
      this.takenSeq = entry.seq;
      this.skip = 0;
    }
    if (n > 0 && this.entries.length > 0) {
      this.entries[0]!.left -= n;
      this.skip += n;
    }
  }
}
