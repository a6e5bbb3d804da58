// The engine's workers in a cross-origin-isolated Chromium page (COOP/COEP headers from the test
// server): SharedArrayBuffer exists, so text batches are assembled in shared memory as chunks
// arrive and the two module workers read their slices in place, with exactly the plain-JS counts.
import { expect, it } from "vitest";
import { ManualClock, Seconds, StreamingContext, words, type ShuffleMetrics } from "../../src/index.ts";

function plainCounts(text: string): [string, number][] {
  const counts = new Map<string, number>();
  for (const line of text.split("\n")) for (const w of words(line)) counts.set(w, (counts.get(w) ?? 0) + 1);
  return [...counts].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}

it("counts words of large batches in two module workers through shared memory, with the plain-JS counts", async () => {
  expect(globalThis.crossOriginIsolated).toBe(true);
  expect(typeof SharedArrayBuffer).toBe("function");
  const clock = new ManualClock();
  const shuffles: ShuffleMetrics[] = [];
  const ssc = new StreamingContext({ batchInterval: Seconds(1), clock, parallelism: 2, workers: { onShuffleMetrics: (m) => shuffles.push(m) } });
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  const out: [string, number][][] = [];
  ssc
    .textStream(new ReadableStream<Uint8Array>({ start: (c) => void (controller = c) }))
    .flatMap(words)
    .countByValue()
    .foreachRDD(async (b) => void out.push((await b.collect()).sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))));
  ssc.start();
  const vocabulary = ["größe", "naïve", "🦀", "the", "a", "stream", "日本語", "café"];
  const texts = [1, 2].map((seed) =>
    Array.from({ length: 12_000 }, (_, i) => `${vocabulary[(i * seed) % vocabulary.length]} ${vocabulary[(i * 7 + seed) % vocabulary.length]}\u3000x${i % 97}`).join("\n") + "\n",
  );
  for (const text of texts) {
    const bytes = new TextEncoder().encode(text);
    for (let at = 0; at < bytes.length; at += 16_384) controller.enqueue(bytes.slice(at, at + 16_384));
    await clock.advance(1000);
  }
  await ssc.stop();
  expect(out).toEqual(texts.map(plainCounts));
  expect(shuffles).toHaveLength(2);
  for (const m of shuffles) {
    expect(m.transport).toBe("shared");
    expect(m.slices).toBe(2);
    // Built in shared memory as the chunks arrived: nothing copied when the batch runs.
    expect(m.copiedBytes).toBe(0);
  }
  expect(ssc.engine.liveWorkers).toBe(0);
});
