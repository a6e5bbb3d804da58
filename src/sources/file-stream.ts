/**
 * `textFileStream(directory)`, `binaryRecordsStream(directory, recordLength)`: Spark's file stream.
 * At each batch time, the files of the directory that were modified since the last batches and
 * not taken before become the batch: their lines (or fixed-length records), file by file in name
 * order. Files must be complete when they appear (moved or renamed into the
 * directory, or written with an atomic replace) and must not change afterwards.
 *
 * Batches are taken synchronously but directories are listed and read asynchronously, so files
 * are read ahead of their batch: right before each batch under a `ManualClock` (its settle hook),
 * and by a background poll shortly before each batch time with the system clock. A file read
 * ahead waits in memory until the first batch at or after its modification time. Modification
 * times and batch times are compared as they are: with the system clock both are milliseconds
 * since the Unix epoch; a `ManualClock` drives a real directory when started at a real time.
 *
 * After a restart, the batches between the checkpoint and the stop are made again with the files
 * they first took (the position recorded after each batch lists them), as Spark's
 * FileInputDStream restores `batchTimeToSelectedFiles`: files that arrived since go to later batches.
 */
import type { Duration } from "../core/duration.ts";
import { RivuletError } from "../core/errors.ts";
import type { InputSource, SourceContext, Taken } from "../dstream/input.ts";
import type { Directory, DirectoryEntry } from "./directory.ts";
import { FileWindow, selectionAt, type FileStreamPosition } from "./file-window.ts";
import type { FileRecords } from "./file-records.ts";
import type { LineSplitterOptions } from "./lines.ts";

/** Which files a file stream takes, and for how long it remembers them. */
export interface FileStreamOptions {
  /**
   * Spark's `newFilesOnly`. True (default): files modified at or before the start are ignored.
   * False: the first batch takes every file already there, however old.
   */
  newFilesOnly?: boolean;
  /**
   * Which files to take, by name. Files in progress are skipped whatever it says: hidden files
   * (names starting with `.` or `_`) and Chromium's `.crswap` files.
   */
  filter?: (name: string) => boolean;
  /**
   * How long taken files are remembered so that none is taken twice (Spark's
   * `spark.streaming.fileStream.minRememberDuration`), rounded up to whole batches, at least one;
   * default one minute. It is also how late a file may appear after its modification time: one
   * that appears with an older time is ignored, counted (`lateFiles`) and reported.
   */
  minRememberDuration?: Duration;
}

/** `textFileStream`'s options: which files, and `maxLineLength`. */
export interface TextFileStreamOptions extends FileStreamOptions, LineSplitterOptions {}

/** A file read ahead of its batch. */
interface Found {
  readonly modifiedTime: number;
  readonly size: number;
  readonly bytes: Uint8Array;
}

/** The version of a file that could not be read: it is tried again only once it changes. */
interface Failed {
  readonly modifiedTime: number;
  readonly size: number;
}

const DEFAULT_MIN_REMEMBER_MS = 60_000;
/** How long before each batch time the background poll lists the directory, at most. */
const POLL_LEAD_MS = 250;

export class FileSource<T> implements InputSource<T> {
  readonly name: string;
  private readonly directory: Directory;
  private readonly filter: ((name: string) => boolean) | undefined;
  private readonly intervalMs: number;
  private readonly window: FileWindow;
  private readonly records: FileRecords<T>;
  private context: SourceContext | undefined;
  /** Files read ahead of their batch, by name. */
  private readonly found = new Map<string, Found>();
  private readonly failed = new Map<string, Failed>();
  /**
   * Files that batches made again after a restart took the first time: read whatever the window
   * says of their modification time, since they were taken under it once already.
   */
  private readonly wanted = new Set<string>();
  /** Names (and modification times) of the last listing: a name not in it has just appeared. */
  private listed: Map<string, number> | undefined;
  private scanning: Promise<void> | undefined;
  private queued: Promise<void> | undefined;
  private cancelPoll: (() => void) | undefined;
  /** Set once a manual clock's settle hook drives the scans: no background polling then. */
  private settling = false;
  private stopped = false;
  private lastFailure: string | undefined;
  private lastInvalid = 0;
  private unreadableFiles = 0;
  private lateFiles = 0;
  private readonly report = (message: string, error: unknown): void => this.context?.reportError(message, error);

  /** `batchInterval` is the context's: background polls are timed by it and selections remembered in whole batches of it. */
  /** `records` makes a file's records; `name` is the stream's, as listeners see it. */
  constructor(directory: Directory, options: FileStreamOptions, batchInterval: Duration, records: FileRecords<T>, name = "textFileStream") {
    this.name = name;
    const { filter, newFilesOnly = true, minRememberDuration } = options;
    if (filter !== undefined && typeof filter !== "function") throw new RivuletError("INVALID_ARGUMENT", "textFileStream: filter must be a function of the file name");
    if (typeof newFilesOnly !== "boolean") throw new RivuletError("INVALID_ARGUMENT", "textFileStream: newFilesOnly must be a boolean");
    const minRememberMs =
      minRememberDuration === undefined ? DEFAULT_MIN_REMEMBER_MS : typeof minRememberDuration === "object" && minRememberDuration !== null ? minRememberDuration.milliseconds : Number.NaN;
    if (typeof minRememberMs !== "number" || !(minRememberMs >= 0)) {
      throw new RivuletError("INVALID_ARGUMENT", "textFileStream: minRememberDuration must be a Duration, e.g. Minutes(1)");
    }
    this.directory = directory;
    this.filter = filter;
    this.intervalMs = batchInterval.milliseconds;
    this.window = new FileWindow(this.intervalMs, minRememberMs, newFilesOnly);
    this.records = records;
  }

  /**
   * The records (lines, or fixed-length records) of the files read ahead and modified at or
   * before `time`, in name order. Counters in the metadata: `files` taken by this batch; totals
   * since start of `unreadableFiles` (vanished or failed to read), `lateFiles` (appeared with a
   * modification time already outside the remembered window), and the records' own
   * (`invalidUtf8` and `overlongLines` for lines, `partialRecords` for fixed-length records).
   */
  take(time: number): Taken<T> {
    const due: string[] = [];
    for (const [name, file] of this.found) {
      // Rewritten after it was taken (a changed file, which the contract rules out): never twice.
      if (this.window.remembered(name)) this.found.delete(name);
      else if (file.modifiedTime <= time) due.push(name);
    }
    due.sort(byName);
    const records: T[] = [];
    for (const name of due) {
      const file = this.found.get(name)!;
      this.found.delete(name);
      this.records.decode(name, file.bytes, records, this.report);
    }
    this.window.record(time, due);
    return this.taken(records, due.length);
  }

  /**
   * The batch at `time` made again after a restart: exactly the files it first took, as
   * `position` (recorded right after that take) lists them, in the same order, whatever else
   * has been read since. A file gone since (`reach` answered false) is left out and counted as
   * unreadable: the batch is made with what is left. A position that does not list the batch
   * leaves it to `take`.
   */
  takeUntil(time: number, position: unknown): Taken<T> {
    const names = selectionAt(position, time);
    if (!names) return this.take(time);
    const records: T[] = [];
    let files = 0;
    for (const name of names) {
      this.wanted.delete(name);
      const file = this.found.get(name);
      if (!file) {
        // One that failed to read was counted then.
        if (!this.failed.has(name)) this.unreadableFiles++;
        continue;
      }
      this.found.delete(name);
      this.records.decode(name, file.bytes, records, this.report);
      files++;
    }
    // The missing ones too: should one come back, it must not go to a later batch.
    this.window.record(time, names);
    return this.taken(records, files);
  }

  /**
   * Resolves with true once every file the batch of `position` first took has been read ahead,
   * after listing the directory again if needed. False when one is no longer listed, cannot be
   * read, or the listing fails (or the stream stopped first): the file is not coming back, and
   * the batch is then made again with the files that are left (`takeUntil`).
   */
  async reach(position: unknown): Promise<boolean> {
    const names = selectionAt(position);
    if (!names) return true;
    for (const name of names) this.wanted.add(name);
    const held = () => names.every((name) => this.found.has(name));
    if (held()) return true;
    // scan() never answers with a listing begun before this call, which might have skipped them.
    await this.scan();
    return held();
  }

  private taken(records: T[], files: number): Taken<T> {
    return {
      records,
      metadata: {
        files,
        ...this.records.counters(),
        unreadableFiles: this.unreadableFiles,
        lateFiles: this.lateFiles,
      },
    };
  }

  /** The last batch and the files remembered as taken (names per batch), for checkpoints. */
  position(): FileStreamPosition | undefined {
    return this.window.position();
  }

  /** Resumes after a restart: the files the checkpoint remembers as taken are not taken again. */
  restore(position: unknown): void {
    this.window.restore(position);
  }

  /** Starts watching: the start time is what `newFilesOnly` compares with (unless restored). */
  start(context: SourceContext): void {
    this.context = context;
    this.window.begin(context.now());
    context.reportStarted();
    // A first look right away: with newFilesOnly = false the first batch takes what is there.
    this.cancelPoll = context.schedule(context.now(), () => this.poll(context));
  }

  /** Lists and reads ahead what the next batch may take (a manual clock awaits this before each batch). */
  async settle(): Promise<void> {
    if (!this.context || this.stopped) return;
    this.settling = true;
    this.cancelPoll?.();
    this.cancelPoll = undefined;
    await this.scan();
  }

  /** Stops listing and reading; files already read stay for a graceful stop's last batch. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.cancelPoll?.();
    await (this.queued ?? this.scanning);
    this.context?.reportStopped("stopped with the context");
  }

  private async poll(context: SourceContext): Promise<void> {
    if (this.settling || this.stopped) return;
    // The clock does not wait for a poll (system clock), so a slow one is not started twice.
    if (!this.scanning) await this.scan();
    if (this.settling || this.stopped) return;
    const interval = this.intervalMs;
    const lead = Math.min(POLL_LEAD_MS, Math.floor(interval / 4));
    const now = context.now();
    this.cancelPoll = context.schedule((Math.floor((now + lead) / interval) + 1) * interval - lead, () => this.poll(context));
  }

  /** One scan at a time; callers arriving during one share a single next scan. */
  private scan(): Promise<void> {
    if (this.queued) return this.queued;
    if (!this.scanning) return this.runScan();
    const queued = this.scanning.then(() => {
      this.queued = undefined;
      return this.runScan();
    });
    this.queued = queued;
    return queued;
  }

  private runScan(): Promise<void> {
    const run: Promise<void> = this.scanOnce().finally(() => {
      if (this.scanning === run) this.scanning = undefined;
    });
    this.scanning = run;
    return run;
  }

  /** Lists the directory and reads the files that may be new; never rejects (failures are reported). */
  private async scanOnce(): Promise<void> {
    const context = this.context;
    if (!context || this.stopped) return;
    let toRead: DirectoryEntry[];
    try {
      let entries: readonly DirectoryEntry[];
      try {
        entries = await this.directory.list();
      } catch (error) {
        throw new RivuletError("SOURCE_FAILED", `listing the directory failed: ${messageOf(error)}`, { cause: error });
      }
      toRead = this.select(entries, context);
    } catch (error) {
      // Reported once until it changes or a scan succeeds, not at every batch.
      const message = `${this.name}: ${messageOf(error)}`;
      if (message !== this.lastFailure) context.reportError(message, error instanceof RivuletError && error.cause !== undefined ? error.cause : error);
      this.lastFailure = message;
      return;
    }
    this.lastFailure = undefined;
    for (const entry of toRead.sort((a, b) => byName(a.name, b.name))) {
      if (this.stopped) return;
      try {
        const bytes = await this.directory.read(entry.name);
        if (!(bytes instanceof Uint8Array)) throw new RivuletError("SOURCE_FAILED", `read(${JSON.stringify(entry.name)}) must resolve to a Uint8Array`);
        this.failed.delete(entry.name);
        this.found.set(entry.name, { modifiedTime: entry.modifiedTime, size: entry.size, bytes });
      } catch (error) {
        this.found.delete(entry.name);
        this.failed.set(entry.name, { modifiedTime: entry.modifiedTime, size: entry.size });
        this.unreadableFiles++;
        context.reportError(`${this.name}: ${entry.name} could not be read and is skipped: ${messageOf(error)}`, error);
      }
    }
  }

  /** The files of a listing that may be new and are not read yet; updates what is known of the directory. */
  private select(entries: readonly DirectoryEntry[], context: SourceContext): DirectoryEntry[] {
    if (!Array.isArray(entries)) throw new RivuletError("SOURCE_FAILED", "list() must resolve to an array of { name, modifiedTime, size }");
    const floor = this.window.nextThreshold();
    const listed = new Map<string, number>();
    const toRead: DirectoryEntry[] = [];
    let invalid = 0;
    for (const entry of entries) {
      if (!isEntry(entry)) {
        invalid++;
        continue;
      }
      const { name, modifiedTime } = entry;
      if (listed.has(name) || !this.accepts(name)) continue;
      listed.set(name, modifiedTime);
      if (this.window.remembered(name)) continue;
      if (modifiedTime <= floor && !this.wanted.has(name)) {
        // Already there at the first listing: an old file, ignored as Spark does. Appearing
        // later with such a time: moved in too late to be taken, which must not go unnoticed.
        if (this.listed && !this.listed.has(name)) this.late(entry, floor, context);
        continue;
      }
      const known = this.found.get(name) ?? this.failed.get(name);
      if (!known || known.modifiedTime !== modifiedTime || known.size !== entry.size) toRead.push(entry);
    }
    if (invalid !== this.lastInvalid && invalid > 0) {
      context.reportError(`${this.name}: the directory listed ${invalid} entries without a name, a modifiedTime and a size; they are skipped`, undefined);
    }
    this.lastInvalid = invalid;
    // Gone before their batch: they were never part of the stream.
    for (const name of this.found.keys()) if (!listed.has(name)) this.found.delete(name);
    for (const name of this.failed.keys()) if (!listed.has(name)) this.failed.delete(name);
    this.listed = listed;
    return toRead;
  }

  private accepts(name: string): boolean {
    if (isHidden(name)) return false;
    if (!this.filter) return true;
    try {
      return this.filter(name);
    } catch (error) {
      throw new RivuletError("SOURCE_FAILED", `the filter threw on ${JSON.stringify(name)}: ${messageOf(error)}`, { cause: error });
    }
  }

  private late(entry: DirectoryEntry, floor: number, context: SourceContext): void {
    this.lateFiles++;
    context.reportError(
      `${this.name}: ${entry.name} appeared with modification time ${entry.modifiedTime}, not after ${floor} ` +
        "(the start of the stream or the end of the remembered window), and is ignored: move files into the directory " +
        "as soon as they are written, or raise minRememberDuration",
      undefined,
    );
  }
}

function isEntry(entry: unknown): entry is DirectoryEntry {
  if (typeof entry !== "object" || entry === null) return false;
  const e = entry as Partial<DirectoryEntry>;
  return typeof e.name === "string" && e.name.length > 0 && typeof e.modifiedTime === "number" && Number.isFinite(e.modifiedTime) && typeof e.size === "number" && e.size >= 0;
}

/**
 * Where writers keep what is not complete yet: Spark's and Hadoop's hidden files, and the swap
 * file Chromium writes beside a file being written through `createWritable()` until `close()`.
 */
function isHidden(name: string): boolean {
  return name.startsWith(".") || name.startsWith("_") || name.endsWith(".crswap");
}

/** Code-unit order: the same everywhere, unlike `localeCompare`. */
function byName(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
