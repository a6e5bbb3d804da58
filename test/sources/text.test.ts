import { afterEach, describe, expect, it, vi } from "vitest";
import { type Batch, type BatchInfo, ManualClock, Seconds, StreamingContext, type StreamInputInfo, words } from "../../src/index.ts";

const contexts: StreamingContext[] = [];
afterEach(async () => {
  for (const ssc of contexts.splice(0)) await ssc.stop();
  vi.restoreAllMocks();
});

const enc = new TextEncoder();

interface Run {
  clock: ManualClock;
  controller: ReadableStreamDefaultController<Uint8Array | string>;
  out: [number, string[]][];
  infos: StreamInputInfo[];
  ssc: StreamingContext;
}

/** A started context with one textStream fed by hand; `infos` is the stream's input info per completed batch. */
function textRun(options: { maxLineLength?: number } = {}): Run {
  const clock = new ManualClock();
  const ssc = new StreamingContext({ batchInterval: Seconds(1), clock, parallelism: 2 });
  contexts.push(ssc);
  let controller!: ReadableStreamDefaultController<Uint8Array | string>;
  const stream = new ReadableStream<Uint8Array | string>({ start: (c) => void (controller = c) });
  const out: [number, string[]][] = [];
  const infos: StreamInputInfo[] = [];
  const lines = ssc.textStream(stream, options);
  ssc.addStreamingListener({
    onBatchCompleted: (e: { batchInfo: BatchInfo }) => {
      const info = e.batchInfo.streamIdToInputInfo.get(lines.id);
      if (info) infos.push(info);
    },
  });
  lines.foreachRDD(async (b, t) => void out.push([t, await b.collect()]));
  ssc.start();
  return { clock, controller, out, infos, ssc };
}

describe("textStream", () => {
  it("cuts UTF-8 bytes into lines, one record a line, empty lines included", async () => {
    const { clock, controller, out } = textRun();
    controller.enqueue(enc.encode("alpha\nbeta\n\ngamma\n"));
    await clock.advance(1000);
    expect(out).toEqual([[1000, ["alpha", "beta", "", "gamma"]]]);
  });

  it("accepts string chunks", async () => {
    const { clock, controller, out } = textRun();
    controller.enqueue("one\ntwo\n");
    controller.enqueue("thr");
    controller.enqueue("ee\n");
    await clock.advance(1000);
    expect(out).toEqual([[1000, ["one", "two", "three"]]]);
  });

  it("joins a line split across chunks, also across batches, and a multi-byte character split across chunks", async () => {
    const { clock, controller, out, infos } = textRun();
    const bytes = enc.encode("héllo wörld\n");
    // split inside "é" (2 bytes) and inside "ö"
    controller.enqueue(bytes.subarray(0, 2));
    controller.enqueue(bytes.subarray(2, 9));
    await clock.advance(1000);
    controller.enqueue(bytes.subarray(9));
    await clock.advance(1000);
    expect(out).toEqual([
      [1000, []],
      [2000, ["héllo wörld"]],
    ]);
    expect(infos.map((i) => i.metadata.invalidUtf8)).toEqual([0, 0]);
  });

  it("ends lines at CRLF as at LF", async () => {
    const { clock, controller, out } = textRun();
    controller.enqueue(enc.encode("a\r\nb\r"));
    controller.enqueue(enc.encode("\nc\n"));
    await clock.advance(1000);
    expect(out).toEqual([[1000, ["a", "b", "c"]]]);
  });

  it("emits the last line without a newline when the stream ends", async () => {
    const { clock, controller, out } = textRun();
    controller.enqueue("first\nlast");
    await clock.advance(1000);
    controller.close();
    await clock.advance(1000);
    expect(out).toEqual([
      [1000, ["first"]],
      [2000, ["last"]],
    ]);
  });

  it("replaces invalid UTF-8 with U+FFFD and counts it in the batch's input info metadata", async () => {
    const { clock, controller, out, infos } = textRun();
    controller.enqueue(new Uint8Array([0x61, 0xff, 0x62, 0x0a])); // a, invalid, b
    await clock.advance(1000);
    controller.enqueue(new Uint8Array([0xc3, 0x28, 0x0a])); // broken 2-byte sequence, then "("
    await clock.advance(1000);
    expect(out).toEqual([
      [1000, ["a\ufffdb"]],
      [2000, ["\ufffd("]],
    ]);
    // Counters are totals since start.
    expect(infos.map((i) => i.metadata)).toEqual([
      { invalidUtf8: 1, overlongLines: 0 },
      { invalidUtf8: 2, overlongLines: 0 },
    ]);
    expect(infos.map((i) => [i.name, i.numRecords])).toEqual([
      ["textStream", 1],
      ["textStream", 1],
    ]);
  });

  it("counts a truncated sequence at the end of the stream as invalid", async () => {
    const { clock, controller, out, infos } = textRun();
    controller.enqueue(new Uint8Array([0x6f, 0x6b, 0xe2, 0x82])); // "ok" + first 2 bytes of "€"
    controller.close();
    await clock.advance(1000);
    expect(out).toEqual([[1000, ["ok\ufffd"]]]);
    expect(infos[0]!.metadata.invalidUtf8).toBe(1);
  });

  it("drops over-long lines whole (maxLineLength) and counts them in the metadata", async () => {
    const { clock, controller, out, infos } = textRun({ maxLineLength: 5 });
    controller.enqueue("short\ntoo long\nok\n");
    await clock.advance(1000);
    controller.enqueue("abc");
    controller.enqueue("def"); // over the limit across chunks
    controller.enqueue("ghi\nfine\n");
    await clock.advance(1000);
    expect(out).toEqual([
      [1000, ["short", "ok"]],
      [2000, ["fine"]],
    ]);
    expect(infos.map((i) => i.metadata.overlongLines)).toEqual([1, 2]);
  });

  it("counts an over-long last line at the end of the stream", async () => {
    const { clock, controller, out, infos } = textRun({ maxLineLength: 3 });
    controller.enqueue("abc\nabcd");
    controller.close();
    await clock.advance(1000);
    expect(out).toEqual([[1000, ["abc"]]]);
    expect(infos[0]!.metadata).toEqual({ invalidUtf8: 0, overlongLines: 1 });
  });

  it("refuses an invalid maxLineLength", () => {
    const clock = new ManualClock();
    const ssc = new StreamingContext({ batchInterval: Seconds(1), clock, parallelism: 1 });
    contexts.push(ssc);
    expect(() => ssc.textStream(new ReadableStream<string>(), { maxLineLength: -1 })).toThrow(/maxLineLength/);
  });

  it("assembles a large batch of several chunks in shared memory for workers, with the same lines", async () => {
    const clock = new ManualClock();
    const ssc = new StreamingContext({ batchInterval: Seconds(1), clock, parallelism: 2 });
    contexts.push(ssc);
    let controller!: ReadableStreamDefaultController<Uint8Array>;
    const lines = ssc.textStream(new ReadableStream<Uint8Array>({ start: (c) => void (controller = c) }));
    const seen: { shared: boolean; bytes: number; lines: string[] }[] = [];
    lines.foreachRDD(async (b) => {
      seen.push({ shared: b.utf8Lines?.buffer instanceof SharedArrayBuffer, bytes: b.utf8Lines?.length ?? 0, lines: await b.collect() });
    });
    ssc.start();
    const text = Array.from({ length: 5000 }, (_, i) => `line ${i} größe 🦀`);
    const bytes = enc.encode(text.map((l) => `${l}\n`).join(""));
    for (let at = 0; at < bytes.length; at += 4096) controller.enqueue(bytes.slice(at, at + 4096));
    await clock.advance(1000);
    controller.enqueue(enc.encode("small\n"));
    controller.enqueue(enc.encode("batch\n"));
    await clock.advance(1000);
    expect(bytes.length).toBeGreaterThan(1 << 16);
    expect(seen[0]).toEqual({ shared: true, bytes: bytes.length, lines: text });
    expect(seen[1]).toMatchObject({ bytes: 12, lines: ["small", "batch"] });
  });

  it("keeps a large batch in ordinary memory when no worker reads it (one partition, or no workers)", async () => {
    for (const options of [{ parallelism: 1 }, { parallelism: 2, workers: false as const }]) {
      const clock = new ManualClock();
      const ssc = new StreamingContext({ batchInterval: Seconds(1), clock, ...options });
      contexts.push(ssc);
      let controller!: ReadableStreamDefaultController<Uint8Array>;
      const seen: boolean[] = [];
      ssc
        .textStream(new ReadableStream<Uint8Array>({ start: (c) => void (controller = c) }))
        .foreachRDD(async (b) => void seen.push(b.utf8Lines?.buffer instanceof SharedArrayBuffer));
      ssc.start();
      const bytes = enc.encode(Array.from({ length: 5000 }, (_, i) => `line ${i} größe\n`).join(""));
      for (let at = 0; at < bytes.length; at += 4096) controller.enqueue(bytes.slice(at, at + 4096));
      await clock.advance(1000);
      await ssc.stop();
      expect(seen).toEqual([false]);
    }
  });

  it("reuses the buffer of a batch its stream has forgotten for a later batch, every batch's lines intact", async () => {
    const clock = new ManualClock();
    const ssc = new StreamingContext({ batchInterval: Seconds(1), clock, parallelism: 1 });
    contexts.push(ssc);
    let controller!: ReadableStreamDefaultController<Uint8Array>;
    const lines = ssc.textStream(new ReadableStream<Uint8Array>({ start: (c) => void (controller = c) }));
    const buffers: ArrayBufferLike[] = [];
    const seen: string[][] = [];
    const windowed: number[] = [];
    lines.foreachRDD(async (b) => {
      buffers.push(b.utf8Lines!.buffer);
      seen.push(await b.collect());
    });
    // A window keeps three batches' lines: the buffers it reads must not be reused meanwhile.
    lines.window(Seconds(3)).foreachRDD(async (b) => void windowed.push(await b.count()));
    ssc.start();
    const texts = Array.from({ length: 8 }, (_, k) => Array.from({ length: 4000 + k * 10 }, (_, i) => `batch ${k} line ${i}`));
    for (const text of texts) {
      const bytes = enc.encode(text.map((l) => `${l}\n`).join(""));
      for (let at = 0; at < bytes.length; at += 8192) controller.enqueue(bytes.slice(at, at + 8192));
      await clock.advance(1000);
    }
    expect(seen).toEqual(texts);
    expect(windowed).toEqual(texts.map((_, k) => texts.slice(Math.max(0, k - 2), k + 1).reduce((n, t) => n + t.length, 0)));
    // Some later batch was assembled in an earlier batch's buffer.
    expect(new Set(buffers).size).toBeLessThan(buffers.length);
  });

  it("keeps the bytes of remembered batches whose lines were never made: slice() makes them later", async () => {
    const clock = new ManualClock();
    const ssc = new StreamingContext({ batchInterval: Seconds(1), clock, parallelism: 1 });
    contexts.push(ssc);
    ssc.remember(Seconds(5));
    let controller!: ReadableStreamDefaultController<Uint8Array>;
    const lines = ssc.textStream(new ReadableStream<Uint8Array>({ start: (c) => void (controller = c) }));
    // The fused word count reads the bytes, never the lines.
    lines.flatMap(words).countByValue().foreachRDD(async (b) => void (await b.count()));
    ssc.start();
    const texts = Array.from({ length: 4 }, (_, k) => Array.from({ length: 5000 }, (_, i) => `b${k} w${i % 50}`));
    for (const text of texts) {
      const bytes = enc.encode(text.map((l) => `${l}\n`).join(""));
      for (let at = 0; at < bytes.length; at += 8192) controller.enqueue(bytes.slice(at, at + 8192));
      await clock.advance(1000);
    }
    const sliced = await lines.slice(1000, 4000);
    expect(await Promise.all(sliced.map((b) => b.collect()))).toEqual(texts);
  });

  it("refuses to make the lines of a batch its stream has forgotten, saying how to keep it", async () => {
    const clock = new ManualClock();
    const ssc = new StreamingContext({ batchInterval: Seconds(1), clock, parallelism: 1 });
    contexts.push(ssc);
    let controller!: ReadableStreamDefaultController<Uint8Array>;
    const kept: Batch<string>[] = [];
    ssc.textStream(new ReadableStream<Uint8Array>({ start: (c) => void (controller = c) })).foreachRDD((b) => void kept.push(b));
    ssc.start();
    controller.enqueue(enc.encode("a\nb\n"));
    await clock.advance(1000);
    // Still remembered: its lines can be made after its job.
    expect(await kept[0]!.collect()).toEqual(["a", "b"]);
    controller.enqueue(enc.encode("c\n"));
    await clock.advance(3000);
    // Forgotten by now, never read: its bytes may hold another batch.
    await expect(kept[1]!.collect()).rejects.toThrow(/released when its stream stopped remembering it.*ssc\.remember/);
    // Lines already made stay.
    expect(await kept[0]!.collect()).toEqual(["a", "b"]);
  });

  it("keeps a last line ended by the close as bytes, like the lines before it, unless it ends in a CR", async () => {
    for (const [tail, expected, bytes] of [
      ["last words", "last words", true],
      ["last words\r", "last words\r", false],
    ] as const) {
      const clock = new ManualClock();
      const ssc = new StreamingContext({ batchInterval: Seconds(1), clock, parallelism: 2 });
      contexts.push(ssc);
      let controller!: ReadableStreamDefaultController<Uint8Array>;
      const lines = ssc.textStream(new ReadableStream<Uint8Array>({ start: (c) => void (controller = c) }));
      const seen: { asBytes: boolean; lines: string[] }[] = [];
      lines.foreachRDD(async (b) => void seen.push({ asBytes: b.utf8Lines !== undefined, lines: await b.collect() }));
      ssc.start();
      controller.enqueue(enc.encode(`first\n${tail}`));
      controller.close();
      await clock.advance(1000);
      await ssc.stop();
      expect(seen).toEqual([{ asBytes: bytes, lines: ["first", expected] }]);
    }
  });
});
