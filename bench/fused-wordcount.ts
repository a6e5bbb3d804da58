// Word count from a UTF-8 byte stream through the public API, one thread (parallelism 1):
// textStream(bytes).flatMap(words).countByValue() and .map(w => [w, 1]).reduceByKey(sum), which
// the planner fuses into the WASM kernel, against a plain JS word count over the same bytes
// (TextDecoder, lines, words(), Map).

import { type DStream, ManualClock, Seconds, StreamingContext, sum, words } from "../src/index.ts";
import { vocabulary, zipfText } from "./kernels/common.ts";

export interface FusedResult {
  readonly vocabulary: number;
  readonly distinct: number;
  readonly megabytes: number;
  readonly jsMs: number;
  /** `flatMap(words).countByValue()`. */
  readonly fusedMs: number;
  /** `flatMap(words).map(w => [w, 1]).reduceByKey(sum)`. */
  readonly pairsMs: number;
}

type Counting = (tokens: DStream<string>) => DStream<[string, number]>;

const countByValue: Counting = (tokens) => tokens.countByValue();
const pairsSummed: Counting = (tokens) => tokens.map((w) => [w, 1] as const).reduceByKey(sum);

function jsWordCount(bytes: Uint8Array): number {
  const text = new TextDecoder().decode(bytes);
  const counts = new Map<string, number>();
  for (const line of text.split("\n")) for (const w of words(line)) counts.set(w, (counts.get(w) ?? 0) + 1);
  return counts.size;
}

/**
 * A running job on one context (the engine and its kernels stay warm, as in a streaming job):
 * each call feeds the bytes as one batch and resolves with that batch's distinct words.
 */
async function fusedJob(counting: Counting): Promise<{ run(chunks: readonly Uint8Array[]): Promise<number>; stop(): Promise<void> }> {
  const clock = new ManualClock();
  const ssc = new StreamingContext({ batchInterval: Seconds(1), clock, parallelism: 1 });
  let distinct = 0;
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  counting(ssc.textStream(new ReadableStream<Uint8Array>({ start: (c) => void (controller = c) })).flatMap(words)).foreachRDD(
    async (b) => void (distinct = await b.count()),
  );
  ssc.start();
  return {
    async run(chunks) {
      for (const chunk of chunks) controller.enqueue(chunk);
      await clock.advance(1000);
      return distinct;
    },
    stop: () => ssc.stop(),
  };
}

function chunked(bytes: Uint8Array, size = 1 << 16): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let at = 0; at < bytes.length; at += size) out.push(bytes.subarray(at, at + size));
  return out;
}

export async function benchFusedWordCount(wordsPerBatch = 4_000_000, rounds = 3, sizes = [100, 10_000, 1_000_000]): Promise<FusedResult[]> {
  const results: FusedResult[] = [];
  for (const size of sizes) {
    const { bytes, distinct } = zipfText(vocabulary(size), wordsPerBatch);
    const chunks = chunked(bytes);
    const js: number[] = [];
    const fused: number[] = [];
    const pairs: number[] = [];
    // One context runs at a time: each spelling gets its own job, its rounds interleaved with the
    // JS baseline's.
    for (const [counting, times] of [
      [countByValue, fused],
      [pairsSummed, pairs],
    ] as const) {
      const job = await fusedJob(counting);
      await job.run(chunks); // warm-up: kernel instantiation, memory growth
      for (let r = 0; r < rounds; r++) {
        let t = performance.now();
        const a = jsWordCount(bytes);
        js.push(performance.now() - t);
        t = performance.now();
        const b = await job.run(chunks);
        times.push(performance.now() - t);
        if (a !== b) throw new Error(`fused word count found ${b} distinct words, the JS one ${a}`);
      }
      await job.stop();
    }
    results.push({
      vocabulary: size,
      distinct,
      megabytes: bytes.length / 1e6,
      jsMs: Math.min(...js),
      fusedMs: Math.min(...fused),
      pairsMs: Math.min(...pairs),
    });
  }
  return results;
}
