import { decodeValue, encodeValue } from "../state/codec.ts";
import { frame, unframe } from "../state/format.ts";
import type { RecordLog, Recovered } from "../dstream/input.ts";
import type { CheckpointStore } from "../state/store.ts";

/**
 * The write-ahead log of a source that cannot replay its data (a `ReadableStream`, a receiver):
 * every group of received records is written to the checkpoint store before it is acknowledged
 * (before the next chunk is pulled, before `store()` resolves). Records whose batch was not
 * checkpointed yet are read back after a restart; entries a checkpoint covers are deleted.
 */
export class WriteAheadLog<T> implements RecordLog<T> {
  private readonly store: CheckpointStore;
  private readonly prefix: string;
  private nextSeq = 0;
  private tail: Promise<unknown> = Promise.resolve();

  constructor(store: CheckpointStore, streamId: number) {
    this.store = store;
    this.prefix = `wal-${streamId}-`;
  }

  /** Logs `records` durably; resolves with their sequence number once written. Appends are ordered. */
  append(records: readonly T[]): Promise<number> {
    const seq = this.nextSeq++;
    const write = this.tail.then(() => this.store.put(this.name(seq), frame(encodeValue(records)))).then(() => seq);
    this.tail = write.catch(() => undefined);
    return write;
  }

  /**
   * The records logged after `afterSeq`, in order, less the first `skip` of the first entry after
   * it (a batch took them before the restart), and the newest sequence number; entries up to
   * `afterSeq` are deleted. `skipped` says how many were skipped: none when that entry is gone.
   */
  async recover(afterSeq: number, skip = 0): Promise<Recovered<T>> {
    const out: T[] = [];
    const entries: { seq: number; count: number }[] = [];
    let lastSeq = afterSeq;
    let corrupt = 0;
    let first = true;
    let skippedRecords = 0;
    for (const [seq, name] of await this.entries()) {
      if (seq <= afterSeq) {
        await this.store.delete(name);
        continue;
      }
      const bytes = await this.store.get(name);
      lastSeq = seq;
      const skipped = first ? skip : 0;
      first = false;
      if (!bytes) continue;
      let records: unknown;
      try {
        records = decodeValue(unframe(bytes));
      } catch {
        // A torn entry cannot be read back; it is counted and reported, not silently dropped.
        corrupt++;
        continue;
      }
      if (!Array.isArray(records)) {
        corrupt++;
        continue;
      }
      const from = Math.min(skipped, records.length);
      if (from > 0) skippedRecords = from;
      for (let i = from; i < records.length; i++) out.push(records[i] as T);
      entries.push({ seq, count: records.length - from });
    }
    this.nextSeq = Math.max(this.nextSeq, lastSeq + 1);
    return { records: out, entries, skipped: skippedRecords, lastSeq, corrupt };
  }

  /** Deletes the entries up to `throughSeq`: a checkpoint holds their effect now. */
  async truncate(throughSeq: number): Promise<void> {
    for (const [seq, name] of await this.entries()) if (seq <= throughSeq) await this.store.delete(name);
  }

  private async entries(): Promise<[number, string][]> {
    const out: [number, string][] = [];
    for (const name of await this.store.list()) {
      if (!name.startsWith(this.prefix)) continue;
      const seq = Number(name.slice(this.prefix.length));
      if (Number.isSafeInteger(seq)) out.push([seq, name]);
    }
    return out.sort((a, b) => a[0] - b[0]);
  }

  private name(seq: number): string {
    return this.prefix + String(seq).padStart(12, "0");
  }
}
