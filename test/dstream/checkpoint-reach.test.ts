// Which streams need and take checkpoints: only those an output reads, as Spark validates and
// checkpoints from the output streams down. A window or a stateful stream no output reads neither
// requires a checkpoint store nor saves its parent's batches.
import { afterEach, describe, expect, it, vi } from "vitest";
import { ManualClock, MemoryCheckpointStore, Seconds, StreamingContext, sum } from "../../src/index.ts";

const contexts: StreamingContext[] = [];
afterEach(async () => {
  for (const ssc of contexts.splice(0)) await ssc.stop();
  vi.restoreAllMocks();
});

/** A record a checkpoint cannot hold: an instance of a class of the job's. */
class View {
  constructor(readonly page: string) {}
}

function context(): { ssc: StreamingContext; clock: ManualClock } {
  const clock = new ManualClock();
  const ssc = new StreamingContext({ batchInterval: Seconds(1), clock, parallelism: 2 });
  contexts.push(ssc);
  return { ssc, clock };
}

describe("checkpoints follow the outputs", () => {
  it("starts without a store when the streams needing one are read by no output", async () => {
    const { ssc, clock } = context();
    const pairs = ssc.queueStream<[string, number]>([[["a", 1]], [["a", 2]]]);
    pairs.reduceByKeyAndWindow(sum, Seconds(3), Seconds(1), { invFn: (a, b) => a - b });
    pairs.updateStateByKey<string, number, number>((vs, s) => (s ?? 0) + vs.length);
    const out: [string, number][][] = [];
    pairs.foreachRDD(async (b) => void out.push(await b.collect()));
    ssc.start();
    await clock.advance(2000);
    expect(out).toEqual([[["a", 1]], [["a", 2]]]);
  });

  it("still refuses to start without a store when an output reads such a stream", () => {
    const { ssc } = context();
    const pairs = ssc.queueStream<[string, number]>([]);
    pairs.print();
    pairs.reduceByKeyAndWindow(sum, Seconds(3), Seconds(1), { invFn: (a, b) => a - b }).print();
    expect(() => ssc.start()).toThrow(expect.objectContaining({ code: "CHECKPOINT_REQUIRED" }));
  });

  it("saves no batches of a stream for a window no output reads", async () => {
    vi.spyOn(console, "error").mockImplementation(() => undefined);
    const { ssc, clock } = context();
    ssc.checkpoint(new MemoryCheckpointStore());
    const views = ssc.queueStream<View>([], { defaultBatch: [new View("/index"), new View("/about")] });
    // Built but never read, as a job choosing one metric of several may leave them.
    views.window(Seconds(30), Seconds(2)).count();
    const counts: number[] = [];
    views.map((v) => v.page).countByValue().foreachRDD(async (b) => void counts.push(await b.count()));
    ssc.start();
    // Checkpoints every batch (no data of any stream), none holding a View.
    await clock.advance(25_000);
    expect(counts).toHaveLength(25);
    // No checkpoint failed: a View in one would have been refused (CHECKPOINT_FAILED).
    await expect(ssc.awaitTerminationOrTimeout(10)).resolves.toBe(false);
  });

  it("saves a window's parent once an output reads the window, whichever other reader initialized the parent first", async () => {
    const { ssc, clock } = context();
    const store = new MemoryCheckpointStore();
    ssc.checkpoint(store);
    const numbers = ssc.queueStream<number>([], { defaultBatch: [1, 2] });
    // The parent is reached first through its own output, then through the window's.
    numbers.foreachRDD(() => {});
    const sums: number[] = [];
    numbers.window(Seconds(4), Seconds(2)).reduce((a, b) => a + b).foreachRDD(async (b) => void sums.push(...(await b.collect())));
    ssc.start();
    await clock.advance(10_000);
    expect(sums).toEqual([6, 12, 12, 12, 12]);
    // After a restart from the checkpoint at 10 s, the window at 12 s covers 9 to 12 s: the
    // parent's batches at 9 and 10 s come from the checkpoint.
    await ssc.stop();
    const clock2 = new ManualClock(10_000);
    const sums2: number[] = [];
    const restarted = await StreamingContext.getOrCreate(store, () => {
      const ssc2 = new StreamingContext({ batchInterval: Seconds(1), clock: clock2, parallelism: 2 });
      contexts.push(ssc2);
      ssc2.checkpoint(store);
      const numbers2 = ssc2.queueStream<number>([], { defaultBatch: [1, 2] });
      numbers2.foreachRDD(() => {});
      numbers2.window(Seconds(4), Seconds(2)).reduce((a, b) => a + b).foreachRDD(async (b) => void sums2.push(...(await b.collect())));
      return ssc2;
    });
    restarted.start();
    await clock2.advance(2000);
    expect(sums2).toEqual([12]);
  });
});
