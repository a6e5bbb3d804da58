import { afterEach, describe, expect, it, vi } from "vitest";
import {
  type BatchInfo,
  ManualClock,
  type OutputOperationInfo,
  Seconds,
  StreamingContext,
  type StreamingListener,
} from "../../src/index.ts";
import { SkewClock } from "../support/skew-clock.ts";

const contexts: StreamingContext[] = [];
function newContext(clock: ManualClock, parallelism = 2): StreamingContext {
  const ssc = new StreamingContext({ batchInterval: Seconds(1), clock, parallelism });
  contexts.push(ssc);
  return ssc;
}
afterEach(async () => {
  for (const ssc of contexts.splice(0)) await ssc.stop();
  vi.restoreAllMocks();
});

describe("listener bus", () => {
  it("posts onStreamingStarted, then onBatchSubmitted / Started / Completed per batch with numRecords", async () => {
    const clock = new ManualClock();
    const ssc = newContext(clock);
    const events: string[] = [];
    const completed: BatchInfo[] = [];
    ssc.addStreamingListener({
      onStreamingStarted: (e) => void events.push(`streaming started @${e.time}`),
      onBatchSubmitted: (e) => void events.push(`submitted ${e.batchInfo.batchTime} (${e.batchInfo.numRecords})`),
      onBatchStarted: (e) => void events.push(`started ${e.batchInfo.batchTime}`),
      onBatchCompleted: (e) => {
        events.push(`completed ${e.batchInfo.batchTime}`);
        completed.push(e.batchInfo);
      },
    });
    ssc.queueStream<number>([[1, 2, 3], [4]]).foreachRDD(() => undefined);
    ssc.start();
    await clock.advance(3000);
    expect(events).toEqual([
      "streaming started @0",
      "submitted 1000 (3)",
      "started 1000",
      "completed 1000",
      "submitted 2000 (1)",
      "started 2000",
      "completed 2000",
      "submitted 3000 (0)",
      "started 3000",
      "completed 3000",
    ]);
    expect(completed.map((b) => b.numRecords)).toEqual([3, 1, 0]);
    const first = completed[0]!;
    expect(first.submissionTime).toBe(1000);
    expect(first.processingStartTime).toBe(1000);
    expect(first.processingEndTime).toBe(1000);
    expect(first.schedulingDelay).toBe(0);
    expect(first.processingDelay).toBe(0);
    expect(first.totalDelay).toBe(0);
    const input = [...first.streamIdToInputInfo.values()];
    expect(input).toHaveLength(1);
    expect(input[0]).toMatchObject({ name: "queueStream", numRecords: 3 });
  });

  it("numRecords sums every input stream of the batch", async () => {
    const clock = new ManualClock();
    const ssc = newContext(clock);
    const counts: number[] = [];
    ssc.addStreamingListener({ onBatchCompleted: (e) => void counts.push(e.batchInfo.numRecords) });
    const a = ssc.queueStream<number>([[1, 2]]);
    const b = ssc.queueStream<number>([[3, 4, 5]]);
    a.union(b).foreachRDD(() => undefined);
    ssc.start();
    await clock.advance(1000);
    expect(counts).toEqual([5]);
  });

  it("measures schedulingDelay and processingDelay on the context's clock", async () => {
    const clock = new SkewClock();
    const ssc = newContext(clock);
    let submitted: BatchInfo | undefined;
    let started: BatchInfo | undefined;
    let completed: BatchInfo | undefined;
    ssc.addStreamingListener({
      onBatchSubmitted: (e) => {
        submitted = e.batchInfo;
        clock.extra += 100; // the batch waits 100 ms before it starts
      },
      onBatchStarted: (e) => void (started = e.batchInfo),
      onBatchCompleted: (e) => void (completed = e.batchInfo),
    });
    ssc.queueStream<number>([[1]]).foreachRDD(() => {
      clock.extra += 250; // processing takes 250 ms
    });
    ssc.start();
    await clock.advance(1000);
    expect(submitted).toMatchObject({ batchTime: 1000, submissionTime: 1000, processingStartTime: undefined, schedulingDelay: undefined });
    expect(started).toMatchObject({ processingStartTime: 1100, schedulingDelay: 100, processingDelay: undefined });
    expect(completed).toMatchObject({
      batchTime: 1000,
      submissionTime: 1000,
      processingStartTime: 1100,
      processingEndTime: 1350,
      schedulingDelay: 100,
      processingDelay: 250,
      totalDelay: 350,
    });
  });

  it("posts onOutputOperationStarted / Completed in declaration order, with ids and names", async () => {
    const clock = new ManualClock();
    const ssc = newContext(clock);
    ssc.addStreamingListener({}); // a listener without handlers is fine
    const events: string[] = [];
    const infos: OutputOperationInfo[] = [];
    ssc.addStreamingListener({
      onOutputOperationStarted: (e) => void events.push(`start #${e.outputOperationInfo.id} ${e.outputOperationInfo.name}`),
      onOutputOperationCompleted: (e) => {
        events.push(`done #${e.outputOperationInfo.id} ${e.outputOperationInfo.name}`);
        infos.push(e.outputOperationInfo);
      },
      onBatchCompleted: (e) => void events.push(`batch ${e.batchInfo.batchTime} ${[...e.batchInfo.outputOperationInfos.keys()].join(",")}`),
    });
    const s = ssc.queueStream<number>([[1]]);
    s.foreachRDD(async () => {
      events.push("run A");
      await new Promise((r) => setTimeout(r, 2));
    });
    s.map((x) => x + 1).foreachRDD(() => void events.push("run B"));
    ssc.start();
    await clock.advance(1000);
    expect(events).toEqual([
      "start #0 foreachRDD",
      "run A",
      "done #0 foreachRDD",
      "start #1 foreachRDD",
      "run B",
      "done #1 foreachRDD",
      "batch 1000 0,1",
    ]);
    expect(infos.map((i) => [i.batchTime, i.id, i.failureReason])).toEqual([
      [1000, 0, undefined],
      [1000, 1, undefined],
    ]);
    expect(infos[0]).toMatchObject({ startTime: 1000, endTime: 1000, duration: 0, description: "foreachRDD of queueStream (stream 0)" });
    expect(infos[1]!.description).toBe("foreachRDD of mapped (stream 1)");
  });

  it("gives each output operation its duration, endTime - startTime (Spark: OutputOperationInfo.duration)", async () => {
    const clock = new SkewClock();
    const ssc = new StreamingContext({ batchInterval: Seconds(1), clock, parallelism: 2 });
    contexts.push(ssc);
    const infos: OutputOperationInfo[] = [];
    ssc.addStreamingListener({ onOutputOperationCompleted: (e) => void infos.push(e.outputOperationInfo) });
    ssc.queueStream<number>([[1]]).foreachRDD(() => {
      clock.extra += 250;
    });
    ssc.start();
    await clock.advance(1000);
    expect(infos[0]!.duration).toBe(250);
    expect(infos[0]!.endTime! - infos[0]!.startTime!).toBe(250);
  });

  it("gives a failed output operation's failureReason as Spark's exception string: type, message, then the stack", async () => {
    vi.spyOn(console, "error").mockImplementation(() => undefined);
    const clock = new ManualClock();
    const ssc = newContext(clock);
    const infos: OutputOperationInfo[] = [];
    const batches: BatchInfo[] = [];
    ssc.addStreamingListener({
      onOutputOperationCompleted: (e) => void infos.push(e.outputOperationInfo),
      onBatchCompleted: (e) => void batches.push(e.batchInfo),
    });
    ssc.queueStream<number>([[1]]).foreachRDD(() => {
      throw new TypeError("boom");
    });
    ssc.start();
    await clock.advance(1000);
    expect(batches).toHaveLength(1);
    expect(infos[0]!.failureReason).toMatch(/^TypeError: boom\n\s+at /);
  });

  it("posts no batch events for a time without jobs (Spark: submitJobSet), yet runs the batches around it", async () => {
    // A window sliding 2 s over 1 s batches has no job at the odd times.
    const clock = new ManualClock();
    const ssc = newContext(clock);
    const events: string[] = [];
    ssc.addStreamingListener({
      onBatchSubmitted: (e) => void events.push(`submitted ${e.batchInfo.batchTime}`),
      onBatchStarted: (e) => void events.push(`started ${e.batchInfo.batchTime}`),
      onBatchCompleted: (e) => void events.push(`completed ${e.batchInfo.batchTime}`),
    });
    const windows: number[][] = [];
    ssc.queueStream<number>([[1], [2], [3], [4]]).window(Seconds(2), Seconds(2)).foreachRDD(async (b) => void windows.push(await b.collect()));
    ssc.start();
    await clock.advance(4000);
    expect(events).toEqual(["submitted 2000", "started 2000", "completed 2000", "submitted 4000", "started 4000", "completed 4000"]);
    expect(windows).toEqual([[1, 2], [3, 4]]);
    expect(ssc.statistics().numTotalCompletedBatches).toBe(2);
  });

  it("a throwing listener is reported on the console and breaks neither the other listeners nor the context", async () => {
    const error = vi.spyOn(console, "error").mockImplementation(() => undefined);
    const clock = new ManualClock();
    const ssc = newContext(clock);
    ssc.addStreamingListener({
      onBatchSubmitted: () => {
        throw new Error("listener bug");
      },
      onBatchCompleted: () => {
        throw new Error("listener bug");
      },
    });
    const completed: number[] = [];
    ssc.addStreamingListener({ onBatchCompleted: (e) => void completed.push(e.batchInfo.batchTime) });
    const out: number[][] = [];
    ssc.queueStream<number>([[1], [2]]).foreachRDD(async (b) => void out.push(await b.collect()));
    ssc.start();
    await clock.advance(2000);
    expect(out).toEqual([[1], [2]]);
    expect(completed).toEqual([1000, 2000]);
    expect(ssc.state).toBe("active");
    expect(error).toHaveBeenCalled();
    expect(String(error.mock.calls[0]![0])).toContain("onBatchSubmitted");
    expect(await ssc.awaitTerminationOrTimeout(0)).toBe(false);
  });

  it("removeStreamingListener stops delivery to that listener", async () => {
    const clock = new ManualClock();
    const ssc = newContext(clock);
    const seen: number[] = [];
    const listener: StreamingListener = { onBatchCompleted: (e) => void seen.push(e.batchInfo.batchTime) };
    ssc.addStreamingListener(listener);
    ssc.queueStream<number>([]).foreachRDD(() => undefined);
    ssc.start();
    await clock.advance(1000);
    ssc.removeStreamingListener(listener);
    await clock.advance(1000);
    expect(seen).toEqual([1000]);
  });
});
