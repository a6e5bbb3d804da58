// The driver of a page's job in a dedicated worker (away from the page's main thread and its
// throttled timers): events go in as messages, the output comes back as a transferred stream.
import { expect, it } from "vitest";
import type { StreamingStatistics, TimedBatch } from "../../src/index.ts";

it("counts what the page posts in a worker's context, and streams the counts back to the page", async () => {
  const worker = new Worker(new URL("../fixtures/runtime/page-job-worker.ts?worker_file&type=module", import.meta.url), { type: "module" });
  const replies: unknown[] = [];
  const waiting: ((reply: unknown) => void)[] = [];
  worker.onmessage = (e: MessageEvent) => (waiting.length > 0 ? waiting.shift()!(e.data) : replies.push(e.data));
  const next = <T>(): Promise<T> => new Promise<T>((resolve) => (replies.length > 0 ? resolve(replies.shift() as T) : waiting.push(resolve as (r: unknown) => void)));
  try {
    const { output } = await next<{ output: ReadableStream<TimedBatch<[string, number]>> }>();
    expect(output).toBeInstanceOf(ReadableStream);
    const reader = output.getReader();
    const batch = async () => {
      const { value } = await reader.read();
      return { time: value!.time, records: value!.records.sort(([a], [b]) => (a < b ? -1 : 1)) };
    };

    for (const click of ["buy", "cart", "buy"]) worker.postMessage(click);
    worker.postMessage({ command: "advance" });
    expect(await next()).toEqual({ advanced: 1000 });
    expect(await batch()).toEqual({ time: 1000, records: [["buy", 2], ["cart", 1]] });

    worker.postMessage("__proto__");
    worker.postMessage({ command: "advance" });
    expect(await next()).toEqual({ advanced: 2000 });
    expect(await batch()).toEqual({ time: 2000, records: [["__proto__", 1]] });

    worker.postMessage({ command: "stop" });
    const { stopped } = await next<{ stopped: StreamingStatistics }>();
    expect(stopped).toMatchObject({ numTotalCompletedBatches: 2, numProcessedRecords: 4, numReceivers: 1, numActiveReceivers: 0 });
    expect(await reader.read()).toEqual({ value: undefined, done: true }); // the context's stop ends the stream
  } finally {
    worker.terminate();
  }
});
