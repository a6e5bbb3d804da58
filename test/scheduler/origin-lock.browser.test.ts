// One active context per origin, in real headless Chromium with the real `navigator.locks`: the
// lock is held by a dedicated worker of the same origin or by the page's own code, and what the
// browser's lock manager reports (`navigator.locks.query()`) is checked after each step.
import { afterEach, describe, expect, it, vi } from "vitest";
import {
  IndexedDBCheckpointStore,
  ManualClock,
  type OriginLockManager,
  RivuletError,
  Seconds,
  StreamingContext,
  type StreamingContextOptions,
} from "../../src/index.ts";
import { holdLock } from "../support/fake-lock-manager.ts";
import { runningWordCount } from "../support/spark-suite.ts";

const contexts: StreamingContext[] = [];
const workers: Worker[] = [];
let counter = 0;

afterEach(async () => {
  for (const ssc of contexts.splice(0)) await ssc.stop();
  for (const worker of workers.splice(0)) worker.terminate();
  vi.restoreAllMocks();
});

/** A lock name no other test uses. */
const freshName = (): string => `rivulet-test-${Date.now()}-${counter++}`;

function newContext(originLock: StreamingContextOptions["originLock"]) {
  const clock = new ManualClock();
  const ssc = new StreamingContext({ batchInterval: Seconds(1), parallelism: 1, workers: false, clock, originLock });
  contexts.push(ssc);
  const times: number[] = [];
  ssc.queueStream<number>([], { defaultBatch: [1] }).foreachRDD((_b, t) => void times.push(t));
  const started = new Promise<number>((resolve) => ssc.addStreamingListener({ onStreamingStarted: (e) => resolve(e.time) }));
  return { ssc, clock, times, started };
}

/** The names `navigator.locks` reports held and waited for. */
async function lockState(): Promise<{ held: string[]; pending: string[] }> {
  const snapshot = await navigator.locks.query();
  return { held: (snapshot.held ?? []).map((l) => l.name ?? ""), pending: (snapshot.pending ?? []).map((l) => l.name ?? "") };
}

const WORKER_SOURCE = `
let release;
onmessage = async ({ data }) => {
  if (data.hold) {
    navigator.locks
      .request(data.hold, () => {
        postMessage("held");
        return new Promise((resolve) => (release = resolve));
      })
      .then(() => postMessage("released"));
  } else if (data === "release") {
    release();
  }
};
`;

/** A dedicated worker of this origin holding the lock `name`, as a context in a worker would. */
async function workerHolding(name: string): Promise<{ release: () => Promise<void> }> {
  const worker = new Worker(URL.createObjectURL(new Blob([WORKER_SOURCE], { type: "text/javascript" })));
  workers.push(worker);
  const next = () => new Promise<unknown>((resolve) => worker.addEventListener("message", (e) => resolve(e.data), { once: true }));
  const held = next();
  worker.postMessage({ hold: name });
  expect(await held).toBe("held");
  return {
    release: async () => {
      const released = next();
      worker.postMessage("release");
      expect(await released).toBe("released");
    },
  };
}

describe("originLock with navigator.locks", () => {
  it("refuses a context while a dedicated worker of the origin holds the lock, runs one once it lets go, and releases it on stop()", async () => {
    const name = freshName();
    const holder = await workerHolding(name);
    expect((await lockState()).held).toContain(name);

    const errors = vi.spyOn(console, "error").mockImplementation(() => undefined);
    const refused = newContext({ name });
    refused.ssc.start();
    const error = await refused.ssc.awaitTermination().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(RivuletError);
    expect(error).toMatchObject({ code: "ANOTHER_CONTEXT_ACTIVE" });
    expect((error as Error).message).toContain(`holds the Web Lock "${name}"`);
    expect(errors).toHaveBeenCalledWith(expect.any(String), error);
    expect(refused.ssc.state).toBe("stopped");
    await refused.clock.advance(2000);
    expect(refused.times).toEqual([]);

    await holder.release();
    expect((await lockState()).held).not.toContain(name);

    const running = newContext({ name });
    running.ssc.start();
    await running.clock.advance(2000);
    expect(running.times).toEqual([1000, 2000]);
    expect((await lockState()).held).toContain(name);

    await running.ssc.stop();
    expect((await lockState()).held).not.toContain(name);
  });

  it("takes the default lock name through navigator.locks when given true", async () => {
    const { ssc, started } = newContext(true);
    ssc.start();
    await started;
    expect((await lockState()).held).toContain("rivulet:streaming-context");
    await ssc.stop();
    expect((await lockState()).held).not.toContain("rivulet:streaming-context");
  });

  it("with wait, stands by while the page's own code holds the lock and begins when it lets go", async () => {
    const name = freshName();
    const release = await holdLock(navigator.locks, name);
    const standby = newContext({ name, wait: true });
    standby.ssc.start();
    await standby.clock.advance(2500);
    expect(standby.times).toEqual([]);
    expect(await lockState()).toMatchObject({ held: expect.arrayContaining([name]), pending: expect.arrayContaining([name]) });

    await release();
    expect(await standby.started).toBe(2500);
    await standby.clock.advance(1500);
    expect(standby.times).toEqual([3000, 4000]);
    await standby.ssc.stop();
    expect(await lockState()).toMatchObject({ held: expect.not.arrayContaining([name]), pending: expect.not.arrayContaining([name]) });
  });

  it("withdraws a standby's request on stop(), leaving the lock to its holder", async () => {
    const name = freshName();
    const holder = await workerHolding(name);
    const standby = newContext({ name, wait: true });
    standby.ssc.start();
    // The request reaches the lock manager before a query made after it.
    expect((await lockState()).pending).toContain(name);

    await standby.ssc.stop();
    const state = await lockState();
    expect(state.pending).not.toContain(name);
    expect(state.held).toContain(name);
    await holder.release();
    expect(standby.times).toEqual([]);
  });

  it("getOrCreate with wait hands over an IndexedDB checkpoint store: the follower reads it once the leader lets go, and resumes from its last checkpoint", async () => {
    const name = freshName();
    const store = new IndexedDBCheckpointStore(name);
    const counts = new Map<number, [string, number][]>();
    const recoveries: (number | undefined)[] = [];
    const input = [["a", "b"], ["a"], ["c", "a"], ["b"]];
    const job = (clock: ManualClock) =>
      StreamingContext.getOrCreate(
        store,
        (recovery) => {
          recoveries.push(recovery?.checkpointTime);
          const ssc = new StreamingContext({ batchInterval: Seconds(1), parallelism: 1, workers: false, clock });
          contexts.push(ssc);
          runningWordCount(ssc, input, counts);
          return ssc;
        },
        { originLock: { name, wait: true } },
      );
    try {
      const leaderClock = new ManualClock();
      const leader = await job(leaderClock);
      leader.start();
      await leaderClock.advance(2000);

      const clock = new ManualClock(2000);
      const follower = job(clock);
      expect(await lockState()).toMatchObject({ held: expect.arrayContaining([name]), pending: expect.arrayContaining([name]) });
      expect(recoveries).toEqual([undefined]);
      await leader.stop();

      const ssc = await follower;
      expect(recoveries).toEqual([undefined, 2000]);
      ssc.start();
      await clock.advance(2000);
      expect(counts.get(4000)).toEqual([
        ["a", 3],
        ["b", 2],
        ["c", 1],
      ]);
      await ssc.stop();
      expect((await lockState()).held).not.toContain(name);
    } finally {
      await new Promise((resolve) => Object.assign(indexedDB.deleteDatabase(name), { onsuccess: resolve, onerror: resolve, onblocked: resolve }));
    }
  });

  it("accepts navigator.locks as an OriginLockManager", () => {
    const locks: OriginLockManager = navigator.locks;
    expect(() => newContext({ locks, name: freshName() })).not.toThrow();
  });
});
