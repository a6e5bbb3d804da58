// A long run of a job using every kind of remembered or kept data (windows with and without an
// inverse, updateStateByKey, mapWithState with a timeout, a join, a union, checkpoints every
// batch, a listener, statistics): nothing it holds may grow with the number of batches, as a
// page or an edge isolate runs a job for days. Checked by what the job holds (checkpoints kept,
// batches retained) and by the heap after a full collection, between an early and a late batch.
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { afterEach, expect, it } from "vitest";
import { ManualClock, MemoryCheckpointStore, Seconds, type State, StateSpec, StreamingContext, sum, type StreamingListener } from "../src/index.ts";

setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;

const contexts: StreamingContext[] = [];
afterEach(async () => {
  for (const ssc of contexts.splice(0)) await ssc.stop();
});

const KEYS = 300;
const PER_BATCH = 300;

/** Batch `i`: pairs over a fixed key space, a different mix every batch. */
function batchAt(i: number): [string, number][] {
  const out: [string, number][] = [];
  for (let j = 0; j < PER_BATCH; j++) out.push([`k${(i * 7919 + j * 104729) % KEYS}`, (j % 5) + 1]);
  return out;
}

function heapMiB(): number {
  gc();
  gc();
  return process.memoryUsage().heapUsed / (1 << 20);
}

it("holds no more after 800 batches than after 200: checkpoints, retained batches and the heap stay bounded", async () => {
  const clock = new ManualClock();
  const ssc = new StreamingContext({ batchInterval: Seconds(1), clock, parallelism: 2, retainedBatches: 100, log: () => {} });
  contexts.push(ssc);
  const store = new MemoryCheckpointStore();
  ssc.checkpoint(store);
  const queue: [string, number][][] = [];
  const pairs = ssc.queueStream(queue);
  const other = ssc.queueStream<[string, number]>([], { defaultBatch: [["k1", 1], ["k2", 2]] });

  const outputs: number[] = [];
  const note = (n: number): void => {
    outputs.push(n);
    if (outputs.length > 64) outputs.splice(0, 32);
  };
  pairs.reduceByKeyAndWindow(sum, Seconds(10), Seconds(1), { invFn: (a, b) => a - b, filterFn: ([, v]) => v !== 0 }).foreachRDD(async (b) => note(await b.count()));
  pairs.reduceByKeyAndWindow(sum, Seconds(6), Seconds(2)).foreachRDD(async (b) => note(await b.count()));
  pairs.updateStateByKey<string, number, number>((vs, s) => (s ?? 0) + vs.length).foreachRDD(async (b) => note(await b.count()));
  pairs
    .mapWithState(
      StateSpec.function((_k: string, v: number | undefined, state: State<number>) => {
        if (state.isTimingOut()) return 0;
        state.update((state.exists() ? state.get() : 0) + (v ?? 0));
        return state.get();
      }).timeout(Seconds(5)),
    )
    .foreachRDD(async (b) => note(await b.count()));
  pairs.join(other).union(pairs.map(([k, v]) => [k, [v, v]] as [string, [number, number]])).countByValue().foreachRDD(async (b) => note(await b.count()));
  pairs.window(Seconds(4)).count().print();

  let completed = 0;
  const listener: StreamingListener = { onBatchCompleted: () => void completed++ };
  ssc.addStreamingListener(listener);
  ssc.start();

  const run = async (from: number, to: number): Promise<void> => {
    for (let i = from; i < to; i++) {
      queue.push(batchAt(i));
      await clock.advance(1000);
    }
  };
  await run(0, 200);
  const early = { heap: heapMiB(), checkpoints: (await store.list()).length };
  await run(200, 800);
  const late = { heap: heapMiB(), checkpoints: (await store.list()).length };

  expect(completed).toBe(800);
  expect(outputs.length).toBeGreaterThan(0);
  // Old checkpoints are deleted as new ones are written; batch records are cut at each checkpoint.
  expect(late.checkpoints).toBe(early.checkpoints);
  expect(ssc.statistics().numRetainedCompletedBatches).toBe(100);
  // 600 batches of 300 records each passed through; what stays must not grow with them. A
  // leak of even one record array per batch would add tens of MiB.
  expect(late.heap - early.heap).toBeLessThan(8);
}, 120_000);
