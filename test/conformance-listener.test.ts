// Listener events and streaming statistics checked against Apache Spark Streaming 3.x: its
// StreamingListener, StreamingListenerBus (over Spark's ListenerBus), JobScheduler and JobSet
// (BatchInfo, OutputOperationInfo), ReceiverTracker (ReceiverInfo), StreamingJobProgressListener,
// BatchUIData and the streaming REST resource (ApiStreamingRootResource), and the suites that pin
// them down (StreamingListenerSuite, StreamingJobProgressListenerSuite). Each test quotes what
// Spark does. test/scheduler/listener.test.ts and test/scheduler/progress.test.ts already cover
// the plain cases (event order per batch, delays on a skewed clock, a listener that throws
// synchronously, removeStreamingListener, retention, queued/processing statuses).
import { afterEach, describe, expect, it, vi } from "vitest";
import {
  type Batch,
  type BatchInfo,
  type Clock,
  ManualClock,
  type OutputOperationInfo,
  Receiver,
  type ReceiverInfo,
  Seconds,
  StreamingContext,
  type StreamingContextOptions,
  type StreamingListener,
} from "../src/index.ts";
import { deferred, TickingClock } from "./support/ticking-clock.ts";

const contexts: StreamingContext[] = [];
afterEach(async () => {
  for (const ssc of contexts.splice(0)) await ssc.stop();
  vi.restoreAllMocks();
});

function newContext(clock: Clock, options: Partial<StreamingContextOptions> = {}): StreamingContext {
  const ssc = new StreamingContext({ batchInterval: Seconds(1), clock, parallelism: 2, ...options });
  contexts.push(ssc);
  return ssc;
}

class IdleReceiver extends Receiver<string> {
  onStart(): void {}
  onStop(): void {}
}

const opKey = (o: OutputOperationInfo): string => `${o.batchTime}#${o.id}`;

describe("event order and contents (JobScheduler, JobSet, StreamingListenerSuite)", () => {
  it("a batch's events interleave as Spark posts them, with the output operations' infos as JobSet fills them", async () => {
    // Spark JobScheduler: submitJobSet posts BatchSubmitted(jobSet.toBatchInfo); handleJobStart
    // posts BatchStarted (first job only) *before* job.setStartTime, then OutputOperationStarted;
    // handleJobCompletion sets the end time, posts OutputOperationCompleted and, once the JobSet
    // has completed, BatchCompleted. JobSet.toBatchInfo lists every job's OutputOperationInfo, so
    // the infos in BatchSubmitted and BatchStarted have neither start nor end time, and
    // processingStartTime is set in BatchStarted but processingEndTime only in BatchCompleted.
    const clock = new ManualClock();
    const ssc = newContext(clock);
    const order: string[] = [];
    let submitted: BatchInfo | undefined;
    let started: BatchInfo | undefined;
    let completed: BatchInfo | undefined;
    const opStarted: OutputOperationInfo[] = [];
    ssc.addStreamingListener({
      onBatchSubmitted: (e) => {
        order.push(`batch submitted ${e.batchInfo.batchTime}`);
        submitted = e.batchInfo;
      },
      onBatchStarted: (e) => {
        order.push(`batch started ${e.batchInfo.batchTime}`);
        started = e.batchInfo;
      },
      onOutputOperationStarted: (e) => {
        order.push(`op started ${opKey(e.outputOperationInfo)}`);
        opStarted.push(e.outputOperationInfo);
      },
      onOutputOperationCompleted: (e) => void order.push(`op completed ${opKey(e.outputOperationInfo)}`),
      onBatchCompleted: (e) => {
        order.push(`batch completed ${e.batchInfo.batchTime}`);
        completed = e.batchInfo;
      },
    });
    const input = ssc.queueStream<number>([[1, 2]]);
    input.foreachRDD(() => undefined);
    input.map((x) => x * 2).foreachRDD(() => undefined);
    ssc.start();
    await clock.advance(1000);
    expect(order).toEqual([
      "batch submitted 1000",
      "batch started 1000",
      "op started 1000#0",
      "op completed 1000#0",
      "op started 1000#1",
      "op completed 1000#1",
      "batch completed 1000",
    ]);
    const times = (b: BatchInfo | undefined) => [...b!.outputOperationInfos.values()].map((o) => [o.id, o.startTime, o.endTime]);
    expect(times(submitted)).toEqual([
      [0, undefined, undefined],
      [1, undefined, undefined],
    ]);
    expect(times(started)).toEqual([
      [0, undefined, undefined],
      [1, undefined, undefined],
    ]);
    expect(started).toMatchObject({ processingStartTime: 1000, processingEndTime: undefined, schedulingDelay: 0, processingDelay: undefined, totalDelay: undefined });
    expect(opStarted.map((o) => [o.id, o.startTime, o.endTime, o.duration, o.failureReason])).toEqual([
      [0, 1000, undefined, undefined, undefined],
      [1, 1000, undefined, undefined, undefined],
    ]);
    expect(times(completed)).toEqual([
      [0, 1000, 1000],
      [1, 1000, 1000],
    ]);
  });

  it("onBatchCompleted carries each failed output operation's failureReason under its id, and none for a good batch", async () => {
    // StreamingListenerSuite "onBatchCompleted with failed batch and multiple failed jobs": the
    // failure reasons collected from BatchCompleted's outputOperationInfos are exactly
    // {0 -> "...This is a failed job...", 1 -> "...This is another failed job..."}; and
    // "onBatchCompleted with successful batch": no failure reason at all.
    vi.spyOn(console, "error").mockImplementation(() => undefined);
    const clock = new ManualClock();
    const ssc = newContext(clock);
    const reasons: [number, Map<number, string>][] = [];
    ssc.addStreamingListener({
      onBatchCompleted: (e) => {
        const failed = new Map<number, string>();
        for (const [id, info] of e.batchInfo.outputOperationInfos) if (info.failureReason !== undefined) failed.set(id, info.failureReason);
        reasons.push([e.batchInfo.batchTime, failed]);
      },
    });
    const input = ssc.queueStream<number>([[1], [2]]);
    input.foreachRDD((_b, t) => {
      if (t === 2000) throw new Error("This is a failed job");
    });
    input.foreachRDD((_b, t) => {
      if (t === 2000) throw new Error("This is another failed job");
    });
    ssc.start();
    await clock.advance(2000);
    expect(reasons.map(([t, m]) => [t, [...m.keys()]])).toEqual([
      [1000, []],
      [2000, [0, 1]],
    ]);
    expect(reasons[1]![1].get(0)).toContain("This is a failed job");
    expect(reasons[1]![1].get(1)).toContain("This is another failed job");
  });

  it("a time whose jobs cannot be generated posts no batch event and is no batch in the statistics", async () => {
    // Spark JobGenerator.generateJobs: on Failure(e) it only calls jobScheduler.reportError(
    // "Error generating jobs for time ...", e); no JobSet is submitted, so no BatchSubmitted,
    // BatchStarted or BatchCompleted is posted and StreamingJobProgressListener never sees it.
    vi.spyOn(console, "error").mockImplementation(() => undefined);
    const clock = new ManualClock();
    const ssc = newContext(clock);
    const events: string[] = [];
    ssc.addStreamingListener({
      onBatchSubmitted: (e) => void events.push(`submitted ${e.batchInfo.batchTime}`),
      onBatchCompleted: (e) => void events.push(`completed ${e.batchInfo.batchTime}`),
    });
    ssc
      .queueStream<number>([[1], [2], [3]])
      .transform((b, t) => (t === 2000 ? (undefined as unknown as Batch<number>) : b))
      .foreachRDD(() => undefined);
    ssc.start();
    await clock.advance(3000);
    expect(events).toEqual(["submitted 1000", "completed 1000", "submitted 3000", "completed 3000"]);
    expect(ssc.statistics()).toMatchObject({ numTotalCompletedBatches: 2, numActiveBatches: 0 });
    expect(ssc.batchStatistics().map((b) => b.batchTime)).toEqual([3000, 1000]);
  });
});

describe("batches that queue (JobScheduler, StreamingJobProgressListener, ApiStreamingRootResource)", () => {
  it("a batch submitted while the previous one runs is queued: its schedulingDelay is the wait, and the averages follow", async () => {
    // Spark: JobGenerator submits each batch at its time whatever is running (the job executor
    // has one thread, spark.streaming.concurrentJobs = 1), so BatchSubmitted(2000) comes while
    // batch 1000 runs. BatchInfo.schedulingDelay = processingStartTime - submissionTime,
    // processingDelay = end - start, totalDelay = their sum. StreamingJobProgressListener keeps
    // the queued batch in waitingBatchUIData (numUnprocessedBatches counts it), counts records
    // received at BatchStarted, and /statistics averages over retainedBatches (queued, running
    // and completed): a figure a batch does not have yet (None) is left out.
    const clock = new TickingClock();
    const ssc = newContext(clock);
    const events: string[] = [];
    const completed = new Map<number, BatchInfo>();
    const entered = deferred();
    const gate = deferred();
    const secondDone = deferred();
    ssc.addStreamingListener({
      onBatchSubmitted: (e) => void events.push(`submitted ${e.batchInfo.batchTime}`),
      onBatchStarted: (e) => void events.push(`started ${e.batchInfo.batchTime}`),
      onBatchCompleted: (e) => {
        events.push(`completed ${e.batchInfo.batchTime}`);
        completed.set(e.batchInfo.batchTime, e.batchInfo);
        if (e.batchInfo.batchTime === 2000) secondDone.resolve();
      },
    });
    ssc.queueStream<number>([[1, 2], [3]]).foreachRDD(async (_b, t) => {
      if (t !== 1000) return;
      entered.resolve();
      await gate.promise;
    });
    ssc.start();
    clock.tick(1000);
    await entered.promise;
    clock.tick(2000);
    expect(ssc.statistics()).toMatchObject({
      numActiveBatches: 2,
      numTotalCompletedBatches: 0,
      numReceivedRecords: 2,
      numProcessedRecords: 0,
      avgInputRate: 1.5, // (2 + 1) records over two retained 1 s batches, the queued one included
      avgSchedulingDelay: 0, // only the running batch has one
      avgProcessingTime: undefined,
      avgTotalDelay: undefined,
    });
    clock.tick(2500); // batch 1000 takes 1.5 s
    gate.resolve();
    await secondDone.promise;
    expect(events).toEqual(["submitted 1000", "started 1000", "submitted 2000", "completed 1000", "started 2000", "completed 2000"]);
    expect(completed.get(1000)).toMatchObject({
      submissionTime: 1000,
      processingStartTime: 1000,
      processingEndTime: 2500,
      schedulingDelay: 0,
      processingDelay: 1500,
      totalDelay: 1500,
    });
    expect(completed.get(2000)).toMatchObject({
      submissionTime: 2000,
      processingStartTime: 2500,
      processingEndTime: 2500,
      schedulingDelay: 500,
      processingDelay: 0,
      totalDelay: 500,
    });
    expect(ssc.statistics()).toMatchObject({
      numActiveBatches: 0,
      numTotalCompletedBatches: 2,
      numReceivedRecords: 3,
      numProcessedRecords: 3,
      avgSchedulingDelay: 250,
      avgProcessingTime: 750,
      avgTotalDelay: 1000,
    });
  });

  it("numActiveOutputOps counts every output operation of a batch that has not ended, started or not", async () => {
    // Spark BatchUIData: `def numActiveOutputOp: Int = outputOperations.values.count(_.endTime.isEmpty)`,
    // over the OutputOperationInfos of the batch's BatchInfo, which lists every job of the
    // JobSet from BatchSubmitted on. /batches reports it as numActiveOutputOps: a queued batch
    // of three outputs has 3, a running one whose first output is running has 3.
    const clock = new TickingClock();
    const ssc = newContext(clock);
    const entered = deferred();
    const gate = deferred();
    const secondDone = deferred();
    ssc.addStreamingListener({ onBatchCompleted: (e) => void (e.batchInfo.batchTime === 2000 && secondDone.resolve()) });
    const input = ssc.queueStream<number>([[1], [2]]);
    input.foreachRDD(async (_b, t) => {
      if (t !== 1000) return;
      entered.resolve();
      await gate.promise;
    });
    input.foreachRDD(() => undefined);
    input.foreachRDD(() => undefined);
    ssc.start();
    clock.tick(1000);
    await entered.promise;
    clock.tick(2000);
    try {
      const during = ssc.batchStatistics();
      expect(during.map((b) => [b.batchTime, b.status, b.numTotalOutputOps, b.numActiveOutputOps, b.numCompletedOutputOps])).toEqual([
        [2000, "queued", 3, 3, 0],
        [1000, "processing", 3, 3, 0],
      ]);
    } finally {
      gate.resolve();
      await secondDone.promise;
    }
  });

});

describe("adding, removing and failing listeners (ListenerBus, StreamingListenerBus)", () => {
  it("a listener added after start() receives the events posted from then on, and no replay", async () => {
    // Spark ssc.addStreamingListener works at any time (scheduler.listenerBus.addListener); the
    // bus delivers each event to the listeners registered when it is dispatched, with no replay
    // of StreamingStarted or of earlier batches.
    const clock = new ManualClock();
    const ssc = newContext(clock);
    ssc.queueStream<number>([[1], [2]]).foreachRDD(() => undefined);
    ssc.start();
    await clock.advance(1000);
    const events: string[] = [];
    ssc.addStreamingListener({
      onStreamingStarted: () => void events.push("streaming started"),
      onBatchSubmitted: (e) => void events.push(`submitted ${e.batchInfo.batchTime}`),
      onBatchStarted: (e) => void events.push(`started ${e.batchInfo.batchTime}`),
      onOutputOperationStarted: (e) => void events.push(`op started ${opKey(e.outputOperationInfo)}`),
      onOutputOperationCompleted: (e) => void events.push(`op completed ${opKey(e.outputOperationInfo)}`),
      onBatchCompleted: (e) => void events.push(`completed ${e.batchInfo.batchTime}`),
    });
    await clock.advance(1000);
    expect(events).toEqual(["submitted 2000", "started 2000", "op started 2000#0", "op completed 2000#0", "completed 2000"]);
  });

  it("a listener that throws from every handler is logged, still receives every later event, and fails no output", async () => {
    // Spark ListenerBus.postToAll: `catch { case NonFatal(e) => logError(s"Listener ... threw an
    // exception", e) }` and goes on with the next listener and the next event; the listener is
    // removed only when interrupted (InterruptedException), never for an ordinary exception. The
    // jobs and their OutputOperationInfos know nothing of it.
    const error = vi.spyOn(console, "error").mockImplementation(() => undefined);
    const clock = new ManualClock();
    const ssc = newContext(clock);
    const seen: string[] = [];
    const fail = (what: string) => {
      seen.push(what);
      throw new Error(`listener bug in ${what}`);
    };
    ssc.addStreamingListener({
      onStreamingStarted: () => fail("streaming started"),
      onBatchSubmitted: (e) => fail(`submitted ${e.batchInfo.batchTime}`),
      onBatchStarted: (e) => fail(`started ${e.batchInfo.batchTime}`),
      onOutputOperationStarted: (e) => fail(`op started ${opKey(e.outputOperationInfo)}`),
      onOutputOperationCompleted: (e) => fail(`op completed ${opKey(e.outputOperationInfo)}`),
      onBatchCompleted: (e) => fail(`completed ${e.batchInfo.batchTime}`),
    });
    const ops: OutputOperationInfo[] = [];
    ssc.addStreamingListener({ onOutputOperationCompleted: (e) => void ops.push(e.outputOperationInfo) });
    const out: number[][] = [];
    ssc.queueStream<number>([[1], [2]]).foreachRDD(async (b) => void out.push(await b.collect()));
    ssc.start();
    await clock.advance(2000);
    expect(seen).toEqual([
      "streaming started",
      "submitted 1000",
      "started 1000",
      "op started 1000#0",
      "op completed 1000#0",
      "completed 1000",
      "submitted 2000",
      "started 2000",
      "op started 2000#0",
      "op completed 2000#0",
      "completed 2000",
    ]);
    expect(out).toEqual([[1], [2]]);
    expect(ops.map((o) => o.failureReason)).toEqual([undefined, undefined]);
    expect(ssc.statistics()).toMatchObject({ numTotalCompletedBatches: 2, numProcessedRecords: 2 });
    expect(error.mock.calls.length).toBeGreaterThanOrEqual(seen.length);
    expect(await ssc.awaitTerminationOrTimeout(0)).toBe(false);
  });

  it("a listener whose handler fails asynchronously is logged like one that throws, not left as an unhandled rejection", async () => {
    // Spark ListenerBus.postToAll catches a listener's NonFatal failure and logs it ("Listener
    // ... threw an exception"); the application goes on. A JavaScript handler fails either by
    // throwing or by returning a promise that rejects (an `async` handler); the second must
    // end the same way, not as an unhandled rejection (which ends a Node process by default).
    const error = vi.spyOn(console, "error").mockImplementation(() => undefined);
    const saved = process.listeners("unhandledRejection");
    const unhandled: unknown[] = [];
    const catcher = (reason: unknown) => void unhandled.push(reason);
    process.removeAllListeners("unhandledRejection");
    process.on("unhandledRejection", catcher);
    try {
      const clock = new ManualClock();
      const ssc = newContext(clock);
      ssc.addStreamingListener({
        onBatchCompleted: async () => {
          await Promise.resolve();
          throw new Error("async listener bug");
        },
      });
      ssc.queueStream<number>([[1]]).foreachRDD(() => undefined);
      ssc.start();
      await clock.advance(1000);
      await new Promise((r) => setTimeout(r, 20));
    } finally {
      process.off("unhandledRejection", catcher);
      for (const l of saved) process.on("unhandledRejection", l);
    }
    expect(unhandled).toEqual([]);
    expect(error.mock.calls.some((call) => call.some((arg) => String(arg).includes("async listener bug")))).toBe(true);
  });

  it("a listener that removes itself while handling an event does not make the next listener miss that event", async () => {
    // Spark ListenerBus keeps its listeners in a CopyOnWriteArrayList and postToAll iterates a
    // snapshot of it, so removeListener (ssc.removeStreamingListener) during delivery affects
    // later events only: every listener registered when the event was dispatched receives it.
    const clock = new ManualClock();
    const ssc = newContext(clock);
    const seen: string[] = [];
    const once: StreamingListener = {
      onBatchCompleted: (e) => {
        seen.push(`once ${e.batchInfo.batchTime}`);
        ssc.removeStreamingListener(once);
      },
    };
    ssc.addStreamingListener(once);
    ssc.addStreamingListener({ onBatchCompleted: (e) => void seen.push(`next ${e.batchInfo.batchTime}`) });
    ssc.queueStream<number>([[1], [2]]).foreachRDD(() => undefined);
    ssc.start();
    await clock.advance(2000);
    expect(seen).toEqual(["once 1000", "next 1000", "next 2000"]);
  });

  it("a listener added while an event is being delivered does not receive that event", async () => {
    // Spark ListenerBus.postToAll iterates a snapshot of its CopyOnWriteArrayList: a listener
    // added by another listener's handler receives the events posted after, not the one in hand.
    const clock = new ManualClock();
    const ssc = newContext(clock);
    const seen: string[] = [];
    const late: StreamingListener = { onBatchCompleted: (e) => void seen.push(`late ${e.batchInfo.batchTime}`) };
    let added = false;
    ssc.addStreamingListener({
      onBatchCompleted: (e) => {
        seen.push(`first ${e.batchInfo.batchTime}`);
        if (added) return;
        added = true;
        ssc.addStreamingListener(late);
      },
    });
    ssc.queueStream<number>([[1], [2]]).foreachRDD(() => undefined);
    ssc.start();
    await clock.advance(2000);
    expect(seen).toEqual(["first 1000", "first 2000", "late 2000"]);
  });
});

describe("receivers (ReceiverTracker, StreamingJobProgressListener, ApiStreamingRootResource)", () => {
  it("each input's event rates cover the retained batches only", async () => {
    // Spark StreamingJobProgressListener.receivedRecordRateWithBatchTime is computed over
    // retainedBatches (waiting, running and the last spark.streaming.ui.retainedBatches
    // completed ones), numRecords * 1000.0 / batchDuration per batch; /receivers averages them.
    const clock = new ManualClock();
    const ssc = newContext(clock, { retainedBatches: 2 });
    ssc.queueStream<number>([[1], [1, 2], [1, 2, 3]]).foreachRDD(() => undefined);
    ssc.start();
    await clock.advance(3000);
    const [input] = ssc.receiverStatistics();
    expect(input!.eventRates).toEqual([
      [2000, 2],
      [3000, 3],
    ]);
    expect(input!.avgEventRate).toBe(2.5);
  });

  it("a receiver stopped without an error has no last error time and no last error, only the stop message", async () => {
    // Spark ReceiverTracker.deregisterReceiver(streamId, message, error) replaces the receiver's
    // error info: `lastErrorTime = if (error == null || error == "") -1 else now`,
    // ReceiverErrorInfo(lastErrorMessage = message, lastError = error, lastErrorTime), posted in
    // ReceiverStopped; /receivers then gives lastErrorTime None (it shows a time only when >= 0).
    const clock = new ManualClock();
    const ssc = newContext(clock);
    const stopped: ReceiverInfo[] = [];
    ssc.addStreamingListener({ onReceiverStopped: (e) => void stopped.push(e.receiverInfo) });
    const receiver = new IdleReceiver();
    ssc.receiverStream(receiver).foreachRDD(() => undefined);
    ssc.start();
    await clock.advance(500);
    receiver.reportError("could not parse a frame", new Error("frame too long"));
    await clock.advance(500);
    receiver.stop("source closed");
    await clock.advance(0);
    expect(stopped.map((i) => [i.active, i.lastErrorMessage, i.lastError])).toEqual([[false, "source closed", undefined]]);
    expect(ssc.receiverStatistics()[0]).toMatchObject({ active: false, lastErrorMessage: "source closed", lastError: undefined, lastErrorTime: undefined });
  });

});

describe("after stop (JobScheduler.stop, StreamingListenerBus.stop, StreamingJobProgressListener)", () => {
  it("a graceful stop reports the receiver stopped before the last batch, and the statistics keep every figure", async () => {
    // Spark JobScheduler.stop(processAllReceivedData = true) stops the ReceiverTracker first
    // (receivers deregister: ReceiverStopped, inactive), then JobGenerator.stop(true) processes
    // what they received. StreamingJobProgressListener keeps its totals, retained batches,
    // start time and receiver infos: numActiveReceivers 0, numInactiveReceivers 1.
    const clock = new ManualClock();
    const ssc = newContext(clock);
    const events: string[] = [];
    ssc.addStreamingListener({
      onReceiverStopped: (e) => void events.push(`receiver stopped (${e.receiverInfo.active ? "active" : "inactive"})`),
      onBatchCompleted: (e) => void events.push(`completed ${e.batchInfo.batchTime} (${e.batchInfo.numRecords})`),
    });
    const receiver = new IdleReceiver();
    ssc.receiverStream(receiver).foreachRDD(() => undefined);
    ssc.start();
    await clock.advance(0);
    await receiver.store(["a", "b"]);
    await clock.advance(1000);
    await receiver.store(["c"]);
    await ssc.stop({ graceful: true });
    expect(events).toEqual(["completed 1000 (2)", "receiver stopped (inactive)", "completed 2000 (1)"]);
    expect(ssc.statistics()).toMatchObject({
      startTime: 0,
      numReceivers: 1,
      numActiveReceivers: 0,
      numInactiveReceivers: 1,
      numTotalCompletedBatches: 2,
      numRetainedCompletedBatches: 2,
      numActiveBatches: 0,
      numProcessedRecords: 3,
      numReceivedRecords: 3,
    });
    expect(ssc.batchStatistics().map((b) => [b.batchTime, b.status])).toEqual([
      [2000, "completed"],
      [1000, "completed"],
    ]);
  });

  it("no event reaches the listeners after stop(), and the statistics no longer change", async () => {
    // Spark StreamingListenerSuite "StreamingListener receives no events after stopping
    // StreamingListenerBus": after ssc.stop(), an event posted to ssc.scheduler.listenerBus
    // reaches no listener (StreamingListenerBus.stop removes it from the Spark listener bus,
    // verifyNoMoreInteractions). A receiver's reportError after the stop goes nowhere either.
    const clock = new ManualClock();
    const ssc = newContext(clock);
    let stopped = false;
    const afterStop: string[] = [];
    const note = (what: string) => void (stopped && afterStop.push(what));
    ssc.addStreamingListener({
      onReceiverStarted: () => note("receiver started"),
      onReceiverError: (e) => note(`receiver error ${e.receiverInfo.lastErrorMessage}`),
      onReceiverStopped: () => note("receiver stopped"),
      onBatchSubmitted: () => note("batch submitted"),
      onBatchCompleted: () => note("batch completed"),
    });
    const receiver = new IdleReceiver();
    ssc.receiverStream(receiver).foreachRDD(() => undefined);
    ssc.start();
    await clock.advance(1000);
    await ssc.stop();
    stopped = true;
    const before = ssc.receiverStatistics();
    receiver.reportError("connection reset after close", new Error("ECONNRESET"));
    await clock.advance(1000);
    expect(afterStop).toEqual([]);
    expect(ssc.receiverStatistics()).toEqual(before);
  });
});
