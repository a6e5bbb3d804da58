// An incremental window keeps its reduced batches for the whole window, and with them nothing of
// the input batches they were reduced from: those go once the input stream forgets them.
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { afterEach, expect, it } from "vitest";
import { ManualClock, MemoryCheckpointStore, Seconds, StreamingContext } from "../../src/index.ts";

setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;

const contexts: StreamingContext[] = [];
afterEach(async () => {
  for (const ssc of contexts.splice(0)) await ssc.stop();
});

it("reduceByKeyAndWindow with invFn: a 10-batch window holds the reduced batches, not the input's records", async () => {
  const clock = new ManualClock();
  const ssc = new StreamingContext({ batchInterval: Seconds(1), clock, parallelism: 2 });
  contexts.push(ssc);
  ssc.checkpoint(new MemoryCheckpointStore());
  const queue: [string, number][][] = [];
  const counts: number[] = [];
  ssc
    .queueStream(queue)
    .reduceByKeyAndWindow((a: number, b: number) => a + b, (a, b) => a - b, Seconds(10), Seconds(1))
    .foreachRDD(async (b) => void counts.push((await b.collect()).reduce((n, [, v]) => n + v, 0)));
  ssc.start();
  const records: WeakRef<object>[] = [];
  for (let i = 0; i < 8; i++) {
    const batch = Array.from({ length: 100 }, (_, j): [string, number] => [`k${j % 7}`, 1]);
    records.push(new WeakRef(batch[0]!));
    queue.push(batch);
    await clock.advance(1000);
  }
  await new Promise((resolve) => setTimeout(resolve, 0));
  gc();
  // Every batch but the last two is still in the window, and none of their records is held.
  expect(records.slice(0, -2).map((r) => r.deref() === undefined)).toEqual(Array(6).fill(true));
  expect(counts).toEqual([100, 200, 300, 400, 500, 600, 700, 800]);
});
