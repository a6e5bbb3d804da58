// One active context per origin (`originLock`), in Node with an in-memory lock manager standing
// for the origin. Another tab is another realm: a second instance of the library's modules, with a
// realm rule (one active context) of its own, sharing the lock manager with this one.
import { afterEach, describe, expect, it, vi } from "vitest";
import {
  ManualClock,
  MemoryCheckpointStore,
  type OriginLockManager,
  Receiver,
  type RecoveryInfo,
  RivuletError,
  Seconds,
  StreamingContext,
  type StreamingContextOptions,
} from "../../src/index.ts";
import * as thisTab from "../../src/index.ts";
import { FakeLockManager, holdLock } from "../support/fake-lock-manager.ts";
import { runningWordCount } from "../support/spark-suite.ts";

type Rivulet = typeof import("../../src/index.ts");
type AnyContext = InstanceType<Rivulet["StreamingContext"]>;

const LOCK = "rivulet:streaming-context";
const contexts: AnyContext[] = [];

afterEach(async () => {
  for (const ssc of contexts.splice(0)) await ssc.stop();
  vi.restoreAllMocks();
});

/** The library as another tab of the origin loads it: fresh modules, so a realm of its own. */
async function otherTab(): Promise<Rivulet> {
  vi.resetModules();
  return await import("../../src/index.ts");
}


interface Running {
  readonly ssc: AnyContext;
  readonly clock: ManualClock;
  readonly times: number[];
  /** Resolves with the clock's time when the context begins (it holds the lock). */
  readonly started: Promise<number>;
}

/** A context in `tab` whose one output records its batch times. */
function newContext(tab: Rivulet, options: Partial<StreamingContextOptions>, clock = new ManualClock()): Running {
  const ssc = new tab.StreamingContext({ batchInterval: tab.Seconds(1), parallelism: 1, workers: false, clock, ...options });
  contexts.push(ssc);
  const times: number[] = [];
  ssc.queueStream<number>([], { defaultBatch: [1] }).foreachRDD((_b, t) => void times.push(t));
  const started = new Promise<number>((resolve) => ssc.addStreamingListener({ onStreamingStarted: (e) => resolve(e.time) }));
  return { ssc, clock, times, started };
}

/** One macrotask turn: lets the lock manager answer. */
const tick = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

function quietErrors() {
  return vi.spyOn(console, "error").mockImplementation(() => undefined);
}

class CountingReceiver extends Receiver<string> {
  starts = 0;
  onStart(): void {
    this.starts++;
  }
  onStop(): void {}
}

describe("originLock: one active context per origin", () => {
  it("refuses a context whose lock another tab's context holds: it stops, and awaitTermination rejects with ANOTHER_CONTEXT_ACTIVE naming the lock", async () => {
    const locks = new FakeLockManager();
    const holder = newContext(await otherTab(), { originLock: { locks } });
    holder.ssc.start();
    await holder.started;

    const errors = quietErrors();
    const refused = newContext(thisTab, { originLock: { locks } });
    refused.ssc.start();
    const error = await refused.ssc.awaitTermination().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(RivuletError);
    expect(error).toMatchObject({ code: "ANOTHER_CONTEXT_ACTIVE" });
    expect((error as Error).message).toContain(`another tab, window or worker holds the Web Lock "${LOCK}"`);
    expect(errors).toHaveBeenCalledWith(expect.any(String), error);
    expect(refused.ssc.state).toBe("stopped");
    await refused.ssc.stop(); // the stop it began: the context is active until that ends, as in Spark
    expect(StreamingContext.getActive()).toBeUndefined();

    await refused.clock.advance(3000);
    await holder.clock.advance(2000);
    expect(refused.times).toEqual([]);
    expect(holder.times).toEqual([1000, 2000]);
    expect(locks.query()).toEqual({ held: [LOCK], pending: [] });
  });

  it("gives the lock back once stop() resolves, so that a context started right after takes it", async () => {
    const locks = new FakeLockManager();
    const first = newContext(await otherTab(), { originLock: { locks } });
    first.ssc.start();
    await first.started;
    await first.ssc.stop();
    expect(locks.query()).toEqual({ held: [], pending: [] });

    const next = newContext(thisTab, { originLock: { locks } });
    next.ssc.start();
    await next.started;
    await next.clock.advance(2000);
    expect(next.times).toEqual([1000, 2000]);
    expect(locks.query().held).toEqual([LOCK]);
  });

  it("lets contexts with lock names of their own run side by side", async () => {
    const locks = new FakeLockManager();
    const a = newContext(await otherTab(), { originLock: { locks, name: "wordcount" } });
    const b = newContext(thisTab, { originLock: { locks, name: "sessions" } });
    a.ssc.start();
    b.ssc.start();
    await Promise.all([a.started, b.started]);
    await b.clock.advance(1000);
    expect(b.times).toEqual([1000]);
    expect(locks.query().held.sort()).toEqual(["sessions", "wordcount"]);
  });

  it("counts batch times from start(): a manual clock's advance waits for a slow lock manager's answer", async () => {
    const locks = new FakeLockManager();
    const answer = locks.delayAnswers();
    const { ssc, clock, times } = newContext(thisTab, { originLock: { locks } });
    ssc.start();
    const advancing = clock.advance(2000);
    // The answer comes several event-loop turns after the clock began to advance.
    for (let i = 0; i < 3; i++) await tick();
    expect(times).toEqual([]);
    answer();
    await advancing;
    expect(times).toEqual([1000, 2000]);
  });

  it("withdraws a waiting request on stop(): the sources never start and the lock stays with its holder", async () => {
    const locks = new FakeLockManager();
    const release = await holdLock(locks, LOCK);
    const receiver = new CountingReceiver();
    const standby = newContext(thisTab, { originLock: { locks, wait: true } });
    standby.ssc.receiverStream(receiver).foreachRDD(() => undefined);
    standby.ssc.start();
    await tick();
    expect(locks.query()).toEqual({ held: [LOCK], pending: [LOCK] });

    await standby.ssc.stop();
    expect(locks.query()).toEqual({ held: [LOCK], pending: [] });
    await release();
    expect(locks.query()).toEqual({ held: [], pending: [] });
    await expect(standby.ssc.awaitTermination()).resolves.toBeUndefined();
    expect(receiver.starts).toBe(0);
    expect(standby.times).toEqual([]);
  });

  it("gives back a lock granted after stop() before stop() resolves, without starting the sources", async () => {
    const locks = new FakeLockManager();
    const answer = locks.delayAnswers();
    const receiver = new CountingReceiver();
    const { ssc } = newContext(thisTab, { originLock: { locks } });
    ssc.receiverStream(receiver).foreachRDD(() => undefined);
    ssc.start();
    const stopping = ssc.stop();
    answer();
    await stopping;
    expect(locks.query()).toEqual({ held: [], pending: [] });
    expect(receiver.starts).toBe(0);
  });

  it("with wait, stands by until the holder stops, then begins with batch times counted from then", async () => {
    const locks = new FakeLockManager();
    const holder = newContext(await otherTab(), { originLock: { locks, wait: true } });
    holder.ssc.start();
    await holder.started;

    const standby = newContext(thisTab, { originLock: { locks, wait: true } });
    standby.ssc.start();
    expect(standby.ssc.state).toBe("active");
    await standby.clock.advance(2500);
    expect(standby.times).toEqual([]);
    expect(locks.query()).toEqual({ held: [LOCK], pending: [LOCK] });

    await holder.ssc.stop();
    expect(await standby.started).toBe(2500);
    await standby.clock.advance(1500);
    expect(standby.times).toEqual([3000, 4000]);
  });

  it("refuses to run on from a checkpoint older than the store's newest (CHECKPOINT_MISMATCH); getOrCreate then resumes from the newest", async () => {
    const locks = new FakeLockManager();
    const store = new MemoryCheckpointStore();
    const input = [["a", "b"], ["a"], ["c", "a"], ["b"], ["a"]];
    const counts = new Map<number, [string, number][]>();
    const job = (tab: Rivulet, clock: ManualClock, onRecovery?: (info: RecoveryInfo | undefined) => void) =>
      tab.StreamingContext.getOrCreate(store, (info) => {
        onRecovery?.(info);
        const ssc = new tab.StreamingContext({ batchInterval: tab.Seconds(1), parallelism: 1, workers: false, clock, originLock: { locks, wait: true } });
        contexts.push(ssc);
        runningWordCount(ssc, input, counts);
        return ssc;
      });

    const holderClock = new ManualClock();
    const holder = await job(await otherTab(), holderClock);
    holder.start();
    await holderClock.advance(2000);

    // This tab loads while the other runs: it resumes from batch 2000, then waits for the lock.
    let resumedAt: number | undefined;
    const standby = await job(thisTab, new ManualClock(2000), (info) => (resumedAt = info?.checkpointTime));
    expect(resumedAt).toBe(2000);
    standby.start();
    await holderClock.advance(1000); // the holder moves on: checkpoint 3000
    await holder.stop();

    quietErrors();
    const error = await standby.awaitTermination().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ code: "CHECKPOINT_MISMATCH" });
    expect((error as Error).message).toContain("the newest checkpoint in the store (batch 3000) is not the one this context resumed from (batch 2000)");
    await standby.stop();
    expect(locks.query()).toEqual({ held: [], pending: [] });
    expect((await store.list()).sort().at(-1)).toBe("checkpoint-0000000000003000");

    const clock = new ManualClock(3000);
    const next = await job(thisTab, clock, (info) => (resumedAt = info?.checkpointTime));
    expect(resumedAt).toBe(3000);
    next.start();
    await clock.advance(1000);
    expect(counts.get(4000)).toEqual([
      ["a", 3],
      ["b", 2],
      ["c", 1],
    ]);
  });

  it("is refused at construction with UNSUPPORTED where there is no navigator.locks (Node), and with INVALID_ARGUMENT for a reserved name", () => {
    const make = (originLock: StreamingContextOptions["originLock"]) => () => new StreamingContext({ batchInterval: Seconds(1), originLock });
    expect(globalThis.navigator?.locks).toBeUndefined();
    expect(make(true)).toThrowError(expect.objectContaining({ code: "UNSUPPORTED", message: expect.stringContaining("navigator.locks") }));
    expect(make({ name: "-reserved", locks: new FakeLockManager() })).toThrowError(expect.objectContaining({ code: "INVALID_ARGUMENT" }));
    expect(make(false)).not.toThrow();
  });

  it("stops with UNSUPPORTED when the lock manager refuses the request (an opaque origin)", async () => {
    quietErrors();
    const refusing: OriginLockManager = {
      request: () => Promise.reject(new DOMException("Access to the Locks API is denied in this context", "SecurityError")),
    };
    const { ssc } = newContext(thisTab, { originLock: { locks: refusing } });
    ssc.start();
    await expect(ssc.awaitTermination()).rejects.toMatchObject({
      code: "UNSUPPORTED",
      message: `the Web Lock "${LOCK}" could not be requested: Access to the Locks API is denied in this context`,
    });
    expect(ssc.state).toBe("stopped");
  });
});

describe("getOrCreate with originLock: leader election over a shared checkpoint store", () => {
  const input = [["a", "b"], ["a"], ["c", "a"], ["b"], ["a"], ["c"]];

  /** A stateful word count built by `getOrCreate` in `tab`, taking the lock there as `lock` says. */
  function job(
    tab: Rivulet,
    store: InstanceType<Rivulet["MemoryCheckpointStore"]>,
    clock: ManualClock,
    lock: { locks: OriginLockManager; wait?: boolean; name?: string },
    record: { counts: Map<number, [string, number][]>; recoveries: (number | undefined)[] },
    options: { signal?: AbortSignal; contextLock?: StreamingContextOptions["originLock"]; factoryError?: Error } = {},
  ): Promise<AnyContext> {
    return tab.StreamingContext.getOrCreate(
      store,
      (info) => {
        record.recoveries.push(info?.checkpointTime);
        if (options.factoryError) throw options.factoryError;
        const ssc = new tab.StreamingContext({ batchInterval: tab.Seconds(1), parallelism: 1, workers: false, clock, originLock: options.contextLock });
        contexts.push(ssc);
        runningWordCount(ssc, input, record.counts);
        return ssc;
      },
      { originLock: lock, signal: options.signal },
    );
  }

  const newRecord = () => ({ counts: new Map<number, [string, number][]>(), recoveries: [] as (number | undefined)[] });

  it("with wait, resolves once the holder stops, with a context resuming from the holder's newest checkpoint", async () => {
    const locks = new FakeLockManager();
    const store = new MemoryCheckpointStore();
    const leader = newRecord();
    const leaderClock = new ManualClock();
    const holder = await job(await otherTab(), store, leaderClock, { locks, wait: true }, leader);
    expect(leader.recoveries).toEqual([undefined]);
    holder.start();
    await leaderClock.advance(2000);

    // This tab loads while the other runs: it waits, and reads nothing yet.
    const follower = newRecord();
    const clock = new ManualClock(2000);
    let resolved = false;
    const taking = job(thisTab, store, clock, { locks, wait: true }, follower).then((ssc) => ((resolved = true), ssc));
    await tick();
    expect(locks.query()).toEqual({ held: [LOCK], pending: [LOCK] });
    await leaderClock.advance(1000); // the holder moves on: checkpoint 3000
    await tick();
    expect(resolved).toBe(false);
    expect(follower.recoveries).toEqual([]);
    await holder.stop();

    const standby = await taking;
    expect(follower.recoveries).toEqual([3000]);
    expect(locks.query()).toEqual({ held: [LOCK], pending: [] });
    clock.setTime(3000);
    standby.start();
    await clock.advance(2000);
    expect([...follower.counts.keys()]).toEqual([4000, 5000]);
    expect(follower.counts.get(5000)).toEqual([
      ["a", 4],
      ["b", 2],
      ["c", 1],
    ]);
    expect(leader.counts.get(3000)).toEqual([
      ["a", 3],
      ["b", 1],
      ["c", 1],
    ]);
    await standby.stop();
    expect(locks.query()).toEqual({ held: [], pending: [] });
  });

  it("without wait, rejects with ANOTHER_CONTEXT_ACTIVE while another tab holds the lock, before reading the store or calling the factory", async () => {
    const locks = new FakeLockManager();
    const store = new MemoryCheckpointStore();
    const release = await holdLock(locks, LOCK);
    const record = newRecord();
    const list = vi.spyOn(store, "list");
    await expect(job(thisTab, store, new ManualClock(), { locks }, record)).rejects.toMatchObject({
      code: "ANOTHER_CONTEXT_ACTIVE",
      message: expect.stringContaining(`holds the Web Lock "${LOCK}"`),
    });
    expect(record.recoveries).toEqual([]);
    expect(list).not.toHaveBeenCalled();
    expect(locks.query()).toEqual({ held: [LOCK], pending: [] });
    await release();
  });

  it("gives up waiting when the signal aborts: rejects with its reason and withdraws the request", async () => {
    const locks = new FakeLockManager();
    const release = await holdLock(locks, LOCK);
    const record = newRecord();
    const abort = new AbortController();
    const taking = job(thisTab, new MemoryCheckpointStore(), new ManualClock(), { locks, wait: true }, record, { signal: abort.signal });
    await tick();
    expect(locks.query().pending).toEqual([LOCK]);
    const reason = new Error("the tab is hidden");
    abort.abort(reason);
    await expect(taking).rejects.toBe(reason);
    expect(locks.query()).toEqual({ held: [LOCK], pending: [] });
    expect(record.recoveries).toEqual([]);
    await release();
    expect(locks.query()).toEqual({ held: [], pending: [] });

    const aborted = AbortSignal.abort(new Error("already"));
    await expect(job(thisTab, new MemoryCheckpointStore(), new ManualClock(), { locks }, record, { signal: aborted })).rejects.toThrow("already");
    expect(locks.query()).toEqual({ held: [], pending: [] });
  });

  it("gives the lock back when the factory fails or asks for another lock name, and when the context stops without having started", async () => {
    const locks = new FakeLockManager();
    const store = new MemoryCheckpointStore();
    const failure = new Error("factory failed");
    await expect(job(thisTab, store, new ManualClock(), { locks }, newRecord(), { factoryError: failure })).rejects.toBe(failure);
    expect(locks.query()).toEqual({ held: [], pending: [] });

    await expect(job(thisTab, store, new ManualClock(), { locks }, newRecord(), { contextLock: { locks, name: "other" } })).rejects.toMatchObject({
      code: "INVALID_ARGUMENT",
      message: expect.stringContaining(`getOrCreate took the origin's lock "${LOCK}", but the context the factory built asks for "other"`),
    });
    expect(locks.query()).toEqual({ held: [], pending: [] });

    const same = await job(thisTab, store, new ManualClock(), { locks }, newRecord(), { contextLock: { locks } });
    expect(locks.query().held).toEqual([LOCK]);
    await same.stop();
    expect(locks.query()).toEqual({ held: [], pending: [] });
  });

  it("begins at start() under the lock it holds, with batch times counted from start()", async () => {
    const locks = new FakeLockManager();
    const store = new MemoryCheckpointStore();
    const record = newRecord();
    const clock = new ManualClock(500);
    const ssc = await job(thisTab, store, clock, { locks, wait: true }, record);
    // A store that answers in a later event-loop turn, as IndexedDB and the file system do.
    const list = store.list.bind(store);
    vi.spyOn(store, "list").mockImplementation(async () => {
      for (let i = 0; i < 3; i++) await tick();
      return list();
    });
    ssc.start();
    await clock.advance(1500);
    expect([...record.counts.keys()]).toEqual([1000, 2000]);
    expect((await store.list()).sort().at(-1)).toBe("checkpoint-0000000000002000");
    expect(locks.query()).toEqual({ held: [LOCK], pending: [] });
  });
});
