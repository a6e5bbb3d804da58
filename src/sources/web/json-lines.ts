import { RivuletError } from "../../core/errors.ts";
import type { Taken } from "../../dstream/input.ts";
import { LineSplitter, type LineSplitterOptions } from "../lines.ts";
import { StreamSource } from "../stream-source.ts";
import type { Duration } from "../../core/duration.ts";
import { type LineInput, lineInputOpener } from "../reconnecting.ts";

export interface JsonLinesStreamOptions extends LineSplitterOptions {
  /** With a connect function (`() => stream`): as `TextStreamOptions.reconnectDelay`. */
  reconnectDelay?: Duration | false;
}

/** Invalid lines reported one by one; after these they are only counted. */
const REPORTED_INVALID_LINES = 5;
/** UTF-16 code units of an invalid line shown in its report. */
const EXCERPT_LENGTH = 80;
/** A line of JSON whitespace only: skipped, not an error (trailing blank lines are common). */
const BLANK = /^[\t\n\r ]*$/;

/**
 * `jsonLinesStream(stream)`: newline-delimited JSON (NDJSON, JSON Lines), one record per line
 * parsed with `JSON.parse`, e.g. over a `fetch` body. Blank lines are skipped. A line that is not
 * JSON is dropped and counted (`invalidJson`), and the first few are reported to listeners with an
 * excerpt; invalid UTF-8 and over-long lines are handled as by `textStream` (`invalidUtf8`,
 * `overlongLines`). The counters are totals since start, reported with every batch.
 *
 * Over a `ReplayableByteSource`, checkpoints record the byte offset after the last complete line,
 * and a restart reopens there, so each line is processed once.
 */
export class JsonLinesSource<T> extends StreamSource<Uint8Array | string, T> {
  readonly name = "jsonLinesStream";
  private readonly options: JsonLinesStreamOptions;
  private splitter: LineSplitter;
  private readonly lines: string[] = [];
  /** Bytes read, and bytes up to the end of the last complete line (replayable sources). */
  private bytesRead = 0;
  private bytesOfLines = 0;
  /**
   * Replayable sources: where the line of each buffered record ends, and where the line of the
   * last record taken ended, so that a batch cut by a rate limit resumes at its first record.
   */
  private readonly ends: number[] = [];
  private takenEnd = 0;
  private invalidJson = 0;
  /** Totals of splitters replaced by a `seek`, so the counters keep counting since start. */
  private invalidUtf8Before = 0;
  private overlongBefore = 0;

  constructor(source: LineInput, options: JsonLinesStreamOptions = {}) {
    const { open, replayable } = lineInputOpener(source, options.reconnectDelay, { name: "jsonLinesStream" });
    super(open, replayable);
    this.options = options;
    this.splitter = new LineSplitter(options);
  }

  protected accept(chunk: Uint8Array | string, out: T[]): void {
    if (this.replayable && typeof chunk !== "string") {
      this.acceptLines(chunk, out);
      return;
    }
    this.splitter.push(chunk, this.lines);
    this.parse(out);
  }

  protected override finish(out: T[]): void {
    this.splitter.end(this.lines);
    const before = out.length;
    this.parse(out);
    if (this.replayable) for (let i = before; i < out.length; i++) this.ends.push(this.bytesRead);
    this.bytesOfLines = this.bytesRead;
  }

  protected override takeFrom(limit: number): Taken<T> {
    const taken = super.takeFrom(limit);
    const n = (taken.records as readonly T[]).length;
    if (n > 0 && this.ends.length > 0) {
      this.takenEnd = this.ends[n - 1]!;
      this.ends.splice(0, n);
    }
    return taken;
  }

  protected override takeThrough(offset: number): Taken<T> {
    let n = 0;
    while (n < this.ends.length && this.ends[n]! <= offset) n++;
    return this.takeFrom(n);
  }

  protected override received(): number {
    return this.bytesOfLines;
  }

  protected override offset(): number {
    // Records left for the next batch (a rate limit) are read again after a restart; blank and
    // invalid lines before them may be too, which only counts them again.
    return this.ends.length > 0 ? this.takenEnd : this.bytesOfLines;
  }

  protected override seek(offset: number): void {
    this.invalidUtf8Before += this.splitter.invalidUtf8;
    this.overlongBefore += this.splitter.overlongLines;
    this.splitter = new LineSplitter(this.options);
    // Mid-stream, a U+FEFF starting a line is data, not a byte order mark: end the splitter's
    // stream start with an empty line of its own.
    if (offset > 0) this.splitter.push("\n", []);
    this.bytesRead = this.bytesOfLines = this.takenEnd = offset;
  }

  protected override metadata(): Readonly<Record<string, number>> {
    return {
      invalidJson: this.invalidJson,
      invalidUtf8: this.invalidUtf8Before + this.splitter.invalidUtf8,
      overlongLines: this.overlongBefore + this.splitter.overlongLines,
    };
  }

  /**
   * A replayable source's bytes, line by line, so that each record knows where its line ends ('\n'
   * is never part of a multi-byte sequence, so each push of a line ends it in the splitter).
   */
  private acceptLines(chunk: Uint8Array, out: T[]): void {
    let from = 0;
    for (let newline = chunk.indexOf(0x0a); newline >= 0; newline = chunk.indexOf(0x0a, from)) {
      this.splitter.push(chunk.subarray(from, newline + 1), this.lines);
      const end = this.bytesRead + newline + 1;
      const before = out.length;
      this.parse(out);
      for (let i = before; i < out.length; i++) this.ends.push(end);
      this.bytesOfLines = end;
      from = newline + 1;
    }
    if (from < chunk.length) this.splitter.push(chunk.subarray(from), this.lines);
    this.bytesRead += chunk.length;
  }

  private parse(out: T[]): void {
    for (const line of this.lines) {
      if (BLANK.test(line)) continue;
      try {
        out.push(JSON.parse(line) as T);
      } catch (error) {
        this.invalid(line, error);
      }
    }
    this.lines.length = 0;
  }

  private invalid(line: string, error: unknown): void {
    if (++this.invalidJson > REPORTED_INVALID_LINES) return;
    const reason = error instanceof Error ? error.message : String(error);
    const more = this.invalidJson === REPORTED_INVALID_LINES ? "; further invalid lines are only counted (invalidJson)" : "";
    const message = `${this.name} dropped a line that is not JSON (${reason}): ${JSON.stringify(excerpt(line))}${more}`;
    this.sourceContext?.reportError(message, new RivuletError("INVALID_INPUT", message, { cause: error }));
  }
}

/** The start of `line`, cut before `EXCERPT_LENGTH` units without splitting a surrogate pair. */
function excerpt(line: string): string {
  if (line.length <= EXCERPT_LENGTH) return line;
  const end = line.charCodeAt(EXCERPT_LENGTH - 1) >= 0xd800 && line.charCodeAt(EXCERPT_LENGTH - 1) <= 0xdbff ? EXCERPT_LENGTH - 1 : EXCERPT_LENGTH;
  return `${line.slice(0, end)}… (${line.length} characters)`;
}

