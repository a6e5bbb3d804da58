import type { InputSource, SourceContext, Taken } from "../dstream/input.ts";

/**
 * An input fed by a `ReadableStream`: a reader pulls chunks as fast as they come and appends their
 * records to a buffer; each batch takes the buffer whole. The stream's end or failure is reported
 * to listeners and only ends this input: the context keeps running its other streams.
 */
export abstract class StreamSource<C, T> implements InputSource<T> {
  abstract readonly name: string;
  private readonly stream: ReadableStream<C>;
  private reader: ReadableStreamDefaultReader<C> | undefined;
  private buffer: T[] = [];
  private pumping: Promise<void> | undefined;
  private stopping = false;
  private cancelled = false;

  constructor(stream: ReadableStream<C>) {
    this.stream = stream;
  }

  /** Appends the records of one chunk to `out`. */
  protected abstract accept(chunk: C, out: T[]): void;
  /** Appends what the end of the stream completes (a last line without newline) to `out`. */
  protected finish(_out: T[]): void {}
  /** Counters to report with each batch. */
  protected metadata(): Readonly<Record<string, number>> | undefined {
    return undefined;
  }

  take(): Taken<T> {
    const records = this.buffer;
    this.buffer = [];
    const metadata = this.metadata();
    return metadata ? { records, metadata } : { records };
  }

  start(context: SourceContext): void {
    this.reader = this.stream.getReader();
    context.reportStarted();
    this.pumping = this.pump(this.reader, context);
  }

  async stop(graceful = false): Promise<void> {
    if (!this.reader || this.stopping) return this.pumping;
    this.stopping = true;
    // Graceful: let the pump read the chunks already queued in the stream (each read of a queued
    // chunk settles in a microtask, so one macrotask turn takes them all) before cancelling,
    // which would discard them.
    if (graceful) await new Promise((resolve) => setTimeout(resolve, 0));
    // Cancelling settles the pending read; what was already read stays in the buffer.
    this.cancelled = true;
    await this.reader.cancel("the streaming context was stopped").catch(() => undefined);
    await this.pumping;
  }

  private async pump(reader: ReadableStreamDefaultReader<C>, context: SourceContext): Promise<void> {
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        this.accept(value, this.buffer);
      }
      // A cancelled stream's unfinished tail (a line without its newline) is not a record.
      if (!this.cancelled) this.finish(this.buffer);
      context.reportStopped(this.cancelled ? "stopped with the context" : "the stream ended");
    } catch (error) {
      if (this.cancelled) {
        context.reportStopped("stopped with the context");
        return;
      }
      const message = error instanceof Error ? error.message : String(error);
      context.reportError(`${this.name} failed: ${message}`, error);
      context.reportStopped(`${this.name} failed: ${message}`, error);
    } finally {
      reader.releaseLock();
    }
  }
}

/** `readableStream(stream)`: each chunk of the stream is one record. */
export class ReadableSource<T> extends StreamSource<T, T> {
  readonly name = "readableStream";

  protected accept(chunk: T, out: T[]): void {
    out.push(chunk);
  }
}
