// Word count through the public DStream API vs a plain single-threaded Map loop over the same
// lines, in one run. The claim: the DStream layer keeps at least half the plain loop's throughput.

import { ManualClock, Seconds, StreamingContext, sum } from "../src/index.ts";
import { vocabulary, zipfLines } from "./corpus.ts";

export interface WordCountResult {
  readonly words: number;
  readonly plainWordsPerSecond: number;
  readonly dstreamWordsPerSecond: Readonly<Record<number, number>>;
}

function plainWordCount(lines: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const line of lines) {
    for (const w of line.split(" ")) counts.set(w, (counts.get(w) ?? 0) + 1);
  }
  return counts;
}

async function dstreamWordCount(lines: string[], batches: number, parallelism: number): Promise<number> {
  const clock = new ManualClock();
  const ssc = new StreamingContext({ batchInterval: Seconds(1), clock, parallelism });
  const queue = Array.from({ length: batches }, () => lines);
  let distinct = 0;
  ssc
    .queueStream(queue)
    .flatMap((line) => line.split(" "))
    .map((w) => [w, 1] as const)
    .reduceByKey(sum)
    .foreachRDD(async (batch) => {
      distinct = await batch.count();
    });
  ssc.start();
  const start = performance.now();
  await clock.advance(batches * 1000);
  const elapsed = performance.now() - start;
  await ssc.stop();
  if (distinct === 0) throw new Error("the DStream word count produced nothing");
  return elapsed;
}

export async function benchWordCount(totalWords = 2_000_000, distinct = 10_000, rounds = 5): Promise<WordCountResult> {
  const lines = zipfLines(vocabulary(distinct), totalWords);
  const best = (xs: number[]) => Math.min(...xs);

  // Warm both paths up, then take the best of several rounds of each, interleaved.
  plainWordCount(lines);
  await dstreamWordCount(lines, 1, 1);
  const plain: number[] = [];
  const dstream: Record<number, number[]> = { 1: [], 2: [] };
  for (let r = 0; r < rounds; r++) {
    const t0 = performance.now();
    plainWordCount(lines);
    plain.push(performance.now() - t0);
    for (const p of [1, 2]) dstream[p]!.push(await dstreamWordCount(lines, 1, p));
  }
  const rate = (ms: number) => (totalWords / ms) * 1000;
  return {
    words: totalWords,
    plainWordsPerSecond: rate(best(plain)),
    dstreamWordsPerSecond: { 1: rate(best(dstream[1]!)), 2: rate(best(dstream[2]!)) },
  };
}
