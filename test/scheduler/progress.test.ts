import { afterEach, describe, expect, it, vi } from "vitest";
import { ManualClock, Receiver, RivuletError, Seconds, StreamingContext, type StreamingContextOptions } from "../../src/index.ts";
import { SkewClock } from "../support/skew-clock.ts";
import { deferred, TickingClock } from "../support/ticking-clock.ts";

const contexts: StreamingContext[] = [];
function newContext(clock: ManualClock, options: Partial<StreamingContextOptions> = {}): StreamingContext {
  const ssc = new StreamingContext({ batchInterval: Seconds(1), clock, parallelism: 2, ...options });
  contexts.push(ssc);
  return ssc;
}
afterEach(async () => {
  for (const ssc of contexts.splice(0)) await ssc.stop();
  vi.restoreAllMocks();
});

class IdleReceiver extends Receiver<string> {
  onStart(): void {}
  onStop(): void {}
}

describe("StreamingContext.statistics", () => {
  it("is empty before the start, with the batch interval and no averages", () => {
    const ssc = newContext(new ManualClock());
    ssc.queueStream<number>([]).foreachRDD(() => undefined);
    expect(ssc.statistics()).toEqual({
      startTime: undefined,
      batchDuration: 1000,
      numReceivers: 0,
      numActiveReceivers: 0,
      numInactiveReceivers: 0,
      numTotalCompletedBatches: 0,
      numRetainedCompletedBatches: 0,
      numActiveBatches: 0,
      numProcessedRecords: 0,
      numReceivedRecords: 0,
      avgInputRate: undefined,
      avgSchedulingDelay: undefined,
      avgProcessingTime: undefined,
      avgTotalDelay: undefined,
    });
    expect(ssc.batchStatistics()).toEqual([]);
    expect(ssc.receiverStatistics()).toEqual([]);
  });

  it("counts records and batches and averages rates and delays over the completed batches", async () => {
    const clock = new SkewClock();
    const ssc = newContext(clock);
    const processing = [100, 300, 200];
    ssc.addStreamingListener({ onBatchSubmitted: () => void (clock.extra += 50) }); // each batch waits 50 ms
    ssc.queueStream<number>([[1, 2, 3], [4], []]).foreachRDD(() => void (clock.extra += processing.shift()!));
    ssc.start();
    await clock.advance(3000);
    expect(ssc.statistics()).toEqual({
      startTime: 0,
      batchDuration: 1000,
      numReceivers: 0,
      numActiveReceivers: 0,
      numInactiveReceivers: 0,
      numTotalCompletedBatches: 3,
      numRetainedCompletedBatches: 3,
      numActiveBatches: 0,
      numProcessedRecords: 4,
      numReceivedRecords: 4,
      avgInputRate: 4 / 3, // (3 + 1 + 0) records over three 1 s batches
      avgSchedulingDelay: 50,
      avgProcessingTime: 200,
      avgTotalDelay: 250,
    });
  });

  it("keeps the last retainedBatches completed batches, newest first, and totals past them", async () => {
    const clock = new SkewClock();
    const ssc = newContext(clock, { retainedBatches: 2 });
    const processing = [900, 30, 10];
    ssc.queueStream<number>([[1, 2, 3, 4], [5, 6], [7]]).foreachRDD(() => void (clock.extra += processing.shift()!));
    ssc.start();
    await clock.advance(3000);
    const stats = ssc.statistics();
    expect(stats).toMatchObject({ numTotalCompletedBatches: 3, numRetainedCompletedBatches: 2, numProcessedRecords: 7, numReceivedRecords: 7 });
    expect(stats.avgProcessingTime).toBe(20); // the first batch's 900 ms is no longer retained
    expect(stats.avgInputRate).toBe(1.5);
    const batches = ssc.batchStatistics();
    expect(batches.map((b) => [b.batchTime, b.status, b.numRecords])).toEqual([
      [3000, "completed", 1],
      [2000, "completed", 2],
    ]);
    expect(batches[0]).toMatchObject({ numTotalOutputOps: 1, numCompletedOutputOps: 1, numActiveOutputOps: 0, numFailedOutputOps: 0, firstFailureReason: undefined });
  });

  it("shows the running batch as processing, with its running output operation, and the next one as queued", async () => {
    // Batches queue only where the clock does not wait for a batch before the next tick, as the
    // system clock; this one ticks only when told.
    const clock = new TickingClock();
    const ssc = new StreamingContext({ batchInterval: Seconds(1), clock, parallelism: 2 });
    contexts.push(ssc);
    const entered = deferred();
    const gate = deferred();
    const secondDone = deferred();
    ssc.addStreamingListener({ onBatchCompleted: (e) => void (e.batchInfo.batchTime === 2000 && secondDone.resolve()) });
    const input = ssc.queueStream<number>([[1, 2], [3]]);
    input.foreachRDD(() => undefined);
    input.foreachRDD(async (_, time) => {
      if (time !== 1000) return;
      entered.resolve();
      await gate.promise;
    });
    ssc.start();
    clock.tick(1000);
    await entered.promise;
    clock.tick(2000);
    const during = ssc.batchStatistics();
    expect(during.map((b) => [b.batchTime, b.status])).toEqual([
      [2000, "queued"],
      [1000, "processing"],
    ]);
    expect(during[1]).toMatchObject({ numTotalOutputOps: 2, numCompletedOutputOps: 1, numActiveOutputOps: 1, numFailedOutputOps: 0 });
    // As Spark's BatchUIData, an operation not yet ended is active, started or not.
    expect(during[0]).toMatchObject({ numTotalOutputOps: 2, numCompletedOutputOps: 0, numActiveOutputOps: 2 });
    expect(ssc.statistics()).toMatchObject({ numActiveBatches: 2, numTotalCompletedBatches: 0, numReceivedRecords: 2, numProcessedRecords: 0 });
    gate.resolve();
    await secondDone.promise;
    expect(ssc.batchStatistics().map((b) => b.status)).toEqual(["completed", "completed"]);
    expect(ssc.statistics()).toMatchObject({ numActiveBatches: 0, numTotalCompletedBatches: 2, numReceivedRecords: 3, numProcessedRecords: 3 });
  });

  it("gives a failed batch's first failure reason and counts its failed output operations", async () => {
    vi.spyOn(console, "error").mockImplementation(() => undefined);
    const clock = new ManualClock();
    const ssc = newContext(clock);
    const input = ssc.queueStream<number>([[1]]);
    input.foreachRDD(() => {
      throw new Error("sink refused the batch");
    });
    input.foreachRDD(() => undefined);
    input.foreachRDD(() => {
      throw new Error("second failure");
    });
    ssc.start();
    await clock.advance(1000);
    expect(ssc.batchStatistics()[0]).toMatchObject({
      status: "completed",
      numTotalOutputOps: 3,
      numCompletedOutputOps: 1,
      numFailedOutputOps: 2,
      firstFailureReason: expect.stringMatching(/^Error: sink refused the batch\n\s+at /),
    });
  });

  it("gives each input's rate per batch, and a receiver's state and last error", async () => {
    const clock = new ManualClock();
    const ssc = newContext(clock);
    const receiver = new IdleReceiver();
    const received = ssc.receiverStream(receiver);
    const queued = ssc.queueStream<string>([["a", "b"], ["c", "d", "e", "f"]]);
    received.union(queued).foreachRDD(() => undefined);
    ssc.start();
    await clock.advance(0);
    await receiver.store(["x", "y", "z"]);
    await clock.advance(1000);
    await clock.advance(500);
    const cause = new Error("frame too long");
    receiver.reportError("could not parse a frame", cause);
    await clock.advance(500);
    const [fromReceiver, fromQueue] = ssc.receiverStatistics();
    expect(fromReceiver).toEqual({
      streamId: fromReceiver!.streamId,
      name: "IdleReceiver",
      active: true,
      lastErrorMessage: "could not parse a frame",
      lastError: cause,
      lastErrorTime: 1500,
      avgEventRate: 1.5,
      eventRates: [
        [1000, 3],
        [2000, 0],
      ],
    });
    expect(fromQueue).toMatchObject({ name: "queueStream", active: undefined, lastErrorMessage: undefined, lastErrorTime: undefined, avgEventRate: 3 });
    expect(fromQueue!.eventRates).toEqual([
      [1000, 2],
      [2000, 4],
    ]);
    expect(ssc.statistics()).toMatchObject({ numReceivers: 1, numActiveReceivers: 1, numInactiveReceivers: 0 });
    receiver.stop("source closed");
    await clock.advance(0);
    expect(ssc.statistics()).toMatchObject({ numReceivers: 1, numActiveReceivers: 0, numInactiveReceivers: 1 });
    // A stop without an error has no error time, as Spark's deregisterReceiver (-1), only its message.
    expect(ssc.receiverStatistics()[0]).toMatchObject({ active: false, lastErrorMessage: "source closed", lastErrorTime: undefined, lastError: undefined });
  });

  it("rejects a retainedBatches that is not a positive integer", () => {
    for (const retainedBatches of [0, -1, 1.5, Number.NaN]) {
      expect(() => newContext(new ManualClock(), { retainedBatches })).toThrow(RivuletError);
    }
  });
});
