import { afterEach, describe, expect, it } from "vitest";
import { type Batch, ManualClock, Seconds, StreamingContext } from "../../src/index.ts";

const contexts: StreamingContext[] = [];
afterEach(async () => {
  for (const ssc of contexts.splice(0)) await ssc.stop();
});

/** Runs `numBatches` batches of a queueStream and returns each batch's records (in partition order). */
async function run<T>(
  queue: T[][],
  numBatches: number,
  options: { oneAtATime?: boolean; defaultBatch?: T[] } = {},
  duringRun?: (queue: T[][], clock: ManualClock) => Promise<void>,
): Promise<T[][]> {
  const clock = new ManualClock();
  const ssc = new StreamingContext({ batchInterval: Seconds(1), clock, parallelism: 2 });
  contexts.push(ssc);
  const out: T[][] = [];
  ssc.queueStream<T>(queue, options).foreachRDD(async (b: Batch<T>) => void out.push(await b.collect()));
  ssc.start();
  if (duringRun) await duringRun(queue, clock);
  else await clock.advance(numBatches * 1000);
  return out;
}

describe("queueStream", () => {
  it("takes one queued batch per interval by default (oneAtATime: true)", async () => {
    expect(await run([[1, 2], [3], [4, 5, 6]], 3)).toEqual([[1, 2], [3], [4, 5, 6]]);
  });

  it("takes every queued batch at once, in order, with oneAtATime: false", async () => {
    expect(await run([[1, 2], [3], [4, 5, 6]], 2, { oneAtATime: false })).toEqual([[1, 2, 3, 4, 5, 6], []]);
  });

  it("gives empty batches once the queue is exhausted, without a default batch", async () => {
    expect(await run([["a"]], 3)).toEqual([["a"], [], []]);
  });

  it("gives the defaultBatch once the queue is exhausted", async () => {
    expect(await run([["a"], ["b"]], 4, { defaultBatch: ["d"] })).toEqual([["a"], ["b"], ["d"], ["d"]]);
  });

  it("gives the defaultBatch for an empty queue with oneAtATime: false too", async () => {
    expect(await run([[1], [2]], 3, { oneAtATime: false, defaultBatch: [0] })).toEqual([[1, 2], [0], [0]]);
  });

  it("takes batches pushed to the queue array after start", async () => {
    const out = await run<string>([], 0, {}, async (queue, clock) => {
      await clock.advance(1000);
      queue.push(["x", "y"]);
      queue.push(["z"]);
      await clock.advance(1000);
      await clock.advance(1000);
      queue.push(["w"]);
      await clock.advance(2000);
    });
    expect(out).toEqual([[], ["x", "y"], ["z"], ["w"], []]);
  });

  it("consumes the caller's array as a queue", async () => {
    const queue = [[1], [2], [3]];
    await run(queue, 2);
    expect(queue).toEqual([[3]]);
  });
});
