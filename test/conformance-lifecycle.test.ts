// Lifecycle, error handling and recovery checked against Apache Spark Streaming 3.x: its
// StreamingContext, JobScheduler, JobGenerator, ContextWaiter and CheckpointReader, and the
// suites that pin them down (StreamingContextSuite, StreamingListenerSuite, CheckpointSuite).
// Each test quotes what Spark does; the rest of the suite already covers the plain cases
// (start/stop states, one active context, errors in map and transform, getOrCreate basics).
import { afterEach, describe, expect, it, vi } from "vitest";
import {
  type Batch,
  type CheckpointStore,
  type Clock,
  ManualClock,
  MemoryCheckpointStore,
  Milliseconds,
  type RecoveryInfo,
  RivuletError,
  Seconds,
  StreamingContext,
} from "../src/index.ts";
import { sorted } from "./support/spark-suite.ts";
import { deferred } from "./support/ticking-clock.ts";

const contexts: StreamingContext[] = [];
afterEach(async () => {
  for (const ssc of contexts.splice(0)) await ssc.stop();
  await StreamingContext.getActive()?.stop();
  vi.restoreAllMocks();
});

function track(ssc: StreamingContext): StreamingContext {
  contexts.push(ssc);
  return ssc;
}

function newContext(clock: Clock = new ManualClock()): StreamingContext {
  return track(new StreamingContext({ batchInterval: Seconds(1), clock, parallelism: 2 }));
}

function thrown(f: () => unknown): unknown {
  try {
    f();
  } catch (e) {
    return e;
  }
  return undefined;
}

/**
 * A clock that, like a system clock, does not wait for what it calls back: batches whose time has
 * come are generated even while an earlier one is still running, so they queue. `tick(to)` fires
 * everything due up to `to`, in order.
 */
class UnwaitingClock implements Clock {
  private time = 0;
  private seq = 0;
  private pending: { time: number; seq: number; fn: () => void | Promise<void> }[] = [];

  now(): number {
    return this.time;
  }

  schedule(time: number, fn: () => void | Promise<void>): () => void {
    const entry = { time, seq: this.seq++, fn };
    this.pending.push(entry);
    return () => void (this.pending = this.pending.filter((p) => p !== entry));
  }

  async tick(to: number): Promise<void> {
    for (;;) {
      await new Promise((r) => setTimeout(r, 0));
      const due = this.pending.filter((p) => p.time <= to).sort((a, b) => a.time - b.time || a.seq - b.seq)[0];
      if (!due) break;
      this.pending = this.pending.filter((p) => p !== due);
      this.time = Math.max(this.time, due.time);
      void Promise.resolve(due.fn()).catch(() => undefined);
    }
    this.time = Math.max(this.time, to);
  }
}

describe("start() and stop() (StreamingContext, StreamingContextSuite)", () => {
  it("a start() that fails validation leaves the context stopped", () => {
    // Spark StreamingContext.start(): validate() runs inside the try whose catch does
    // `scheduler.stop(false); state = STOPPED; throw e` ("Error starting the context, marking it
    // as stopped"). StreamingContextSuite "start failure should stop internal components":
    // updateStateByKey without a checkpoint directory, start() throws, getState() === STOPPED.
    // (The same catch covers "No output operations registered".)
    const ssc = newContext();
    ssc.queueStream<[string, number]>([]).updateStateByKey<string, number, number>((v, s) => (s ?? 0) + v.length).print();
    expect(() => ssc.start()).toThrow(RivuletError);
    expect(StreamingContext.getActive()).toBeUndefined();
    expect(ssc.state).toBe("stopped");
  });

  it("stop() after stop({ stopEngine: false }) still stops the engine", async () => {
    // Spark StreamingContext.stop(stopSparkContext, stopGracefully): "Even if we have already
    // stopped, we still need to attempt to stop the SparkContext because a user might
    // stop(stopSparkContext = false) and then call stop(stopSparkContext = true)".
    // StreamingContextSuite "stop(stopSparkContext=true) after stop(stopSparkContext=false)".
    const ssc = newContext();
    ssc.queueStream<number>([]).print();
    await ssc.stop({ stopEngine: false });
    expect(ssc.engine.closed).toBe(false);
    await ssc.stop({ stopEngine: true });
    expect(ssc.engine.closed).toBe(true);
  });

  it("while stop() is still finishing the running batch, the context is still the active one", async () => {
    // Spark StreamingContext.stop(): activeContext is set to null only after scheduler.stop()
    // has returned ("It's important that we don't set state = STOPPED until the very end"), and
    // start() of another context checks assertNoOtherContextIsActive() under ACTIVATION_LOCK.
    // So while a stop waits for the running batch, getActive() is that context and another
    // context cannot start: two contexts never run batches at the same time.
    const clock = new ManualClock();
    const first = newContext(clock);
    const entered = deferred();
    const gate = deferred();
    const running: string[] = [];
    first.queueStream<number>([[1]]).foreachRDD(async () => {
      running.push("first begins");
      entered.resolve();
      await gate.promise;
      running.push("first ends");
    });
    first.start();
    const advancing = clock.advance(1000);
    await entered.promise;
    const stopping = first.stop();

    const second = newContext(new ManualClock());
    second.queueStream<number>([[2]]).foreachRDD(() => void running.push("second"));
    try {
      expect(StreamingContext.getActive()).toBe(first);
      const e = thrown(() => second.start());
      expect((e as RivuletError | undefined)?.code).toBe("ANOTHER_CONTEXT_ACTIVE");
    } finally {
      gate.resolve();
    }
    await stopping;
    await advancing;
    expect(StreamingContext.getActive()).toBeUndefined();
    expect(running).toEqual(["first begins", "first ends"]);
  });

  it("stop() called (not awaited) from a foreachRDD stops the context: no later batch, awaitTermination resolves", async () => {
    // Spark: ssc.stop() from inside an output operation stops generation (JobGenerator.stop),
    // the job executor and the context; awaitTermination() returns normally (ContextWaiter
    // notifyStop, no error), and no later batch is generated.
    const clock = new ManualClock();
    const ssc = newContext(clock);
    const times: number[] = [];
    ssc.queueStream<number>([[1], [2], [3]]).foreachRDD((_b, t) => {
      times.push(t);
      if (t === 2000) void ssc.stop();
    });
    const termination = ssc.awaitTermination();
    ssc.start();
    await clock.advance(4000);
    await expect(termination).resolves.toBeUndefined();
    expect(times).toEqual([1000, 2000]);
    expect(ssc.state).toBe("stopped");
    expect(StreamingContext.getActive()).toBeUndefined();
  });

  it("stop() awaited inside a foreachRDD does not hang: it gives up on its own batch after the stop timeout", async () => {
    // Spark JobScheduler.stop(false): jobExecutor.shutdown(), awaitTermination(2, SECONDS), then
    // shutdownNow(). Called from the job thread itself, the wait cannot succeed, so stop()
    // returns after the bound; the jobs still queued behind it (later outputs of the batch) are
    // dropped by shutdownNow() and the batch is never reported completed (the event loop and
    // listener bus are stopped). Here the bound is stop({ timeout }) (2 s by default, Spark's).
    vi.spyOn(console, "warn").mockImplementation(() => undefined);
    const clock = new ManualClock();
    const ssc = newContext(clock);
    const completed: number[] = [];
    ssc.addStreamingListener({ onBatchCompleted: (e) => void completed.push(e.batchInfo.batchTime) });
    const input = ssc.queueStream<number>([[1], [2], [3]]);
    let stopped = false;
    input.foreachRDD(async (_b, t) => {
      if (t !== 2000) return;
      await ssc.stop({ timeout: Milliseconds(50) });
      stopped = true;
    });
    const later: number[] = [];
    input.foreachRDD((_b, t) => void later.push(t));
    ssc.start();
    await clock.advance(3000);
    await ssc.stop();
    expect(stopped).toBe(true);
    expect(ssc.state).toBe("stopped");
    expect(later).toEqual([1000]);
    expect(completed).toEqual([1000]);
    await expect(ssc.awaitTermination()).resolves.toBeUndefined();
  });
});

describe("stopping with batches queued (JobScheduler.stop, JobGenerator.stop)", () => {
  it("stop({ graceful: true }) runs every batch already generated, then stops", async () => {
    // Spark JobGenerator.stop(processReceivedData = true) waits until lastProcessedBatch is the
    // stop time ("Waiting for jobs to be processed and checkpoints to be written"), and
    // JobScheduler.stop(true) then waits up to an hour for the job executor's queue.
    const clock = new UnwaitingClock();
    const ssc = newContext(clock);
    const gate = deferred();
    const out: [number, number[]][] = [];
    ssc.queueStream<number>([[1], [2], [3], [4], [5]]).foreachRDD(async (b, t) => {
      if (t === 1000) await gate.promise;
      out.push([t, await b.collect()]);
    });
    ssc.start();
    await clock.tick(3000); // 1000 runs and waits; 2000 and 3000 are queued behind it
    const stopping = ssc.stop({ graceful: true });
    gate.resolve();
    await stopping;
    expect(out.slice(0, 3)).toEqual([
      [1000, [1]],
      [2000, [2]],
      [3000, [3]],
    ]);
  });

  it("a stop that is not graceful still lets the batches already queued run, within its 2 s bound", async () => {
    // Spark JobScheduler.stop(processAllReceivedData = false): after JobGenerator.stop(false),
    // `jobExecutor.shutdown()` ("previously submitted tasks are executed"; every job of every
    // submitted JobSet is already in the executor's queue), then
    // `jobExecutor.awaitTermination(2, TimeUnit.SECONDS)` ("Wait for the queued jobs to complete"),
    // and only if that times out `shutdownNow()`. Queued batches that finish within 2 s run.
    const clock = new UnwaitingClock();
    const ssc = newContext(clock);
    const gate = deferred();
    const times: number[] = [];
    ssc.queueStream<number>([[1], [2], [3]]).foreachRDD(async (_b, t) => {
      if (t === 1000) await gate.promise;
      times.push(t);
    });
    ssc.start();
    await clock.tick(3000);
    const stopping = ssc.stop();
    gate.resolve(); // well within the bound
    await stopping;
    expect(times).toEqual([1000, 2000, 3000]);
  });
});

describe("errors (JobScheduler, JobGenerator, ContextWaiter)", () => {
  it("awaitTermination() called after several failed jobs rejects with the latest error", async () => {
    // Spark ContextWaiter.notifyError(e) does `error = e` on every reported error (it keeps the
    // last), and waitForStopOrError() throws `error`. JobScheduler.handleJobCompletion reports
    // every failed job through reportError -> handleError -> ssc.waiter.notifyError(e).
    vi.spyOn(console, "error").mockImplementation(() => undefined);
    const clock = new ManualClock();
    const ssc = newContext(clock);
    ssc.queueStream<number>([[1], [2], [3]]).foreachRDD((_b, t) => {
      if (t >= 2000) throw new Error(`failed at ${t}`);
    });
    ssc.start();
    await clock.advance(3000);
    await expect(ssc.awaitTermination()).rejects.toThrow("failed at 3000");
  });

  it("awaitTermination() after stop() still throws an error reported before the stop", async () => {
    // Spark ContextWaiter: notifyStop() sets `stopped` but keeps `error`, and
    // waitForStopOrError() ends with `if (error != null) throw error`.
    vi.spyOn(console, "error").mockImplementation(() => undefined);
    const clock = new ManualClock();
    const ssc = newContext(clock);
    ssc.queueStream<number>([[1]]).foreachRDD(() => {
      throw new Error("output failed");
    });
    ssc.start();
    await clock.advance(1000);
    await ssc.stop();
    await expect(ssc.awaitTermination()).rejects.toThrow("output failed");
    await expect(ssc.awaitTerminationOrTimeout(10)).rejects.toThrow("output failed");
  });

  it("a transform that returns no batch fails the generation of that time: every output of it is skipped, later ones run", async () => {
    // Spark TransformedDStream.compute: `if (transformedRDD == null) throw new SparkException(
    // "Transform function must not return null. Return SparkContext.emptyRDD() instead ...")`.
    // It runs in DStreamGraph.generateJobs, which fails as a whole, so JobGenerator.generateJobs
    // reports "Error generating jobs for time" (awaitTermination throws it) and submits no job
    // for that time, not even the outputs that do not read the transform.
    vi.spyOn(console, "error").mockImplementation(() => undefined);
    const clock = new ManualClock();
    const ssc = newContext(clock);
    const input = ssc.queueStream<number>([[1], [2], [3]]);
    const transformed: number[] = [];
    const direct: number[] = [];
    input
      .transform((b, t) => (t === 2000 ? (undefined as unknown as Batch<number>) : b))
      .foreachRDD((_b, t) => void transformed.push(t));
    input.foreachRDD((_b, t) => void direct.push(t));
    ssc.start();
    await clock.advance(3000);
    expect(transformed).toEqual([1000, 3000]);
    expect(direct).toEqual([1000, 3000]);
    await expect(ssc.awaitTermination()).rejects.toThrow(/must return a Batch/);
    expect(ssc.state).toBe("active");
  });

  it("an input stream that no output reads does not break the batches", async () => {
    // StreamingContextSuite "Creating an InputDStream but not using it should not crash".
    const clock = new ManualClock();
    const ssc = newContext(clock);
    ssc.queueStream<number>([[1], [2], [3]]);
    const out: [number, number[]][] = [];
    ssc.queueStream<number>([[10], [20], [30]]).foreachRDD(async (b, t) => void out.push([t, await b.collect()]));
    ssc.start();
    await clock.advance(3000);
    expect(await ssc.awaitTerminationOrTimeout(1)).toBe(false);
    expect(out).toEqual([
      [1000, [10]],
      [2000, [20]],
      [3000, [30]],
    ]);
  });
});

/** A running word count over a replayable queue, checkpointed every batch. */
const INPUT = [["a", "b"], ["a"], ["c", "a"], [], ["b"], ["a", "c"], ["d"], []];

async function wordCount(store: CheckpointStore, clockStart: number, options: { createOnError?: boolean } = {}) {
  const clock = new ManualClock(clockStart);
  const states = new Map<number, [string, number][]>();
  const recoveries: (RecoveryInfo | undefined)[] = [];
  const ssc = await StreamingContext.getOrCreate(
    store,
    (info) => {
      recoveries.push(info);
      const ctx = new StreamingContext({ batchInterval: Seconds(1), clock, parallelism: 2 });
      const counts = ctx
        .queueStream(INPUT.map((b) => b.slice()))
        .map((w) => [w, 1] as const)
        .updateStateByKey<string, 1, number>((values, state) => (state ?? 0) + values.length);
      counts.checkpoint(Seconds(1));
      counts.foreachRDD(async (b, t) => void states.set(t, sorted(await b.collect())));
      return ctx;
    },
    options,
  );
  track(ssc);
  return { ssc, clock, states, recoveries };
}

describe("recovery (CheckpointReader, JobGenerator.restart, CheckpointSuite)", () => {
  it("getOrCreate refuses a store whose every checkpoint is unreadable, unless createOnError", async () => {
    // Spark CheckpointReader.read(dir, conf, hadoopConf, ignoreReadError = createOnError): when
    // checkpoint files exist but none can be read, "If none of checkpoint files could be read,
    // then throw exception": SparkException("Failed to read checkpoint from directory ...").
    // StreamingContextSuite "getOrCreate": a corrupted checkpoint throws without createOnError,
    // and gives a new context from the creating function with createOnError = true.
    vi.spyOn(console, "warn").mockImplementation(() => undefined);
    const store = new MemoryCheckpointStore();
    const first = await wordCount(store, 0);
    first.ssc.start();
    await first.clock.advance(3000);
    await first.ssc.stop();
    const names = (await store.list()).filter((n) => n.startsWith("checkpoint-"));
    expect(names.length).toBeGreaterThan(0);
    for (const name of names) await store.put(name, new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]));

    const refused = await wordCount(store, 3000).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(Error);
    expect(StreamingContext.getActive()).toBeUndefined();

    const fresh = await wordCount(store, 3000, { createOnError: true });
    expect(fresh.recoveries.at(-1)).toBeUndefined();
  });

  it("a checkpoint write that fails once is tried again, and a failed write does not fail the context", async () => {
    // Spark CheckpointWriter.CheckpointWriteHandler.run(): up to MAX_ATTEMPTS (3) attempts, each
    // IOException logged as "Error in attempt N of writing checkpoint", and after the last one
    // only logWarning("Could not write checkpoint for time ..."): nothing is reported to the
    // JobScheduler, so awaitTermination() does not throw and the batches go on.
    vi.spyOn(console, "error").mockImplementation(() => undefined);
    vi.spyOn(console, "warn").mockImplementation(() => undefined);
    let failures = 1;
    const store = new MemoryCheckpointStore({
      faults: (op, name) => {
        if (op === "put" && name?.startsWith("checkpoint-") && name.endsWith("2000") && failures > 0) {
          failures--;
          return new Error("EIO: i/o error, write");
        }
        return undefined;
      },
    });
    const first = await wordCount(store, 0);
    const written: number[] = [];
    first.ssc.addStreamingListener({ onCheckpointCompleted: ({ time }) => void written.push(time) });
    first.ssc.start();
    await first.clock.advance(3000);
    expect(written).toEqual([1000, 2000, 3000]);
    expect(await first.ssc.awaitTerminationOrTimeout(10)).toBe(false);
  });

  it("a plain window spanning the restart has the batches from before it, with the default checkpoint interval", async () => {
    // Spark WindowedDStream.compute unions parent.slice(...) and recomputes or restores every
    // parent batch in the window after a restart, so the first windows after it equal an
    // uninterrupted run's (CheckpointSuite's windowed operations). Here the window's input is
    // checkpointed only every 10 s (Spark's default interval), and the batches after that
    // checkpoint are made again from the replayable queue.
    const batches = Array.from({ length: 16 }, (_, i) => [i + 1]);
    const run = async (store: CheckpointStore, clockStart: number) => {
      const clock = new ManualClock(clockStart);
      const windows = new Map<number, number[]>();
      const ssc = await StreamingContext.getOrCreate(store, () => {
        const ctx = new StreamingContext({ batchInterval: Seconds(1), clock, parallelism: 2 });
        ctx
          .queueStream(batches.map((b) => b.slice()))
          .window(Seconds(3))
          .foreachRDD(async (b, t) => void windows.set(t, (await b.collect()).sort((x, y) => x - y)));
        return ctx;
      });
      track(ssc);
      return { ssc, clock, windows };
    };
    const store = new MemoryCheckpointStore();
    const first = await run(store, 0);
    first.ssc.start();
    await first.clock.advance(12_000);
    await first.ssc.stop();
    const second = await run(store, 12_000);
    second.ssc.start();
    await second.clock.advance(2000);
    await second.ssc.stop();
    expect(second.windows.get(13_000)).toEqual([11, 12, 13]);
    expect(second.windows.get(14_000)).toEqual([12, 13, 14]);
  });
});
