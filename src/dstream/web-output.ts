import type { Batch } from "../core/batch.ts";
import { RivuletError } from "../core/errors.ts";
import type { OutputEnding } from "./graph.ts";

// The WHATWG streams family of outputs: a DStream written into a `WritableStream`, or read as a
// `ReadableStream`. Both end with the context: closed when it stops, errored when it failed.

/** One batch as a chunk: its time and its records, in order. */
export interface TimedBatch<T> {
  readonly time: number;
  readonly records: T[];
}

/** How `writeTo` and `toReadableStream` cut the stream into chunks, and how `writeTo` ends. */
export interface StreamOutputOptions {
  /**
   * `"records"` (default): one chunk a record. `"batches"`: one chunk a batch, `{ time, records }`,
   * empty batches included: one write or enqueue a batch instead of one a record.
   */
  readonly chunks?: "records" | "batches";
}

/** `writeTo`'s options: `pipeTo`'s names for what happens to the writable at the end. */
export interface WriteToOptions extends StreamOutputOptions {
  /** Leave the writable open when the context stops (default: close it). */
  readonly preventClose?: boolean;
  /** Leave the writable as it is when the context failed (default: abort it with the error). */
  readonly preventAbort?: boolean;
}

/** An output's per-batch work, and what it does when the context ends (see `OutputEnding`). */
export interface EndingOutput<T> extends OutputEnding {
  run(batch: Batch<T>, time: number): Promise<void>;
}

/**
 * Writes every batch into `writable` and returns once the sink has taken its last chunk, so a
 * batch is complete (and checkpointed) only when its records were written: at-least-once, as
 * Spark's outputs. A slow sink slows the job instead of buffering without bound.
 */
export function streamWriter<T>(writable: WritableStream<unknown>, options: WriteToOptions): EndingOutput<T> {
  // By shape, not `instanceof`: a polyfilled or another realm's WritableStream is just as good.
  if (typeof (writable as Partial<WritableStream> | null)?.getWriter !== "function") throw new RivuletError("INVALID_ARGUMENT", "writeTo needs a WritableStream");
  if (writable.locked) throw new RivuletError("INVALID_ARGUMENT", "writeTo: the WritableStream is locked (another writer or pipe holds it)");
  const byBatch = chunking(options) === "batches";
  const writer = writable.getWriter();
  // Records are written without a wait each: the last write settles after all before it.
  const ignore = () => undefined;
  return {
    async run(batch, time) {
      const records = await batch.collect();
      if (byBatch) return writer.write({ time, records } satisfies TimedBatch<T>);
      let last: Promise<void> | undefined;
      for (let i = 0; i < records.length; i++) {
        last?.catch(ignore);
        last = writer.write(records[i]);
      }
      await last;
    },
    async end(failure) {
      if (failure && !options.preventAbort) return writer.abort(failure.error).catch(ignore);
      if (!failure && !options.preventClose) return writer.close();
      writer.releaseLock();
    },
  };
}

/** A `ReadableStream` of the DStream and the output that fills it. */
export function streamReader<T>(options: StreamOutputOptions & { highWaterMark?: number }): { readable: ReadableStream<unknown>; output: EndingOutput<T> } {
  const byBatch = chunking(options) === "batches";
  const highWaterMark = options.highWaterMark ?? (byBatch ? 1 : 1024);
  if (!(highWaterMark >= 0)) throw new RivuletError("INVALID_ARGUMENT", `toReadableStream: highWaterMark must be a number ≥ 0, got ${highWaterMark}`);
  let controller!: ReadableStreamDefaultController<unknown>;
  let cancelled = false;
  let stopping = false;
  let ended = false;
  let wake: (() => void) | undefined;
  const readable = new ReadableStream<unknown>(
    {
      start: (c) => void (controller = c),
      pull: () => wake?.(),
      // A reader that lets go (`break` out of `for await`) ends the output, not the job.
      cancel: () => {
        cancelled = true;
        wake?.();
      },
    },
    { highWaterMark },
  );
  return {
    readable,
    output: {
      async run(batch, time) {
        if (cancelled || ended) return;
        const records = await batch.collect();
        if (cancelled) return;
        // Enqueueing is synchronous and takes no promise per record; the batch then waits until
        // the reader has drained the queue below its high-water mark.
        if (byBatch) controller.enqueue({ time, records } satisfies TimedBatch<T>);
        else for (let i = 0; i < records.length; i++) controller.enqueue(records[i]);
        while (!cancelled && !stopping && (controller.desiredSize ?? 1) <= 0) {
          await new Promise<void>((resolve) => (wake = resolve));
          wake = undefined;
        }
      },
      interrupt() {
        stopping = true;
        wake?.();
      },
      async end(failure) {
        if (cancelled || ended) return;
        ended = true;
        if (failure) controller.error(failure.error);
        else controller.close();
        wake?.();
      },
    },
  };
}

function chunking(options: StreamOutputOptions): "records" | "batches" {
  const chunks = options.chunks ?? "records";
  if (chunks !== "records" && chunks !== "batches") {
    throw new RivuletError("INVALID_ARGUMENT", `chunks must be "records" or "batches", got ${JSON.stringify(chunks)}`);
  }
  return chunks;
}
