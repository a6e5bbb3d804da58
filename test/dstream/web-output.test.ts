// The WHATWG streams outputs (src/dstream/web-output.ts): `writeTo(writable)` and
// `toReadableStream()`, under a manual clock, with sinks and readers that the test holds back.
import { createWriteStream } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { afterEach, describe, expect, it, vi } from "vitest";
import { ManualClock, Seconds, StreamingContext, type TimedBatch } from "../../src/index.ts";

const contexts: StreamingContext[] = [];
afterEach(async () => {
  for (const ssc of contexts.splice(0)) await ssc.stop();
  vi.restoreAllMocks();
});

function newContext(): { ssc: StreamingContext; clock: ManualClock; completed: number[] } {
  const clock = new ManualClock();
  const ssc = new StreamingContext({ batchInterval: Seconds(1), clock, parallelism: 2, workers: false });
  contexts.push(ssc);
  const completed: number[] = [];
  ssc.addStreamingListener({ onBatchCompleted: (e) => void completed.push(e.batchInfo.batchTime) });
  return { ssc, clock, completed };
}

/** A sink recording what it is given; `hold()` makes writes wait until the returned function is called. */
function recordingSink<W>() {
  const chunks: W[] = [];
  const events: string[] = [];
  let gate: Promise<void> | undefined;
  const writable = new WritableStream<W>({
    write: async (chunk) => {
      if (gate) await gate;
      chunks.push(chunk);
    },
    close: () => void events.push("close"),
    abort: (reason: unknown) => void events.push(`abort: ${reason instanceof Error ? reason.message : String(reason)}`),
  });
  const hold = (): (() => void) => {
    let open!: () => void;
    gate = new Promise((resolve) => (open = resolve));
    return () => {
      gate = undefined;
      open();
    };
  };
  return { writable, chunks, events, hold };
}

/** Lets pending promise callbacks and stream internals run. */
const tick = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

const quietErrors = () => vi.spyOn(console, "error").mockImplementation(() => undefined);

describe("writeTo(writable)", () => {
  it("writes every record in order, a record a chunk, and closes the writable when the context stops", async () => {
    const { ssc, clock } = newContext();
    const sink = recordingSink<string>();
    ssc.queueStream<string>([["a", "b", "c"], [], ["d"]]).map((w) => w.toUpperCase()).writeTo(sink.writable);
    ssc.start();
    await clock.advance(3000);
    expect(sink.chunks).toEqual(["A", "B", "C", "D"]);
    expect(sink.events).toEqual([]);
    await ssc.stop();
    expect(sink.events).toEqual(["close"]);
  });

  it("with chunks: 'batches', writes one { time, records } a batch, empty ones included", async () => {
    const { ssc, clock } = newContext();
    const sink = recordingSink<TimedBatch<number>>();
    ssc.queueStream<number>([[1, 2], [], [3]]).writeTo(sink.writable, { chunks: "batches" });
    ssc.start();
    await clock.advance(3000);
    expect(sink.chunks).toEqual([
      { time: 1000, records: [1, 2] },
      { time: 2000, records: [] },
      { time: 3000, records: [3] },
    ]);
  });

  it("completes a batch only once the sink has taken its last record: a slow sink slows the job", async () => {
    const { ssc, clock, completed } = newContext();
    const sink = recordingSink<number>();
    ssc.queueStream<number>([[1, 2, 3], [4]]).writeTo(sink.writable);
    ssc.start();
    const release = sink.hold();
    const advancing = clock.advance(2000);
    for (let i = 0; i < 5; i++) await tick();
    expect(completed).toEqual([]);
    expect(sink.chunks).toEqual([]);
    release();
    await advancing;
    expect(completed).toEqual([1000, 2000]);
    expect(sink.chunks).toEqual([1, 2, 3, 4]);
  });

  it("fails the batch's output with the sink's error, and aborts the writable with a job's error when the context stops", async () => {
    quietErrors();
    const { ssc, clock } = newContext();
    const sink = recordingSink<number>();
    const failing = new WritableStream<number>({
      write: (n) => {
        if (n === 2) throw new Error("disk full");
      },
    });
    const input = ssc.queueStream<number>([[1, 2], [3]]);
    input.writeTo(failing);
    input.writeTo(sink.writable);
    ssc.start();
    await clock.advance(1000);
    await expect(ssc.awaitTermination()).rejects.toThrow("disk full");
    await ssc.stop();
    expect(sink.events).toEqual(["abort: disk full"]);
  });

  it("leaves the writable open and unlocked with preventClose, and as it is on failure with preventAbort", async () => {
    const { ssc, clock } = newContext();
    const sink = recordingSink<number>();
    ssc.queueStream<number>([[1]]).writeTo(sink.writable, { preventClose: true });
    ssc.start();
    await clock.advance(1000);
    await ssc.stop();
    expect(sink.events).toEqual([]);
    expect(sink.writable.locked).toBe(false);
    const writer = sink.writable.getWriter();
    await writer.write(2);
    expect(sink.chunks).toEqual([1, 2]);

    quietErrors();
    const next = newContext();
    const kept = recordingSink<number>();
    const input = next.ssc.queueStream<number>([[1]]);
    input.writeTo(kept.writable, { preventAbort: true });
    input.foreachRDD(() => {
      throw new Error("job failed");
    });
    next.ssc.start();
    await next.clock.advance(1000);
    await next.ssc.stop();
    expect(kept.events).toEqual([]);
    expect(kept.writable.locked).toBe(false);
  });

  it("writes into a Node file stream through Writable.toWeb; the file is complete once stop() resolves", async () => {
    const dir = await mkdtemp(join(tmpdir(), "rivulet-write-to-"));
    try {
      const path = join(dir, "counts.tsv");
      const { ssc, clock } = newContext();
      ssc
        .queueStream<[string, number]>([[["a", 1], ["b", 2]], [["c", 3]]])
        .map(([w, n]) => `${w}\t${n}\n`)
        .writeTo(Writable.toWeb(createWriteStream(path)) as WritableStream<string>);
      ssc.start();
      await clock.advance(2000);
      await ssc.stop();
      expect(await readFile(path, "utf8")).toBe("a\t1\nb\t2\nc\t3\n");
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("closes the writable of a context stopped before it started", async () => {
    const { ssc } = newContext();
    const sink = recordingSink<number>();
    ssc.queueStream<number>([[1]]).writeTo(sink.writable);
    await ssc.stop();
    expect(sink.events).toEqual(["close"]);
  });

  it("refuses a locked writable and anything that is not one", () => {
    const { ssc } = newContext();
    const input = ssc.queueStream<number>([]);
    const locked = new WritableStream<number>();
    locked.getWriter();
    expect(() => input.writeTo(locked)).toThrowError(expect.objectContaining({ code: "INVALID_ARGUMENT", message: expect.stringContaining("locked") }));
    expect(() => input.writeTo({} as WritableStream<number>)).toThrowError(expect.objectContaining({ code: "INVALID_ARGUMENT" }));
    expect(() => input.writeTo(new WritableStream<number>(), { chunks: "lines" as "records" })).toThrowError(expect.objectContaining({ code: "INVALID_ARGUMENT" }));
  });
});

describe("toReadableStream()", () => {
  it("gives every record in order to a for-await loop, which ends when the context stops", async () => {
    const { ssc, clock } = newContext();
    const readable = ssc.queueStream<string>([["a", "b"], [], ["c"]]).toReadableStream();
    const read: string[] = [];
    const reading = (async () => {
      for await (const r of readable) read.push(r);
    })();
    ssc.start();
    await clock.advance(3000);
    expect(read).toEqual(["a", "b", "c"]);
    await ssc.stop();
    await reading;
  });

  it("with chunks: 'batches', reads one { time, records } a batch", async () => {
    const { ssc, clock } = newContext();
    const reader = ssc.queueStream<number>([[1], []]).toReadableStream({ chunks: "batches" }).getReader();
    ssc.start();
    const advancing = clock.advance(2000);
    expect(await reader.read()).toEqual({ done: false, value: { time: 1000, records: [1] } });
    expect(await reader.read()).toEqual({ done: false, value: { time: 2000, records: [] } });
    await advancing;
    await ssc.stop();
    expect(await reader.read()).toEqual({ done: true, value: undefined });
  });

  it("holds a batch until the reader has drained the queue below highWaterMark, and stop() does not wait for the reader", async () => {
    const { ssc, clock, completed } = newContext();
    const reader = ssc.queueStream<number>([[1, 2, 3, 4, 5], [6]]).toReadableStream({ highWaterMark: 2 }).getReader();
    ssc.start();
    const advancing = clock.advance(2000);
    for (let i = 0; i < 5; i++) await tick();
    expect(completed).toEqual([]);
    for (const expected of [1, 2, 3]) expect((await reader.read()).value).toBe(expected);
    for (let i = 0; i < 5; i++) await tick();
    // Two records left: still at the mark.
    expect(completed).toEqual([]);
    expect((await reader.read()).value).toBe(4);
    // The second batch queues [5, 6] and waits again; stop() lets it go and closes the stream.
    await vi.waitFor(() => expect(completed).toEqual([1000]));
    await ssc.stop();
    await advancing;
    const rest: number[] = [];
    for (let r = await reader.read(); !r.done; r = await reader.read()) rest.push(r.value);
    expect(rest).toEqual([5, 6]);
  });

  it("ends only this output when the reader cancels (a break out of for-await): the job goes on", async () => {
    const { ssc, clock, completed } = newContext();
    const input = ssc.queueStream<number>([[1, 2], [3], [4]]);
    const readable = input.toReadableStream({ highWaterMark: 1 });
    const seen: number[] = [];
    input.foreachRDD(async (b) => void seen.push(...(await b.collect())));
    ssc.start();
    const advancing = clock.advance(3000);
    for await (const r of readable) if (r === 1) break;
    await advancing;
    expect(completed).toEqual([1000, 2000, 3000]);
    expect(seen).toEqual([1, 2, 3, 4]);
    await expect(ssc.awaitTerminationOrTimeout(0)).resolves.toBe(false);
  });

  it("errors the stream with a job's error when the context stops after a failure", async () => {
    quietErrors();
    const { ssc, clock } = newContext();
    const input = ssc.queueStream<number>([[1]]);
    const reader = input.toReadableStream().getReader();
    input.foreachRDD(() => {
      throw new Error("job failed");
    });
    ssc.start();
    await clock.advance(1000);
    expect(await reader.read()).toEqual({ done: false, value: 1 });
    await ssc.stop();
    await expect(reader.read()).rejects.toThrow("job failed");
  });

  it("refuses a negative or non-number highWaterMark", () => {
    const { ssc } = newContext();
    const input = ssc.queueStream<number>([]);
    expect(() => input.toReadableStream({ highWaterMark: -1 })).toThrowError(expect.objectContaining({ code: "INVALID_ARGUMENT" }));
    expect(() => input.toReadableStream({ highWaterMark: Number.NaN })).toThrowError(expect.objectContaining({ code: "INVALID_ARGUMENT" }));
  });
});
