import { LineSplitter, type LineSplitterOptions } from "./lines.ts";
import { StreamSource } from "./stream-source.ts";

export type TextStreamOptions = LineSplitterOptions;

/**
 * `textStream(stream)`: bytes (UTF-8) or strings cut into lines, one record a line, as Spark's
 * socketTextStream. Invalid UTF-8 is replaced and over-long lines dropped; both are counted and
 * reported with every batch (`invalidUtf8`, `overlongLines`: totals since start).
 */
export class TextSource extends StreamSource<Uint8Array | string, string> {
  readonly name = "textStream";
  private readonly splitter: LineSplitter;

  constructor(stream: ReadableStream<Uint8Array | string>, options: TextStreamOptions = {}) {
    super(stream);
    this.splitter = new LineSplitter(options);
  }

  protected accept(chunk: Uint8Array | string, out: string[]): void {
    this.splitter.push(chunk, out);
  }

  protected override finish(out: string[]): void {
    this.splitter.end(out);
  }

  protected override metadata(): Readonly<Record<string, number>> {
    return { invalidUtf8: this.splitter.invalidUtf8, overlongLines: this.splitter.overlongLines };
  }
}
