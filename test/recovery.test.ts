// Recovery from checkpoints, in process: a context is abandoned mid-run (as a crash would leave
// it), a new one is made by getOrCreate from the same store, and the result is exact.
import { afterEach, describe, expect, it, vi } from "vitest";
import {
  type CheckpointStore,
  Duration,
  ManualClock,
  MemoryCheckpointStore,
  type RecoveryInfo,
  RivuletError,
  Seconds,
  StreamingContext,
  sum,
} from "../src/index.ts";
import { sorted } from "./support/spark-suite.ts";

afterEach(async () => {
  await StreamingContext.getActive()?.stop();
  vi.restoreAllMocks();
});

const input = [["a", "b"], ["a"], ["c", "a"], [], ["b"], ["a", "c"], ["d"], []];

function reference(batches: string[][], upTo: number): [string, number][] {
  const m = new Map<string, number>();
  for (const b of batches.slice(0, upTo)) for (const w of b) m.set(w, (m.get(w) ?? 0) + 1);
  return sorted([...m]);
}

interface Job {
  ssc: StreamingContext;
  clock: ManualClock;
  states: Map<number, [string, number][]>;
  recovery: RecoveryInfo | undefined;
}

/** A stateful word count over a replayable queue; the factory queues every batch from the start. */
async function job(store: CheckpointStore, clockStart = 0, interval: Duration | "default" = Seconds(1)): Promise<Job> {
  const clock = new ManualClock(clockStart);
  const states = new Map<number, [string, number][]>();
  let recovery: RecoveryInfo | undefined;
  const ssc = await StreamingContext.getOrCreate(store, (info) => {
    recovery = info;
    const ctx = new StreamingContext({ batchInterval: Seconds(1), clock, parallelism: 2 });
    const counts = ctx
      .queueStream(input.map((b) => b.slice()))
      .map((w) => [w, 1] as const)
      .updateStateByKey<string, 1, number>((values, state) => (state ?? 0) + values.length);
    if (interval !== "default") counts.checkpoint(interval);
    counts.foreachRDD(async (b, t) => void states.set(t, sorted(await b.collect())));
    return ctx;
  });
  return { ssc, clock, states, recovery };
}

describe("getOrCreate", () => {
  it("creates a new context when the store is empty, and checkpoints to it", async () => {
    const store = new MemoryCheckpointStore();
    const { ssc, clock, recovery } = await job(store);
    expect(recovery).toBeUndefined();
    ssc.start();
    await clock.advance(3000);
    await ssc.stop();
    expect((await store.list()).length).toBeGreaterThan(0);
  });

  it("resumes after a crash with the exact state: nothing lost, nothing counted twice", async () => {
    const store = new MemoryCheckpointStore();
    const first = await job(store);
    first.ssc.start();
    await first.clock.advance(3000); // batches 1000..3000; checkpoint every batch here
    // A crash: the context is never stopped; a new process starts from the store.
    await first.ssc.stop({ stopEngine: false }); // only to free the realm's active slot
    const second = await job(store, 3000);
    expect(second.recovery?.checkpointTime).toBe(3000);
    second.ssc.start();
    await second.clock.advance(input.length * 1000 - 3000);
    await second.ssc.stop();
    for (let i = 4; i <= input.length; i++) expect(second.states.get(i * 1000)).toEqual(reference(input, i));
  });

  it("checkpoints state every 10 s by default (the first multiple of the slide at or above)", async () => {
    const store = new MemoryCheckpointStore();
    const { ssc, clock } = await job(store, 0, "default");
    const written: number[] = [];
    ssc.addStreamingListener({ onCheckpointCompleted: ({ time }) => void written.push(time) });
    ssc.start();
    await clock.advance(21_000);
    await ssc.stop();
    expect(written).toEqual([10_000, 20_000]);
  });

  it("replays the batches after the last checkpoint when checkpoints are sparser than batches", async () => {
    const store = new MemoryCheckpointStore();
    const first = await job(store, 0, Seconds(2));
    first.ssc.start();
    await first.clock.advance(5000); // checkpoints at 2000 and 4000; batch 5000 is lost
    await first.ssc.stop();
    const second = await job(store, 5000, Seconds(2));
    expect(second.recovery?.checkpointTime).toBe(4000);
    second.ssc.start();
    await second.clock.advance(input.length * 1000 - 5000);
    await second.ssc.stop();
    expect(second.states.get(5000)).toEqual(reference(input, 5));
    expect(second.states.get(input.length * 1000)).toEqual(reference(input, input.length));
  });

  it("generates the batches of the time the job was down, in order", async () => {
    const store = new MemoryCheckpointStore();
    const first = await job(store);
    first.ssc.start();
    await first.clock.advance(2000);
    await first.ssc.stop();
    const second = await job(store, 6000); // down from 2000 to 6000
    second.ssc.start();
    await second.clock.advance(0); // the catch-up batches 3000..6000 run at once
    expect([...second.states.keys()]).toEqual([3000, 4000, 5000, 6000]);
    expect(second.states.get(6000)).toEqual(reference(input, 6));
    await second.ssc.stop();
  });

  it("refuses a checkpoint written by a different graph, saying so", async () => {
    const store = new MemoryCheckpointStore();
    const first = await job(store);
    first.ssc.start();
    await first.clock.advance(2000);
    await first.ssc.stop();
    await expect(
      StreamingContext.getOrCreate(store, () => {
        const ctx = new StreamingContext({ batchInterval: Seconds(1), clock: new ManualClock() });
        ctx.queueStream<string>([]).map((w) => [w, 1] as const).reduceByKey(sum).print();
        return ctx;
      }),
    ).rejects.toThrow(/different DStream graph/);
  });

  it("refuses a checkpoint written with another batch interval", async () => {
    const store = new MemoryCheckpointStore();
    const first = await job(store);
    first.ssc.start();
    await first.clock.advance(1000);
    await first.ssc.stop();
    const err = await StreamingContext.getOrCreate(store, () => new StreamingContext({ batchInterval: Seconds(2) })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RivuletError);
    expect((err as RivuletError).code).toBe("CHECKPOINT_MISMATCH");
  });
});

describe("createOnError and getActiveOrCreate(store, factory)", () => {
  it("with createOnError, a checkpoint of another graph makes a new context, which checkpoints to the store", async () => {
    const store = new MemoryCheckpointStore();
    const first = await job(store);
    first.ssc.start();
    await first.clock.advance(2000);
    await first.ssc.stop();
    const recoveries: (RecoveryInfo | undefined)[] = [];
    const clock = new ManualClock(2000);
    const out: [string, number][][] = [];
    const factory = (info: RecoveryInfo | undefined) => {
      recoveries.push(info);
      const ctx = new StreamingContext({ batchInterval: Seconds(1), clock, parallelism: 2 });
      ctx.queueStream([["x", "x"]]).map((w) => [w, 1] as const).reduceByKey(sum).foreachRDD(async (b) => void out.push(await b.collect()));
      return ctx;
    };
    const ssc = await StreamingContext.getOrCreate(store, factory, { createOnError: true });
    // Called once for the checkpoint (refused: another graph), once more to start afresh.
    expect(recoveries).toEqual([{ checkpointTime: 2000, skipped: [] }, undefined]);
    ssc.start();
    await clock.advance(1000);
    expect(out).toEqual([[["x", 2]]]);
    await ssc.stop();
    // Its own checkpoint is now the newest: the same graph recovers from it.
    await StreamingContext.getOrCreate(store, factory);
    expect(recoveries.at(-1)).toEqual({ checkpointTime: 3000, skipped: [] });
  });

  it("without createOnError, the same checkpoint is refused; other errors are refused either way", async () => {
    const store = new MemoryCheckpointStore();
    const first = await job(store);
    first.ssc.start();
    await first.clock.advance(1000);
    await first.ssc.stop();
    const other = () => {
      const ctx = new StreamingContext({ batchInterval: Seconds(1), clock: new ManualClock() });
      ctx.queueStream<string>([]).print();
      return ctx;
    };
    await expect(StreamingContext.getOrCreate(store, other)).rejects.toMatchObject({ code: "CHECKPOINT_MISMATCH" });
    const failing = () => {
      throw new RivuletError("INVALID_ARGUMENT", "the factory failed");
    };
    await expect(StreamingContext.getOrCreate(store, failing, { createOnError: true })).rejects.toThrow("the factory failed");
  });

  it("getActiveOrCreate(store, factory) gives the active context, else recovers from the store", async () => {
    const store = new MemoryCheckpointStore();
    const first = await job(store);
    first.ssc.start();
    await first.clock.advance(2000);
    const factory = vi.fn(() => new StreamingContext({ batchInterval: Seconds(1) }));
    expect(await StreamingContext.getActiveOrCreate(store, factory)).toBe(first.ssc);
    expect(factory).not.toHaveBeenCalled();
    await first.ssc.stop();
    const clock = new ManualClock(2000);
    const states = new Map<number, [string, number][]>();
    const again = await StreamingContext.getActiveOrCreate(store, (info) => {
      expect(info?.checkpointTime).toBe(2000);
      const ctx = new StreamingContext({ batchInterval: Seconds(1), clock, parallelism: 2 });
      const counts = ctx
        .queueStream(input.map((b) => b.slice()))
        .map((w) => [w, 1] as const)
        .updateStateByKey<string, 1, number>((values, state) => (state ?? 0) + values.length);
      counts.checkpoint(Seconds(1));
      counts.foreachRDD(async (b, t) => void states.set(t, sorted(await b.collect())));
      return ctx;
    });
    again.start();
    await clock.advance(1000);
    expect(states.get(3000)).toEqual(reference(input, 3));
  });
});

describe("damaged checkpoints", () => {
  const damage: [string, (b: Uint8Array) => Uint8Array][] = [
    ["truncated", (b) => b.slice(0, b.length - 7)],
    ["with garbage appended", (b) => new Uint8Array([...b, 1, 2, 3])],
    ["with a flipped byte", (b) => b.map((x, i) => (i === Math.floor(b.length / 2) ? x ^ 0x40 : x))],
  ];
  for (const [what, hurt] of damage) {
    it(`recovers from the previous good checkpoint when the newest is ${what}`, async () => {
      const store = new MemoryCheckpointStore();
      const first = await job(store);
      first.ssc.start();
      await first.clock.advance(4000);
      await first.ssc.stop();
      const newest = (await store.list()).filter((n) => n.startsWith("checkpoint-")).sort().at(-1)!;
      await store.put(newest, hurt((await store.get(newest))!));
      const second = await job(store, 4000);
      expect(second.recovery?.checkpointTime).toBe(3000);
      expect(second.recovery?.skipped.map((s) => s.name)).toEqual([newest]);
      second.ssc.start();
      await second.clock.advance(input.length * 1000 - 4000);
      await second.ssc.stop();
      expect(second.states.get(input.length * 1000)).toEqual(reference(input, input.length));
    });
  }
});

describe("checkpoint requirements and faults", () => {
  it("stateful streams refuse to start without a checkpoint store, as in Spark", () => {
    const ssc = new StreamingContext({ batchInterval: Seconds(1), clock: new ManualClock() });
    ssc.queueStream<[string, number]>([]).updateStateByKey<string, number, number>((v, s) => (s ?? 0) + v.length).print();
    expect(() => ssc.start()).toThrow(/updateStateByKey needs checkpointing: call ssc\.checkpoint\(store\)/);
  });

  it("incremental windows refuse too; plain windows do not", () => {
    const a = new StreamingContext({ batchInterval: Seconds(1), clock: new ManualClock() });
    a.queueStream<number>([]).countByWindow(Seconds(2)).print();
    expect(() => a.start()).toThrow(RivuletError);
    const b = new StreamingContext({ batchInterval: Seconds(1), clock: new ManualClock() });
    b.queueStream<number>([]).window(Seconds(2)).count().print();
    expect(() => b.start()).not.toThrow();
    return b.stop();
  });

  it("a failed write is reported to listeners and awaitTermination, and the previous checkpoint stays valid", async () => {
    vi.spyOn(console, "error").mockImplementation(() => undefined);
    let failing = false;
    const quota = Object.assign(new Error("The quota has been exceeded."), { name: "QuotaExceededError" });
    const store = new MemoryCheckpointStore({ faults: (op) => (failing && op === "put" ? quota : undefined) });
    const first = await job(store);
    const failures: number[] = [];
    const written: number[] = [];
    first.ssc.addStreamingListener({
      onCheckpointFailed: ({ time }) => void failures.push(time),
      onCheckpointCompleted: ({ time }) => void written.push(time),
    });
    first.ssc.start();
    await first.clock.advance(2000);
    failing = true;
    await first.clock.advance(1000);
    const err = await first.ssc.awaitTerminationOrTimeout(10).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RivuletError);
    expect((err as RivuletError).code).toBe("CHECKPOINT_FAILED");
    expect((err as RivuletError).cause).toBe(quota);
    expect(failures).toEqual([3000]);
    expect(written).toEqual([1000, 2000]);
    await first.ssc.stop();
    const second = await job(store, 3000);
    expect(second.recovery?.checkpointTime).toBe(2000);
    second.ssc.start();
    await second.clock.advance(input.length * 1000 - 3000);
    await second.ssc.stop();
    expect(second.states.get(input.length * 1000)).toEqual(reference(input, input.length));
    vi.restoreAllMocks();
  });
});
