// maxRate and backpressure on the receiving inputs: a batch takes at most its share, the rest
// waits in order, the producer is pulled no faster, and positions stay exact across a restart.
import { afterEach, describe, expect, it } from "vitest";
import {
  type Batch,
  type Clock,
  type DStream,
  ManualClock,
  MemoryCheckpointStore,
  Receiver,
  type ReplayableByteSource,
  RivuletError,
  Seconds,
  StreamingContext,
  type StreamingContextOptions,
  type StreamInputInfo,
} from "../../src/index.ts";
import { WorkClock } from "../support/work-clock.ts";

afterEach(async () => {
  await StreamingContext.getActive()?.stop();
});

function context(clock: Clock, options: Partial<StreamingContextOptions> = {}): StreamingContext {
  return new StreamingContext({ batchInterval: Seconds(1), clock, parallelism: 2, ...options });
}

function collect<T>(stream: DStream<T>): T[][] {
  const out: T[][] = [];
  stream.foreachRDD(async (b: Batch<T>) => void out.push(await b.collect()));
  return out;
}

/** An endless stream of numbered records, one a pull, counting its pulls. */
function counting(): { stream: ReadableStream<number>; pulls: () => number } {
  let n = 0;
  const stream = new ReadableStream<number>({ pull: (c) => c.enqueue(n++) }, { highWaterMark: 0 });
  return { stream, pulls: () => n };
}

const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);

describe("maxRate", () => {
  it("gives each batch of a readableStream at most maxRate × interval records, in order, and pulls no further ahead", async () => {
    const clock = new ManualClock();
    const ssc = context(clock, { maxRate: 3 });
    const { stream, pulls } = counting();
    const out = collect(ssc.readableStream(stream));
    ssc.start();
    await clock.advance(3000);
    expect(out).toEqual([range(0, 3), range(3, 6), range(6, 9)]);
    // Without the limit the pump would have read up to its million-record bound; with it, about
    // one batch's share is waiting.
    expect(pulls()).toBeLessThanOrEqual(9 + 3 + 2);
  });

  it("keeps a text stream's lines over the limit for the next batches, through the kernels' byte path too", async () => {
    const clock = new ManualClock();
    const ssc = context(clock, { maxRate: 4 });
    const text = Array.from({ length: 10 }, (_, i) => `w${i % 3} x`).join("\n") + "\n";
    const lines = ssc.textStream(new Blob([text]).stream());
    const out = collect(lines);
    const counts = collect(lines.flatMap((l) => l.split(" ")).countByValue());
    ssc.start();
    await clock.advance(4000);
    expect(out).toEqual([
      ["w0 x", "w1 x", "w2 x", "w0 x"],
      ["w1 x", "w2 x", "w0 x", "w1 x"],
      ["w2 x", "w0 x"],
      [],
    ]);
    expect(counts.map((c) => new Map(c))).toEqual([
      new Map([["w0", 2], ["w1", 1], ["w2", 1], ["x", 4]]),
      new Map([["w0", 1], ["w1", 2], ["w2", 1], ["x", 4]]),
      new Map([["w2", 1], ["w0", 1], ["x", 2]]),
      new Map(),
    ]);
  });

  it("cuts text with invalid UTF-8 at the limit too, replaced and counted once", async () => {
    const clock = new ManualClock();
    const ssc = context(clock, { maxRate: 2 });
    const bytes = new Uint8Array([0x61, 0x0a, 0xff, 0x0a, 0x62, 0x0a, 0x63, 0x0a]);
    const lines = ssc.textStream(new Blob([bytes]).stream());
    const out = collect(lines);
    const infos: StreamInputInfo[] = [];
    ssc.addStreamingListener({ onBatchCompleted: (e) => void infos.push(e.batchInfo.streamIdToInputInfo.get(lines.id)!) });
    ssc.start();
    await clock.advance(3000);
    expect(out).toEqual([["a", "\uFFFD"], ["b", "c"], []]);
    expect(infos.map((i) => i.numRecords)).toEqual([2, 2, 0]);
    expect(infos.at(-1)!.metadata.invalidUtf8).toBe(1);
  });

  it("slows a receiver that awaits store() to the rate, keeping every record", async () => {
    const clock = new ManualClock();
    const ssc = context(clock, { maxRate: 2 });
    const acknowledged: number[] = [];
    class Counter extends Receiver<number> {
      onStart(): void {
        void (async () => {
          for (let i = 0; i < 7 && this.isStarted(); i++) {
            await this.store(i);
            acknowledged.push(i);
          }
        })();
      }
      onStop(): void {}
    }
    const out = collect(ssc.receiverStream(new Counter()));
    ssc.start();
    await clock.advance(0);
    // Two records make a batch's share; the third is kept but not acknowledged until a batch takes.
    expect(acknowledged).toEqual([0, 1]);
    await clock.advance(1000);
    expect(out).toEqual([[0, 1]]);
    await clock.advance(3000);
    expect(out).toEqual([[0, 1], [2, 3], [4, 5], [6]]);
    expect(acknowledged).toEqual(range(0, 7));
  });

  it("refuses a maxRate or backpressure setting that is not a rate", () => {
    const clock = new ManualClock();
    expect(() => context(clock, { maxRate: 0 })).toThrow(RivuletError);
    expect(() => context(clock, { backpressure: { initialRate: -1 } })).toThrow(/initialRate/);
    expect(() => context(clock, { backpressure: { minRate: 0 } })).toThrow(/minRate/);
  });

  it("does not limit a queueStream (Spark's queue stream has no rate control)", async () => {
    const clock = new ManualClock();
    const ssc = context(clock, { maxRate: 1 });
    const out = collect(ssc.queueStream([[1, 2, 3]]));
    ssc.start();
    await clock.advance(1000);
    expect(out).toEqual([[1, 2, 3]]);
  });
});

describe("maxRate across a restart", () => {
  it("resumes a replayable text source at the first line a batch did not take", async () => {
    const text = "l0\nl1\nl2\nl3\nl4\nl5\nl6\n";
    const bytes = new TextEncoder().encode(text);
    const opened: number[] = [];
    const source: ReplayableByteSource = { open: (offset) => (opened.push(offset), new Blob([bytes.subarray(offset)]).stream()) };
    const store = new MemoryCheckpointStore();
    const run = async (clock: ManualClock) => {
      const out: string[][] = [];
      const ssc = await StreamingContext.getOrCreate(store, () => {
        const ctx = context(clock, { maxRate: 2 });
        const lines = ctx.textStream(source);
        lines.foreachRDD(async (b) => void out.push(await b.collect()));
        return ctx;
      });
      return { ssc, out };
    };
    const clock1 = new ManualClock();
    const first = await run(clock1);
    first.ssc.start();
    await clock1.advance(2000);
    await first.ssc.stop();
    expect(first.out).toEqual([["l0", "l1"], ["l2", "l3"]]);
    const clock = new ManualClock(2000);
    const second = await run(clock);
    second.ssc.start();
    await clock.advance(2000);
    expect(opened).toEqual([0, 12]);
    expect(second.out).toEqual([["l4", "l5"], ["l6"]]);
  });

  it("resumes a replayable NDJSON source at the first record a batch did not take", async () => {
    const text = '{"v":0}\n\n{"v":1}\nnot json\n{"v":2}\n{"v":3}\n{"v":4}\n';
    const bytes = new TextEncoder().encode(text);
    const opened: number[] = [];
    const source: ReplayableByteSource = { open: (offset) => (opened.push(offset), new Blob([bytes.subarray(offset)]).stream()) };
    const store = new MemoryCheckpointStore();
    const run = async (clock: ManualClock) => {
      const out: number[][] = [];
      const ssc = await StreamingContext.getOrCreate(store, () => {
        const ctx = context(clock, { maxRate: 2 });
        ctx.jsonLinesStream<{ v: number }>(source).foreachRDD(async (b) => void out.push((await b.collect()).map((r) => r.v)));
        return ctx;
      });
      return { ssc, out };
    };
    const clock1 = new ManualClock();
    const first = await run(clock1);
    first.ssc.start();
    await clock1.advance(1000);
    await first.ssc.stop();
    expect(first.out).toEqual([[0, 1]]);
    const clock2 = new ManualClock(1000);
    const second = await run(clock2);
    second.ssc.start();
    await clock2.advance(3000);
    // Reopened right after the line {"v":1}: the invalid line is read again, {"v":2} once.
    expect(opened).toEqual([0, text.indexOf("not json")]);
    expect(second.out).toEqual([[2, 3], [4], []]);
  });

  it("replays the write-ahead log from the middle of an entry a batch cut", async () => {
    const store = new MemoryCheckpointStore();
    const run = async (clock: ManualClock, records: string[]) => {
      const out: string[][] = [];
      const ssc = await StreamingContext.getOrCreate(store, () => {
        const ctx = context(clock, { maxRate: 2 });
        ctx.checkpoint(store, { writeAheadLog: true });
        class Once extends Receiver<string> {
          onStart(): void {
            // One store() call: one log entry that the limit cuts across batches.
            if (records.length > 0) void this.store(records);
          }
          onStop(): void {}
        }
        ctx.receiverStream(new Once()).foreachRDD(async (b) => void out.push(await b.collect()));
        return ctx;
      });
      return { ssc, out };
    };
    const clock1 = new ManualClock();
    const first = await run(clock1, ["a", "b", "c", "d", "e"]);
    first.ssc.start();
    await clock1.advance(1000);
    await first.ssc.stop();
    expect(first.out).toEqual([["a", "b"]]);
    const clock2 = new ManualClock(1000);
    const second = await run(clock2, []);
    second.ssc.start();
    await clock2.advance(3000);
    expect(second.out).toEqual([["c", "d"], ["e"], []]);
  });
});

describe("backpressure", () => {
  it("brings the records per batch down to what the job processes in a batch interval", async () => {
    const clock = new WorkClock();
    const ssc = context(clock, { backpressure: { initialRate: 1000, minRate: 10 } });
    const { stream } = counting();
    const sizes: number[] = [];
    ssc.readableStream(stream).foreachRDD(async (b) => {
      const n = await b.count();
      sizes.push(n);
      // The job processes 400 records a second.
      clock.work(n * 2.5);
    });
    ssc.start();
    await clock.manual.advance(6000);
    // The first batch sets the starting point, the second measures the error, then the rate
    // holds at the job's speed.
    expect(sizes).toEqual([1000, 1000, 400, 400, 400, 400]);
  });

  it("stays under maxRate whatever it estimates", async () => {
    const clock = new WorkClock();
    const ssc = context(clock, { maxRate: 50, backpressure: true });
    const { stream } = counting();
    const sizes: number[] = [];
    ssc.readableStream(stream).foreachRDD(async (b) => {
      const n = await b.count();
      sizes.push(n);
      clock.work(n * 0.1); // 10,000 records a second: the estimate goes far above maxRate
    });
    ssc.start();
    await clock.manual.advance(4000);
    expect(sizes).toEqual([50, 50, 50, 50]);
  });
});
