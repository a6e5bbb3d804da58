import { LineSplitter, type LineSplitterOptions } from "./lines.ts";
import { StreamSource } from "./stream-source.ts";

export type TextStreamOptions = LineSplitterOptions;

/**
 * Bytes that can be read again from any offset: a `File` (`file.slice(offset).stream()`), an
 * HTTP resource (`fetch` with a `Range` header), a file on disk. A text stream over one is
 * replayable: checkpoints record the byte offset its lines reached, and a restart reopens there,
 * so each line is applied to state exactly once.
 */
export interface ReplayableByteSource {
  open(offset: number): ReadableStream<Uint8Array>;
}

/**
 * `textStream(stream)`: bytes (UTF-8) or strings cut into lines, one record a line, as Spark's
 * socketTextStream. Invalid UTF-8 is replaced and over-long lines dropped; both are counted and
 * reported with every batch (`invalidUtf8`, `overlongLines`: totals since start).
 */
export class TextSource extends StreamSource<Uint8Array | string, string> {
  readonly name = "textStream";
  private splitter: LineSplitter;
  private readonly options: TextStreamOptions;
  /** Bytes read, and bytes up to the end of the last complete line (replayable sources). */
  private bytesRead = 0;
  private bytesOfLines = 0;

  constructor(source: ReadableStream<Uint8Array | string> | ReplayableByteSource, options: TextStreamOptions = {}) {
    const replayable = isReplayable(source);
    super(replayable ? (offset) => source.open(offset) : () => source as ReadableStream<Uint8Array | string>, replayable);
    this.options = options;
    this.splitter = new LineSplitter(options);
  }

  protected accept(chunk: Uint8Array | string, out: string[]): void {
    this.splitter.push(chunk, out);
    if (typeof chunk !== "string") {
      const newline = chunk.lastIndexOf(10);
      if (newline >= 0) this.bytesOfLines = this.bytesRead + newline + 1;
      this.bytesRead += chunk.length;
    }
  }

  protected override finish(out: string[]): void {
    this.splitter.end(out);
    this.bytesOfLines = this.bytesRead;
  }

  protected override offset(): number {
    return this.bytesOfLines;
  }

  protected override seek(offset: number): void {
    // The offset is at a line boundary: a fresh splitter starts at a fresh line.
    this.splitter = new LineSplitter(this.options);
    this.bytesRead = this.bytesOfLines = offset;
  }

  protected override metadata(): Readonly<Record<string, number>> {
    return { invalidUtf8: this.splitter.invalidUtf8, overlongLines: this.splitter.overlongLines };
  }
}

function isReplayable(source: ReadableStream<Uint8Array | string> | ReplayableByteSource): source is ReplayableByteSource {
  // Not `instanceof ReadableStream`: streams from another realm or a polyfill are streams too.
  return typeof (source as Partial<ReplayableByteSource>).open === "function" && typeof (source as Partial<ReadableStream>).getReader !== "function";
}
