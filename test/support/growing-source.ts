// A replayable byte source whose data arrives over time: what a log file or a ranged HTTP
// resource looks like to a text or NDJSON stream that checkpoints its byte offset.
import type { ReplayableByteSource } from "../../src/index.ts";

/**
 * Serves `data` from any offset, `chunk` bytes at a time (cutting lines anywhere), up to
 * `limit.upTo`: past it the rest is not there yet (a read waits), and the test moves the limit.
 * Each offset opened is recorded in `opened`.
 */
export function growingSource(data: Uint8Array, chunk: number, opened: number[], limit: { upTo: number }): ReplayableByteSource {
  return {
    open(offset) {
      opened.push(offset);
      let at = offset;
      return new ReadableStream<Uint8Array>({
        pull(c) {
          if (at >= data.length) return c.close();
          if (at >= limit.upTo) return new Promise<void>(() => undefined);
          const end = Math.min(at + chunk, limit.upTo);
          c.enqueue(data.slice(at, end));
          at = end;
        },
      });
    },
  };
}
