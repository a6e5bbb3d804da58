// The browser engine tests' job: two batches of mixed-script text, fused word count in two module
// workers, with what the shuffles reported and the plain-JS counts to compare with.
import { ManualClock, Seconds, StreamingContext, words, type ShuffleMetrics } from "../../src/index.ts";

export interface FusedWorkersRun {
  readonly out: [string, number][][];
  readonly expected: [string, number][][];
  readonly shuffles: ShuffleMetrics[];
  readonly liveWhileRunning: number;
  readonly liveAfterStop: number;
}

const byWord = (a: [string, number], b: [string, number]) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0);

function plainCounts(text: string): [string, number][] {
  const counts = new Map<string, number>();
  for (const line of text.split("\n")) for (const w of words(line)) counts.set(w, (counts.get(w) ?? 0) + 1);
  return [...counts].sort(byWord);
}

export async function runFusedWordCountInWorkers(): Promise<FusedWorkersRun> {
  const clock = new ManualClock();
  const shuffles: ShuffleMetrics[] = [];
  const ssc = new StreamingContext({ batchInterval: Seconds(1), clock, parallelism: 2, workers: { onShuffleMetrics: (m) => shuffles.push(m) } });
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  const out: [string, number][][] = [];
  ssc
    .textStream(new ReadableStream<Uint8Array>({ start: (c) => void (controller = c) }))
    .flatMap(words)
    .countByValue()
    .foreachRDD(async (b) => void out.push((await b.collect()).sort(byWord)));
  ssc.start();
  const vocabulary = ["größe", "naïve", "🦀", "the", "a", "stream", "日本語", "café"];
  const texts = [1, 2].map((seed) =>
    Array.from({ length: 12_000 }, (_, i) => `${vocabulary[(i * seed) % vocabulary.length]} ${vocabulary[(i * 7 + seed) % vocabulary.length]}\u3000x${i % 97}`).join("\n") + "\n",
  );
  let liveWhileRunning = 0;
  for (const text of texts) {
    const bytes = new TextEncoder().encode(text);
    for (let at = 0; at < bytes.length; at += 16_384) controller.enqueue(bytes.slice(at, at + 16_384));
    await clock.advance(1000);
    liveWhileRunning = Math.max(liveWhileRunning, ssc.engine.liveWorkers);
  }
  await ssc.stop();
  return { out, expected: texts.map(plainCounts), shuffles, liveWhileRunning, liveAfterStop: ssc.engine.liveWorkers };
}
