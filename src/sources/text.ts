import { LineSplitter, type LineSplitterOptions } from "./lines.ts";
import { StreamSource } from "./stream-source.ts";
import type { Taken } from "../dstream/input.ts";
import { countNewlines, decodeLines } from "./utf8-lines.ts";
import { decodable } from "../core/shared-memory.ts";
import { HeldLines } from "./held-lines.ts";
import type { Duration } from "../core/duration.ts";
import { type ConnectionLabel, type LineInput, lineInputOpener } from "./reconnecting.ts";

export interface TextStreamOptions extends LineSplitterOptions {
  /**
   * With a connect function (`() => stream`): how long to wait before opening it again after the
   * stream ends or fails, on the context's clock (Spark's receiver restart, default 2 s); `false`
   * ends the text stream at the first end.
   */
  reconnectDelay?: Duration | false;
}

const DEFAULT_MAX_LINE_LENGTH = 1_048_576;
const NO_BYTES = new Uint8Array(0);
const LINE_END = new Uint8Array([0x0a]);
const CR = 0x0d;
/** Average bytes per line assumed when bounding what is buffered as bytes. */
const BYTES_PER_RECORD = 64;

export type { ReplayableByteSource } from "./reconnecting.ts";

/**
 * `textStream(stream)`: bytes (UTF-8) or strings cut into lines, one record a line, as Spark's
 * socketTextStream. Invalid UTF-8 is replaced and over-long lines dropped; both are counted and
 * reported with every batch (`invalidUtf8`, `overlongLines`: totals since start).
 *
 * Byte chunks are kept as bytes, cut at the last newline, and a batch decodes its lines only if
 * an operator asks for them: `flatMap(words).countByValue()` then counts words in a kernel
 * straight from the bytes. A batch whose bytes are not clean (invalid UTF-8, a line that may be
 * too long), string chunks and the write-ahead log take the line-by-line path instead, which
 * replaces, drops and counts.
 */
export class TextSource extends StreamSource<Uint8Array | string, string> {
  readonly name: string = "textStream";
  private splitter: LineSplitter;
  private readonly options: TextStreamOptions;
  private readonly maxLineLength: number;
  /** Bytes read, and bytes up to the end of the last complete line (replayable sources). */
  private bytesRead = 0;
  private bytesOfLines = 0;
  /** Once strings arrive (or the log is on), every chunk goes through the splitter. */
  private lineByLine = false;
  /** Complete lines held as bytes for the next batch, and the partial line after them. */
  private readonly held: HeldLines;
  private tail: Uint8Array[] = [];
  private tailLength = 0;
  private droppingLongLine = false;
  private longLinesDropped = 0;
  private atStreamStart = true;
  /** Set when lines were dropped between held lines, so the held bytes are not contiguous in the stream. */
  private heldGap = false;

  /**
   * `segmentBytes` (set by the context when its workers get batches by transfer): also keep each
   * batch as segments of about that size, for workers to take without a copy. `sharedBatches`
   * (set when its workers read batches in place): assemble large batches in shared memory.
   */
  constructor(
    source: LineInput,
    options: TextStreamOptions = {},
    segmentBytes?: number,
    sharedBatches = false,
    label: ConnectionLabel = { name: "textStream" },
  ) {
    const { open, replayable } = lineInputOpener(source, options.reconnectDelay, label);
    super(open, replayable);
    this.options = options;
    this.maxLineLength = options.maxLineLength ?? DEFAULT_MAX_LINE_LENGTH;
    this.splitter = new LineSplitter(options);
    this.held = new HeldLines(this.maxLineLength, segmentBytes, sharedBatches);
  }

  protected accept(chunk: Uint8Array | string, out: string[]): void {
    if (typeof chunk !== "string") {
      const newline = chunk.lastIndexOf(10);
      if (newline >= 0) this.bytesOfLines = this.bytesRead + newline + 1;
      this.bytesRead += chunk.length;
    }
    if (!this.lineByLine && (typeof chunk === "string" || this.logging)) this.switchToLines(out);
    if (this.lineByLine) {
      this.splitter.push(chunk, out);
      return;
    }
    this.holdBytes(chunk as Uint8Array);
  }

  protected override finish(out: string[]): void {
    if (!this.lineByLine && this.tailLength > 0) {
      const last = this.tail[this.tail.length - 1]!;
      if (last[last.length - 1] === CR) {
        // A '\r' ending the stream stays in the line (no '\n' follows to make it a CRLF).
        this.switchToLines(out);
      } else {
        // The last line, ended by the close, is a line like the others: it stays bytes.
        for (const t of this.tail) this.held.append(t);
        this.held.append(LINE_END);
        this.tail = [];
        this.tailLength = 0;
      }
    }
    this.splitter.end(out);
    this.bytesOfLines = this.bytesRead;
  }

  protected override takeFrom(limit: number): Taken<string> {
    return this.takeLines(limit, (bytes, lines, room) => (lines > room ? [afterNthNewline(bytes, room), room] : undefined));
  }

  protected override takeThrough(offset: number): Taken<string> {
    const wanted = offset - this.offset();
    return this.takeLines(Infinity, (bytes) => {
      if (wanted >= bytes.length) return undefined;
      // The recorded offset is a line end; should it not be one here, the batch ends before it.
      const cut = wanted <= 0 ? 0 : bytes.lastIndexOf(0x0a, wanted - 1) + 1;
      return [cut, countNewlines(bytes.subarray(0, cut)).newlines];
    });
  }

  /**
   * A batch: the records held as strings, at most `limit`, then the lines held as bytes up to the
   * cut `cutAt` gives (where, and how many lines are before it; undefined: all of them).
   */
  private takeLines(limit: number, cutAt: (bytes: Uint8Array, lines: number, room: number) => [number, number] | undefined): Taken<string> {
    // A replayable source's lines past a stream-ending '\r' (the only strings it has) have no
    // byte offsets to resume at: they are taken whole.
    const records = this.buffer.take(this.lineByLine && this.replayable ? Infinity : limit);
    // An empty batch is text too: operators downstream run the same way on every batch.
    if (this.held.length === 0 && records.length === 0 && !this.lineByLine) return { records, lazy: { count: 0, load: () => [], utf8Lines: NO_BYTES } };
    if (this.held.length === 0 || records.length >= limit) return { records };
    let { bytes, scan, segments } = this.held.take();
    // Lines past the cut stay held for the next batch. Not when a dropped over-long line left a
    // gap in what is held: the held bytes' offset in the stream would then be unknown.
    const cut = this.replayable && this.heldGap ? undefined : cutAt(bytes, scan.lines, limit - records.length);
    if (cut !== undefined) {
      this.held.append(bytes.subarray(cut[0]));
      bytes = bytes.subarray(0, cut[0]);
      scan = { lines: cut[1], clean: scan.clean };
      segments = undefined;
    }
    if (this.held.length === 0) this.heldGap = false;
    const atStart = this.atStreamStart;
    // A batch that took no bytes leaves a byte order mark where it is, at the start of the next.
    if (bytes.length > 0) this.atStreamStart = false;
    if (!scan.clean || records.length > 0) {
      // The exact path: replaced, dropped and counted as line by line. The splitter is at a line
      // boundary here (it has seen no bytes since the last switch).
      this.splitter.push(decodable(bytes), records);
      return { records };
    }
    const text = atStart && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? bytes.subarray(3) : bytes;
    const pieces = segments && text !== bytes ? [segments[0]!.subarray(3), ...segments.slice(1)] : segments;
    const release = () => this.held.recycle(bytes);
    return { records, lazy: { count: scan.lines, load: () => decodeLines(text, false), utf8Lines: text, utf8Segments: pieces, release } };
  }

  protected override buffered(): number {
    return super.buffered() + this.held.lineCount + Math.floor(this.tailLength / BYTES_PER_RECORD);
  }

  protected override offset(): number {
    // Lines still held (over a batch's rate limit) are read again after a restart.
    return this.bytesOfLines - this.held.length;
  }

  protected override received(): number {
    return this.bytesOfLines;
  }

  protected override seek(offset: number): void {
    // The offset is at a line boundary: a fresh splitter starts at a fresh line.
    this.splitter = new LineSplitter(this.options);
    this.bytesRead = this.bytesOfLines = offset;
    this.atStreamStart = offset === 0;
  }

  protected override metadata(): Readonly<Record<string, number>> {
    return {
      invalidUtf8: this.splitter.invalidUtf8,
      overlongLines: this.splitter.overlongLines + this.longLinesDropped,
    };
  }

  /** Keeps complete lines as bytes and the partial line after them for the next chunk. */
  private holdBytes(chunk: Uint8Array): void {
    if (this.droppingLongLine) {
      const newline = chunk.indexOf(10);
      if (newline < 0) return;
      this.droppingLongLine = false;
      this.heldGap ||= this.held.length > 0;
      chunk = chunk.subarray(newline + 1);
    }
    const newline = chunk.lastIndexOf(10);
    if (newline < 0) {
      this.tail.push(chunk);
      this.tailLength += chunk.length;
      // Past 3 bytes per UTF-16 unit the line is too long whatever it holds: drop it now, as the
      // splitter would, rather than buffer it without bound.
      if (this.tailLength > this.maxLineLength * 3) {
        this.tail = [];
        this.tailLength = 0;
        this.droppingLongLine = true;
        this.longLinesDropped++;
      }
      return;
    }
    for (const t of this.tail) this.held.append(t);
    this.held.append(chunk.subarray(0, newline + 1));
    this.tail = newline + 1 < chunk.length ? [chunk.subarray(newline + 1)] : [];
    this.tailLength = chunk.length - newline - 1;
  }

  /** From now on every chunk goes through the splitter; bytes held so far go first. */
  private switchToLines(out: string[]): void {
    this.lineByLine = true;
    if (this.held.length > 0) this.splitter.push(decodable(this.held.take().bytes), out);
    for (const t of this.tail) this.splitter.push(t, out);
    this.tail = [];
    this.tailLength = 0;
    if (this.droppingLongLine) {
      // The splitter must skip the rest of the dropped line too: feed it a stand-in that is
      // itself too long, which it drops (and counts, so one count comes back off).
      this.splitter.push(new Uint8Array(this.maxLineLength + 1).fill(0x20), out);
      this.longLinesDropped--;
      this.droppingLongLine = false;
    }
  }
}

/** The index just past the `n`th newline of `bytes` (which has more than `n`). */
function afterNthNewline(bytes: Uint8Array, n: number): number {
  let at = -1;
  for (let i = 0; i < n; i++) at = bytes.indexOf(0x0a, at + 1);
  return at + 1;
}
