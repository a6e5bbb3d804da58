// reduceByKeyAndWindow with an inverse function (incremental) vs without (the whole window
// reduced again), window = 30 batches, slide = 1 batch, 10k keys, through the public API; and the
// per-batch reduceByKey(sum) alone, which both forms pay every batch.

import { ManualClock, MemoryCheckpointStore, Seconds, StreamingContext, sum } from "../src/index.ts";
import { prng } from "./corpus.ts";

export interface WindowResult {
  readonly recomputeMsPerBatch: number;
  readonly incrementalMsPerBatch: number;
  /** The per-batch reduceByKey(sum) alone, no window: what both forms pay each batch before the window. */
  readonly reduceOnlyMsPerBatch: number;
}

/** With the inverse function, without it, or no window at all (only the per-batch reduction). */
type Form = "incremental" | "recompute" | "reduce";

function batchOf(keys: number, pairsPerBatch: number, seed: number): [string, number][] {
  const random = prng(seed);
  const out: [string, number][] = [];
  for (let i = 0; i < pairsPerBatch; i++) out.push([`k${Math.floor(random() * keys)}`, 1]);
  return out;
}

async function run(form: Form, count: number, window: number, keys: number, pairsPerBatch: number): Promise<number> {
  const clock = new ManualClock();
  const ssc = new StreamingContext({ batchInterval: Seconds(1), clock, parallelism: 2 });
  ssc.checkpoint(new MemoryCheckpointStore());
  // Each batch is queued just before its interval, as a live source delivers it: the job holds
  // what it remembers, not the whole run's input.
  const queue: [string, number][][] = [];
  const pairs = ssc.queueStream(queue);
  const reduced =
    form === "incremental"
      ? pairs.reduceByKeyAndWindow(sum, Seconds(window), Seconds(1), { invFn: (a, b) => a - b, filterFn: ([, n]) => n !== 0 })
      : form === "recompute"
        ? pairs.reduceByKeyAndWindow(sum, Seconds(window), Seconds(1))
        : pairs.reduceByKey(sum);
  let distinct = 0;
  reduced.foreachRDD(async (b) => void (distinct = await b.count()));
  // Checkpoints are the default 10 s apart in the windowed runs; the measured batches include them.
  ssc.start();
  let elapsed = 0;
  for (let i = 0; i < count; i++) {
    queue.push(batchOf(keys, pairsPerBatch, i + 1));
    const start = performance.now();
    await clock.advance(1000);
    if (i >= window) elapsed += performance.now() - start; // the window is full from here on
  }
  await ssc.stop();
  if (distinct === 0) throw new Error(`the ${form} run produced nothing`);
  return elapsed / (count - window);
}

export async function benchWindows(keys = 10_000, pairsPerBatch = 50_000, window = 30): Promise<WindowResult> {
  await run("incremental", window + 2, window, keys, pairsPerBatch); // warm-up
  const incrementalMsPerBatch = await run("incremental", window * 2, window, keys, pairsPerBatch);
  const recomputeMsPerBatch = await run("recompute", window * 2, window, keys, pairsPerBatch);
  const reduceOnlyMsPerBatch = await run("reduce", window * 2, window, keys, pairsPerBatch);
  return { recomputeMsPerBatch, incrementalMsPerBatch, reduceOnlyMsPerBatch };
}
