// Input sources and rate control checked against Apache Spark Streaming 3.x, case by case, where
// the rest of the suite does not already pin them down: each test names the Spark class or suite
// whose behaviour it asserts. Batch interval 1 s under a ManualClock, as Spark's TestSuiteBase.
import { afterEach, describe, expect, it } from "vitest";
import {
  type Clock,
  type Directory,
  ManualClock,
  Milliseconds,
  Receiver,
  Seconds,
  StreamingContext,
  type StreamingContextOptions,
  type TcpConnect,
  type TextFileStreamOptions,
} from "../src/index.ts";
import { PIDRateEstimator } from "../src/sources/rate/pid-estimator.ts";
import { MemoryDirectory } from "./sources/memory-directory.ts";
import { run, tick } from "./sources/web/harness.ts";
import { WorkClock } from "./support/work-clock.ts";

const contexts: StreamingContext[] = [];
afterEach(async () => {
  for (const ssc of contexts.splice(0)) await ssc.stop();
});

function newContext(clock: Clock, options: Partial<StreamingContextOptions> = {}): StreamingContext {
  const ssc = new StreamingContext({ batchInterval: Seconds(1), clock, parallelism: 2, workers: false, ...options });
  contexts.push(ssc);
  return ssc;
}


const fileRun = (dir: Directory, options: TextFileStreamOptions = {}, clock = new ManualClock()) => run((ssc) => ssc.textFileStream(dir, options), { clock, context: { workers: false } });

// ---------------------------------------------------------------------------------------------

describe("queueStream (Spark's QueueInputDStream)", () => {
  it("takes a queued empty batch as the batch, not the defaultRDD, with oneAtATime = true", async () => {
    // QueueInputDStream.compute: `if (oneAtATime && queue.nonEmpty) buffer += queue.dequeue()`;
    // the defaultRDD is used only when the buffer is empty, i.e. when the queue itself is empty.
    // A queued empty RDD is dequeued like any other.
    const r = run((ssc) => ssc.queueStream<string>([[], ["a"]], { defaultBatch: ["d"] }));
    await r.clock.advance(3000);
    expect(r.out).toEqual([
      [1000, []],
      [2000, ["a"]],
      [3000, ["d"]],
    ]);
  });

  it("unions queued empty batches into an empty batch, not the defaultRDD, with oneAtATime = false", async () => {
    // QueueInputDStream.compute, oneAtATime = false: `buffer ++= queue; queue.clear()`, then
    // `if (buffer.nonEmpty) Some(new UnionRDD(...))`: two queued empty RDDs make an empty union;
    // only an empty queue gives the defaultRDD.
    const r = run((ssc) => ssc.queueStream<string>([[], []], { oneAtATime: false, defaultBatch: ["d"] }));
    await r.clock.advance(2000);
    expect(r.out).toEqual([
      [1000, []],
      [2000, ["d"]],
    ]);
  });
});

// ---------------------------------------------------------------------------------------------

describe("textFileStream (Spark's FileInputDStream)", () => {
  it("ignores files modified at or before currentTime - durationToRemember, durationToRemember being whole batches", async () => {
    // FileInputDStream: durationToRemember = slideDuration * calculateNumBatchesToRemember(...),
    // i.e. ceil(minRememberDuration / batch) batches: 2.5 s → 3 s with 1 s batches. isNewFile
    // rejects `modTime <= modTimeIgnoreThreshold` (`<=`, SPARK-4518), so at the batch of 5000 the
    // threshold is 2000: a file modified at 2000 is ignored, one at 2001 is taken.
    const dir = new MemoryDirectory();
    const r = fileRun(dir, { minRememberDuration: Milliseconds(2500) });
    await r.clock.advance(4000);
    dir.put("at-threshold.txt", "at\n", 2000).put("past-threshold.txt", "past\n", 2001).put("older.txt", "older\n", 1999);
    await r.clock.advance(1000);
    expect(r.out.at(-1)).toEqual([5000, ["past"]]);
  });

  it("takes a file that appears after its interval's batch, with a modification time inside the window, at the next batch", async () => {
    // FileInputDStream.isNewFile accepts any threshold < modTime <= currentTime not among the
    // recently selected files: a file moved in after the batch of its modification time ran is
    // taken by the next batch (the window is what lets late files in).
    const dir = new MemoryDirectory();
    const r = fileRun(dir);
    await r.clock.advance(2000);
    dir.put("late-1500.txt", "l1500\n", 1500).put("late-200.txt", "l200\n", 200);
    await r.clock.advance(1000);
    expect(r.out).toEqual([
      [1000, []],
      [2000, []],
      [3000, ["l1500", "l200"]],
    ]);
  });

});

// ---------------------------------------------------------------------------------------------

/** A connection the test writes to and ends. */
class FakeConnection {
  private controller!: ReadableStreamDefaultController<Uint8Array>;
  readonly readable = new ReadableStream<Uint8Array>({ start: (c) => void (this.controller = c) });
  send(bytes: Uint8Array | string): void {
    this.controller.enqueue(typeof bytes === "string" ? new TextEncoder().encode(bytes) : bytes);
  }
  end(): void {
    this.controller.close();
  }
}

/** A `connect` handing out the connections the test queues; none queued is a refusal. */
function fakeServer() {
  const next: FakeConnection[] = [];
  let calls = 0;
  const connect: TcpConnect = async () => {
    calls++;
    const c = next.shift();
    if (!c) throw new Error("Connection refused");
    return c.readable;
  };
  const accept = () => {
    const c = new FakeConnection();
    next.push(c);
    return c;
  };
  return { connect, accept, calls: () => calls };
}

const socketRun = (connect: TcpConnect) => run((ssc) => ssc.socketTextStream("localhost", 9999, { connect }));

describe("socketTextStream (Spark's SocketReceiver)", () => {
  it("restarts the receiver when the server closes: reported stopped ('Socket data stream had no more data'), inactive, then started again", async () => {
    // SocketReceiver.receive: at the end of the data, `restart("Socket data stream had no more
    // data")`. ReceiverSupervisor.restartReceiver stops the receiver with "Restarting receiver
    // with delay 2000ms: <message>" (the tracker posts StreamingListenerReceiverStopped and shows
    // it INACTIVE), waits spark.streaming.receiverRestartDelay (2 s), then starts it again
    // (StreamingListenerReceiverStarted). No onReceiverError is posted.
    const server = fakeServer();
    const first = server.accept();
    const r = socketRun(server.connect);
    await tick();
    first.send("a\n");
    first.end();
    server.accept();
    await r.clock.advance(1000);
    // The reason names the source and what happened, where Spark says "Socket data stream had no more data".
    expect(r.events).toEqual(["started", "stopped Restarting receiver with delay 2000ms: socketTextStream: the connection to localhost:9999 was closed by the server"]);
    expect(r.ssc.receiverStatistics()[0]!.active).toBe(false);
    await r.clock.advance(2000);
    expect(r.events.at(-1)).toBe("started");
    expect(r.ssc.receiverStatistics()[0]!.active).toBe(true);
  });

  it("restarts the receiver when the connection is refused: started, then stopped ('Error connecting to host:port')", async () => {
    // SocketReceiver.onStart runs after the receiver is registered (ReceiverSupervisor.startReceiver
    // posts onReceiverStarted first); a ConnectException gives `restart(s"Error connecting to
    // $host:$port", e)`: stopped with "Restarting receiver with delay 2000ms: Error connecting to
    // localhost:9999", and tried again 2 s later.
    const server = fakeServer();
    const r = socketRun(server.connect);
    await tick();
    await r.clock.advance(1000);
    // The reason names the source and the error, where Spark says "Error connecting to localhost:9999".
    expect(r.events).toEqual(["started", "stopped Restarting receiver with delay 2000ms: socketTextStream: could not connect to localhost:9999: Connection refused"]);
    expect(r.stopped.at(-1)!.active).toBe(false);
  });
});

// ---------------------------------------------------------------------------------------------

describe("receiverStream (Spark's ReceiverInputDStream)", () => {
  it("reports every record stored by concurrent producers: StreamInputInfo.numRecords and the received/processed totals", async () => {
    // InputStreamsSuite "multi-thread receiver": numThreads threads each store numRecordsPerThread
    // records; ReceiverInputDStream.compute reports StreamInputInfo(id, blockInfos.flatMap(
    // _.numRecords).sum), and the progress listener's numTotalReceivedRecords and
    // numTotalProcessedRecords both reach numThreads * numRecordsPerThread.
    const threads = 5;
    const perThread = 10;
    class MultiThread extends Receiver<number> {
      onStart(): void {
        for (let t = 0; t < threads; t++) {
          void (async () => {
            for (let i = 0; i < perThread; i++) {
              await this.store(t * perThread + i);
              await Promise.resolve();
            }
          })();
        }
      }
      onStop(): void {}
    }
    const r = run((ssc) => ssc.receiverStream(new MultiThread()));
    await tick();
    await r.clock.advance(2000);
    expect(r.out.flatMap(([, records]) => records).sort((a, b) => a - b)).toEqual(Array.from({ length: threads * perThread }, (_, i) => i));
    expect(r.infos.map((i) => i.numRecords)).toEqual([threads * perThread, 0]);
    expect(r.ssc.statistics()).toMatchObject({ numReceivedRecords: threads * perThread, numProcessedRecords: threads * perThread });
  });
});

// ---------------------------------------------------------------------------------------------

describe("PIDRateEstimator (Spark's PIDRateEstimatorSuite)", () => {
  // PIDRateEstimatorSuite.createDefaultEstimator: new PIDRateEstimator(20, 1D, 0D, 0D, 10).
  const defaultEstimator = () => new PIDRateEstimator(20, { proportional: 1, integral: 0, derivative: 0, minRate: 10 });

  it("first estimate is None, the second Some(1000); none for a repeated time, no or negative records, no or negative processing delay", () => {
    // "first estimate is None", "second estimate is not None", "no estimate when no time
    // difference between successive calls", "no estimate when no records in previous batch",
    // "no estimate when there is no processing delay".
    const p = defaultEstimator();
    expect(p.compute(0, 10, 10, 0)).toBeUndefined();
    expect(p.compute(10, 10, 10, 0)).toBe(1000);
    expect(p.compute(10, 10, 10, 0)).toBeUndefined();
    const q = defaultEstimator();
    q.compute(0, 10, 10, 0);
    expect(q.compute(10, 0, 10, 0)).toBeUndefined();
    expect(q.compute(20, -10, 10, 0)).toBeUndefined();
    expect(q.compute(30, 10, 0, 0)).toBeUndefined();
    expect(q.compute(40, 10, -10, 0)).toBeUndefined();
  });

  it("estimator checks ranges: batch interval, gains and minRate", () => {
    // "estimator checks ranges": require(batchIntervalMillis > 0), proportional, integral,
    // derivative >= 0, minRate > 0 — IllegalArgumentException otherwise.
    expect(() => new PIDRateEstimator(0, { proportional: 1, integral: 2, derivative: 3, minRate: 10 })).toThrow();
    expect(() => new PIDRateEstimator(100, { proportional: -1, integral: 2, derivative: 3, minRate: 10 })).toThrow();
    expect(() => new PIDRateEstimator(100, { proportional: 0, integral: -1, derivative: 3, minRate: 10 })).toThrow();
    expect(() => new PIDRateEstimator(100, { proportional: 0, integral: 0, derivative: -1, minRate: 10 })).toThrow();
    expect(() => new PIDRateEstimator(100, { proportional: 0, integral: 0, derivative: 0, minRate: 0 })).toThrow();
    expect(() => new PIDRateEstimator(100, { proportional: 0, integral: 0, derivative: 0, minRate: -10 })).toThrow();
  });

  it("estimate is never less than min rate (50 batches, 1 record each, 100 ms scheduling delay)", () => {
    // "estimate is never less than min rate": new PIDRateEstimator(20, 1D, 1D, 0D, 5); the 49
    // estimates after the first are all Some(5).
    const p = new PIDRateEstimator(20, { proportional: 1, integral: 1, derivative: 0, minRate: 5 });
    const res = Array.from({ length: 50 }, (_, i) => p.compute(i * 20, 1, 20, 100));
    expect(res[0]).toBeUndefined();
    expect(res.slice(1)).toEqual(Array.from({ length: 49 }, () => 5));
  });

  it("with no accumulated error, follows the processing speed whether it rises or falls, |I| > 0", () => {
    // "with no accumulated or positive error, |I| > 0, follow the processing speed" and "with no
    // accumulated but some positive error, ...": new PIDRateEstimator(20, 1D, 1D, 0D, 10), 20 ms
    // of processing, no scheduling delay: estimate n is the processing rate of batch n.
    const rising = new PIDRateEstimator(20, { proportional: 1, integral: 1, derivative: 0, minRate: 10 });
    const up = Array.from({ length: 50 }, (_, i) => rising.compute(i * 20, (i + 1) * 20, 20, 0));
    expect(up[0]).toBeUndefined();
    expect(up.slice(1)).toEqual(Array.from({ length: 49 }, (_, i) => (i + 2) * 1000));
    const falling = new PIDRateEstimator(20, { proportional: 1, integral: 1, derivative: 0, minRate: 10 });
    const down = Array.from({ length: 50 }, (_, i) => falling.compute(i * 20, (50 - i) * 20, 20, 0));
    expect(down[0]).toBeUndefined();
    expect(down.slice(1)).toEqual(Array.from({ length: 49 }, (_, i) => (49 - i) * 1000));
  });

  it("defaults to Spark's gains: proportional 1.0, integral 0.2, derived 0.0", () => {
    // RateEstimator.create: spark.streaming.backpressure.pid.proportional 1.0, .integral 0.2,
    // .derived 0.0, .minRate 100. Batch interval 20 ms:
    //   (0, 10, 10, 0): first run, rate 1000/s;
    //   (10, 20, 10, 0): rate 2000, error -1000 → 1000 + 1 × 1000 = 2000;
    //   (20, 20, 10, 10): error 0, historical 10 × 2000 / 20 = 1000 → 2000 − 0.2 × 1000 = 1800
    //   (dError = 100 000 /s², which a non-zero derived gain would subtract).
    const p = new PIDRateEstimator(20);
    expect(p.compute(0, 10, 10, 0)).toBeUndefined();
    expect(p.compute(10, 20, 10, 0)).toBe(2000);
    expect(p.compute(20, 20, 10, 10)).toBeCloseTo(1800, 9);
    // minRate 100: a job at 1 record/s still gets 100.
    expect(p.compute(30, 1, 1000, 0)).toBe(100);
  });
});

describe("backpressure (Spark's RateController, ReceiverRateController, RateLimiter)", () => {
  it("with spark.streaming.backpressure.enabled alone: unlimited until the first estimate, then never below minRate 100", async () => {
    // RateLimiter: the initial limit is min(spark.streaming.backpressure.initialRate (none:
    // Long.MaxValue), maxRate), so the first batches are not limited. RateController, after each
    // batch, publishes PIDRateEstimator's rate (the first batch only sets the starting point),
    // never below pid.minRate = 100 records/s: a job processing 50 records/s then gets 100 a batch.
    const clock = new WorkClock();
    const ssc = newContext(clock, { backpressure: true });
    let feed: ((n: number) => void) | undefined;
    let next = 0;
    class Producer extends Receiver<number> {
      onStart(): void {
        feed = (n) => {
          const records = Array.from({ length: n }, () => next++);
          void this.store(records);
        };
      }
      onStop(): void {}
    }
    const sizes: number[] = [];
    ssc.receiverStream(new Producer()).foreachRDD(async (b) => {
      const n = await b.count();
      sizes.push(n);
      clock.work(n * 20); // 50 records a second
    });
    ssc.start();
    await tick();
    for (let i = 0; i < 4; i++) {
      feed!(1000);
      await clock.manual.advance(1000);
    }
    expect(sizes).toEqual([1000, 1000, 100, 100]);
  });
});
