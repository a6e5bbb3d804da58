// reduceByKeyAndWindow with an inverse function (incremental) vs without (the whole window
// reduced again), window = 30 batches, slide = 1 batch, 10k keys, through the public API.

import { ManualClock, MemoryCheckpointStore, Seconds, StreamingContext, sum } from "../src/index.ts";
import { prng } from "./corpus.ts";

export interface WindowResult {
  readonly recomputeMsPerBatch: number;
  readonly incrementalMsPerBatch: number;
}

function batchOf(keys: number, pairsPerBatch: number, seed: number): [string, number][] {
  const random = prng(seed);
  const out: [string, number][] = [];
  for (let i = 0; i < pairsPerBatch; i++) out.push([`k${Math.floor(random() * keys)}`, 1]);
  return out;
}

async function run(incremental: boolean, batches: [string, number][][], window: number): Promise<number> {
  const clock = new ManualClock();
  const ssc = new StreamingContext({ batchInterval: Seconds(1), clock, parallelism: 2 });
  ssc.checkpoint(new MemoryCheckpointStore());
  const count = batches.length;
  const pairs = ssc.queueStream(batches.slice()); // the queue is consumed
  const windowed = incremental
    ? pairs.reduceByKeyAndWindow(sum, Seconds(window), Seconds(1), { invFn: (a, b) => a - b, filterFn: ([, n]) => n !== 0 })
    : pairs.reduceByKeyAndWindow(sum, Seconds(window), Seconds(1));
  let keys = 0;
  windowed.foreachRDD(async (b) => void (keys = await b.count()));
  // Checkpoints are the default 10 s apart in both runs; the measured batches include them.
  ssc.start();
  await clock.advance(window * 1000); // fill the window first
  const start = performance.now();
  await clock.advance((count - window) * 1000);
  const elapsed = performance.now() - start;
  await ssc.stop();
  if (keys === 0) throw new Error("the windowed word count produced nothing");
  return elapsed / (count - window);
}

export async function benchWindows(keys = 10_000, pairsPerBatch = 50_000, window = 30): Promise<WindowResult> {
  const batches = Array.from({ length: window * 2 }, (_, i) => batchOf(keys, pairsPerBatch, i + 1));
  await run(true, batches.slice(0, window + 2), window); // warm-up
  const incrementalMsPerBatch = await run(true, batches, window);
  const recomputeMsPerBatch = await run(false, batches, window);
  return { recomputeMsPerBatch, incrementalMsPerBatch };
}
