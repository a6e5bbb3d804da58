// A stop is bounded, as Spark's: an output operation or a source that never finishes cannot keep
// stop() (and with it the origin's lock, a tab's hand-over, a process's exit) waiting forever.
// The bound is real time; each test's hang never ends by itself, so no outcome depends on timing.
import { afterEach, describe, expect, it, vi } from "vitest";
import { type CheckpointStore, ManualClock, MemoryCheckpointStore, Milliseconds, Receiver, RivuletError, Seconds, StreamingContext } from "../src/index.ts";
import { FakeLockManager } from "./support/fake-lock-manager.ts";
import { runningWordCount } from "./support/spark-suite.ts";
import { deferred } from "./support/ticking-clock.ts";

afterEach(async () => {
  await StreamingContext.getActive()?.stop();
  vi.restoreAllMocks();
});

describe("stop({ timeout })", () => {
  it("abandons a batch whose output never finishes: no later output, no checkpoint, no event; stream outputs error", async () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => undefined);
    const clock = new ManualClock();
    const store = new MemoryCheckpointStore();
    const ssc = new StreamingContext({ batchInterval: Seconds(1), clock, parallelism: 2 });
    ssc.checkpoint(store);
    const completed: number[] = [];
    const checkpoints: number[] = [];
    ssc.addStreamingListener({
      onBatchCompleted: (e) => void completed.push(e.batchInfo.batchTime),
      onCheckpointCompleted: (e) => void checkpoints.push(e.time),
    });
    const input = ssc.queueStream<number>([[1], [2], [3]]);
    const reader = input.toReadableStream().getReader();
    const entered = deferred();
    const gate = deferred();
    input.foreachRDD(async (_, time) => {
      if (time !== 2000) return;
      entered.resolve();
      await gate.promise; // a request to a server that never answers
    });
    const after: number[] = [];
    input.foreachRDD((_, time) => void after.push(time));
    ssc.start();
    await clock.advance(1000);
    expect(await reader.read()).toEqual({ value: 1, done: false });
    const advancing = clock.advance(1000);
    await entered.promise;
    expect(await reader.read()).toEqual({ value: 2, done: false });

    await ssc.stop({ timeout: Milliseconds(20) });
    expect(ssc.state).toBe("stopped");
    expect(warn).toHaveBeenCalledWith(expect.stringMatching(/stop\(\) waited 20 ms for processing and stopped without the batch at 2000 ms; it was not checkpointed/));
    // The stream output says the output is incomplete instead of ending as if it were whole.
    const failure = await reader.read().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(failure).toBeInstanceOf(RivuletError);
    expect((failure as RivuletError).message).toMatch(/stopped before its outputs were complete/);
    // The realm's one active slot is free at once.
    const next = new StreamingContext({ batchInterval: Seconds(1), clock: new ManualClock(), parallelism: 1 });
    next.queueStream<number>([]).foreachRDD(() => undefined);
    next.start();
    await next.stop();

    // When the hung operation finally returns, nothing else of its batch runs.
    gate.resolve();
    await advancing;
    expect(after).toEqual([1000]);
    expect(completed).toEqual([1000]);
    expect(checkpoints).toEqual([1000]);
    expect(await store.list()).not.toContainEqual(expect.stringContaining("2000"));
  });

  it("bounds a graceful stop whose source never stops, and drops the last batch", async () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => undefined);
    class Stuck extends Receiver<string> {
      onStart(): void {}
      onStop(): Promise<void> {
        return new Promise(() => undefined); // a socket whose close never completes
      }
    }
    const clock = new ManualClock();
    const ssc = new StreamingContext({ batchInterval: Seconds(1), clock, parallelism: 2 });
    const receiver = new Stuck();
    const out: string[][] = [];
    ssc.receiverStream(receiver).foreachRDD(async (b) => void out.push(await b.collect()));
    ssc.start();
    await clock.advance(0);
    await receiver.store("x");
    await ssc.stop({ graceful: true, timeout: Milliseconds(20) });
    expect(ssc.state).toBe("stopped");
    expect(out).toEqual([]);
    expect(warn).toHaveBeenCalledWith(expect.stringMatching(/stopped without the batches still to run/));
  });

  it("does not wait past the bound for a source that never stops when the stop is not graceful, and says so", async () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => undefined);
    class Stuck extends Receiver<string> {
      onStart(): void {}
      onStop(): Promise<void> {
        return new Promise(() => undefined);
      }
    }
    const clock = new ManualClock();
    const ssc = new StreamingContext({ batchInterval: Seconds(1), clock, parallelism: 2 });
    const out: string[][] = [];
    const receiver = new Stuck();
    ssc.receiverStream(receiver).foreachRDD(async (b) => void out.push(await b.collect()));
    ssc.start();
    await clock.advance(0);
    await receiver.store("x");
    await clock.advance(1000);
    await ssc.stop({ timeout: Milliseconds(20) });
    expect(ssc.state).toBe("stopped");
    expect(out).toEqual([["x"]]);
    expect(warn).toHaveBeenCalledWith("Rivulet: stop() waited 20 ms and did not wait for the sources still stopping");
  });

  it("waits 10 batch intervals by default when graceful (Spark's gracefulStopTimeout), and takes gracefulStopTimeout", async () => {
    vi.spyOn(console, "warn").mockImplementation(() => undefined);
    for (const options of [{ batchInterval: Milliseconds(2) }, { batchInterval: Seconds(1), gracefulStopTimeout: Milliseconds(20) }]) {
      const clock = new ManualClock();
      const ssc = new StreamingContext({ ...options, clock, parallelism: 1 });
      const entered = deferred();
      ssc.queueStream<number>([[1]]).foreachRDD(async () => {
        entered.resolve();
        await new Promise(() => undefined);
      });
      ssc.start();
      void clock.advance(options.batchInterval.milliseconds);
      await entered.promise;
      await ssc.stop({ graceful: true });
      expect(ssc.state).toBe("stopped");
    }
  });

  it("hands the origin's lock over when the leader's stop gives up on a hung output: the standby runs that batch again", async () => {
    vi.spyOn(console, "warn").mockImplementation(() => undefined);
    const locks = new FakeLockManager();
    const store = new MemoryCheckpointStore();
    const input = [["a", "b"], ["a"], ["c", "a"], ["b"]];
    const entered = deferred();
    /** A running word count, built by getOrCreate once this side holds the lock; `hangAt` never finishes its batch. */
    const job = (clock: ManualClock, counts: Map<number, [string, number][]>, hangAt?: number) =>
      StreamingContext.getOrCreate(
        store,
        () => {
          const ssc = new StreamingContext({ batchInterval: Seconds(1), clock, parallelism: 1, workers: false });
          runningWordCount(ssc, input, counts);
          ssc.queueStream<number>([], { defaultBatch: [0] }).foreachRDD(async (_, time) => {
            if (time !== hangAt) return;
            entered.resolve();
            await new Promise(() => undefined);
          });
          return ssc;
        },
        { originLock: { locks, wait: true } },
      );

    const leaderClock = new ManualClock();
    const leaderCounts = new Map<number, [string, number][]>();
    const leader = await job(leaderClock, leaderCounts, 3000);
    leader.start();
    await leaderClock.advance(2000);
    void leaderClock.advance(1000); // batch 3000 hangs in its second output
    await entered.promise;

    const clock = new ManualClock(3000);
    const counts = new Map<number, [string, number][]>();
    const taking = job(clock, counts);
    await leader.stop({ timeout: Milliseconds(20) }); // without the bound, this never returns and the lock is never released
    const standby = await taking;
    standby.start();
    await clock.advance(1000);
    await standby.stop();
    // The leader's batch 3000 ran its first output but was never checkpointed: the standby resumes
    // from 2000 and runs 3000 again, then 4000; the state counts each word once.
    expect(leaderCounts.get(3000)).toEqual([["a", 3], ["b", 1], ["c", 1]]);
    expect([...counts.keys()]).toEqual([3000, 4000]);
    expect(counts.get(4000)).toEqual([["a", 3], ["b", 2], ["c", 1]]);
    expect(locks.query()).toEqual({ held: [], pending: [] });
  });

  it("lets a checkpoint write already begun land before stop() returns (and so before the origin's lock goes), within a bound of its own", async () => {
    const memory = new MemoryCheckpointStore();
    const gate = deferred();
    const writing = deferred();
    const store = slowAt2000(memory, writing, gate.promise); // a disk or IndexedDB being slow
    // The write finishes a little after the stop gave up on processing: timers fire in the order they are due.
    const warn = vi.spyOn(console, "warn").mockImplementation((message: string) => {
      if (/for processing/.test(message)) setTimeout(gate.resolve, 5);
    });
    const ssc = await checkpointingBatch2000(store, writing.promise);
    await ssc.stop({ timeout: Milliseconds(50) });
    expect(await memory.list()).toContain("checkpoint-0000000000002000");
    expect(warn).toHaveBeenCalledTimes(1);
  });

  it("stops waiting for a checkpoint write that never lands after another bound, and says so", async () => {
    const memory = new MemoryCheckpointStore();
    const writing = deferred();
    const store = slowAt2000(memory, writing, new Promise(() => undefined));
    const warn = vi.spyOn(console, "warn").mockImplementation(() => undefined);
    const ssc = await checkpointingBatch2000(store, writing.promise);
    await ssc.stop({ timeout: Milliseconds(20) });
    expect(ssc.state).toBe("stopped");
    expect(warn).toHaveBeenLastCalledWith(expect.stringMatching(/waited another 20 ms for a checkpoint write in progress/));
    expect(await memory.list()).not.toContain("checkpoint-0000000000002000");
  });

  it("rejects a timeout that is not a Duration, naming the setting", () => {
    const ssc = new StreamingContext({ batchInterval: Seconds(1), clock: new ManualClock(), parallelism: 1 });
    expect(() => ssc.stop({ timeout: 5000 as never })).toThrow(RivuletError);
    expect(() => ssc.stop({ timeout: 5000 as never })).toThrow(/stop: timeout must be a Duration/);
    expect(() => new StreamingContext({ batchInterval: Seconds(1), gracefulStopTimeout: 100 as never })).toThrow(/gracefulStopTimeout must be a Duration/);
    return ssc.stop();
  });
});

/** A store whose write of the checkpoint of batch 2000 says so (`writing`), then waits for `until`. */
function slowAt2000(memory: MemoryCheckpointStore, writing: { resolve(): void }, until: Promise<unknown>): CheckpointStore {
  return {
    put: async (name, bytes) => {
      if (name === "checkpoint-0000000000002000") writing.resolve(), await until;
      return memory.put(name, bytes);
    },
    get: (name) => memory.get(name),
    list: () => memory.list(),
    delete: (name) => memory.delete(name),
  };
}

/** A context checkpointing into `store` that has run batch 1000 and begun writing the checkpoint of batch 2000. */
async function checkpointingBatch2000(store: CheckpointStore, writing: Promise<unknown>): Promise<StreamingContext> {
  const clock = new ManualClock();
  const ssc = new StreamingContext({ batchInterval: Seconds(1), clock, parallelism: 1, workers: false });
  ssc.checkpoint(store);
  ssc.queueStream<number>([[1], [2]]).foreachRDD(() => undefined);
  ssc.start();
  await clock.advance(1000);
  void clock.advance(1000);
  await writing;
  return ssc;
}
