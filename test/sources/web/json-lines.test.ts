import { describe, expect, it } from "vitest";
import {
  type CheckpointStore,
  ManualClock,
  MemoryCheckpointStore,
  type ReplayableByteSource,
  type RivuletError,
  Seconds,
  StreamingContext,
} from "../../../src/index.ts";
import { growingSource } from "../../support/growing-source.ts";
import { run, tick } from "./harness.ts";

const enc = new TextEncoder();

/** A started context with a jsonLinesStream over a stream fed by hand. */
function feed<T = unknown>(options: { maxLineLength?: number } = {}) {
  let controller!: ReadableStreamDefaultController<Uint8Array | string>;
  const stream = new ReadableStream<Uint8Array | string>({ start: (c) => void (controller = c) });
  const r = run((ssc) => ssc.jsonLinesStream<T>(stream, options));
  return { controller, ...r };
}

describe("jsonLinesStream", () => {
  it("parses one record per line, in the batch of its interval, also when lines span chunks and batches", async () => {
    const { controller, clock, out, infos } = feed();
    controller.enqueue(enc.encode('{"id":1,"tags":["a"]}\n[1,2]\n"text"\n4'));
    controller.enqueue(enc.encode("2\nnull\ntr"));
    await clock.advance(1000);
    controller.enqueue("ue\r\n{\"id\":");
    await clock.advance(1000);
    controller.enqueue('2}\n');
    await clock.advance(1000);
    expect(out).toEqual([
      [1000, [{ id: 1, tags: ["a"] }, [1, 2], "text", 42, null]],
      [2000, [true]],
      [3000, [{ id: 2 }]],
    ]);
    expect(infos.map((i) => [i.name, i.numRecords, i.metadata])).toEqual([
      ["jsonLinesStream", 5, { invalidJson: 0, invalidUtf8: 0, overlongLines: 0 }],
      ["jsonLinesStream", 1, { invalidJson: 0, invalidUtf8: 0, overlongLines: 0 }],
      ["jsonLinesStream", 1, { invalidJson: 0, invalidUtf8: 0, overlongLines: 0 }],
    ]);
  });

  it("skips blank lines (JSON whitespace only) without counting them", async () => {
    const { controller, clock, out, infos, errors } = feed();
    controller.enqueue("1\n\n   \n\t\r\n2\n\n");
    await clock.advance(1000);
    expect(out).toEqual([[1000, [1, 2]]]);
    expect(infos[0]!.metadata.invalidJson).toBe(0);
    expect(errors).toEqual([]);
  });

  it("parses a last line without a newline when the stream ends", async () => {
    const { controller, clock, out, events } = feed();
    controller.enqueue('{"a":1}\n{"b":2}');
    controller.close();
    await clock.advance(1000);
    expect(out).toEqual([[1000, [{ a: 1 }, { b: 2 }]]]);
    expect(events).toEqual(["started", "stopped the stream ended"]);
  });

  it("drops lines that are not JSON, counts them, and reports the first five with an excerpt", async () => {
    const { controller, clock, out, infos, errors } = feed();
    const long = `{"text": "${"x".repeat(200)}"`; // unterminated object
    controller.enqueue(`1\n{oops}\n2\n${long}\n`);
    controller.enqueue("nan\n'single'\n{\"a\":1}}\nundefined\n{\"ok\":true}\n");
    await clock.advance(1000);
    expect(out).toEqual([[1000, [1, 2, { ok: true }]]]);
    expect(infos[0]!.metadata).toEqual({ invalidJson: 6, invalidUtf8: 0, overlongLines: 0 });
    expect(errors).toHaveLength(5);
    expect(errors[0]!.lastErrorMessage).toMatch(/^jsonLinesStream dropped a line that is not JSON \(.+\): "\{oops\}"$/);
    expect((errors[0]!.lastError as RivuletError).code).toBe("INVALID_INPUT");
    expect((errors[0]!.lastError as RivuletError).cause).toBeInstanceOf(SyntaxError);
    // A long line is cut in its report.
    expect(errors[1]!.lastErrorMessage).toContain(`"{\\"text\\": \\"${"x".repeat(70)}… (${long.length} characters)"`);
    expect(errors[4]!.lastErrorMessage).toMatch(/further invalid lines are only counted \(invalidJson\)$/);
    expect(errors.every((e) => e.active)).toBe(true);
  });

  it("decodes UTF-8 split anywhere across chunks, drops a leading byte order mark, and keeps escaped and astral characters", async () => {
    const { controller, clock, out, infos } = feed();
    const bytes = enc.encode('\ufeff{"name":"Zoë","emoji":"🌊","escaped":"\\u00e9\\ud83c\\udf0a"}\n["日本語"]\n');
    for (let i = 0; i < bytes.length; i += 3) controller.enqueue(bytes.subarray(i, i + 3));
    await clock.advance(1000);
    expect(out).toEqual([[1000, [{ name: "Zoë", emoji: "🌊", escaped: "é🌊" }, ["日本語"]]]]);
    expect(infos[0]!.metadata.invalidUtf8).toBe(0);
  });

  it("replaces invalid UTF-8 (counted): inside a string the line still parses, outside it the line is invalid JSON", async () => {
    const { controller, clock, out, infos } = feed();
    controller.enqueue(new Uint8Array([...enc.encode('{"s":"a'), 0xff, ...enc.encode('b"}\n'), 0xc3, ...enc.encode("1\n")]));
    await clock.advance(1000);
    expect(out).toEqual([[1000, [{ s: "a\ufffdb" }]]]);
    expect(infos[0]!.metadata).toEqual({ invalidJson: 1, invalidUtf8: 2, overlongLines: 0 });
  });

  it("drops over-long lines whole (maxLineLength), counted, without parsing them", async () => {
    const { controller, clock, out, infos } = feed({ maxLineLength: 10 });
    controller.enqueue('{"a":1}\n{"long":"value"}\n[2]\n');
    await clock.advance(1000);
    expect(out).toEqual([[1000, [{ a: 1 }, [2]]]]);
    expect(infos[0]!.metadata).toEqual({ invalidJson: 0, invalidUtf8: 0, overlongLines: 1 });
  });

  it("keeps untrusted keys as data: __proto__ is an own property, no prototype is touched", async () => {
    const { controller, clock, out } = feed<Record<string, unknown>>();
    controller.enqueue('{"__proto__":{"polluted":true},"constructor":{"prototype":{"x":1}}}\n');
    await clock.advance(1000);
    const record = out[0]![1][0]!;
    expect(Object.prototype.hasOwnProperty.call(record, "__proto__")).toBe(true);
    expect(Object.getPrototypeOf(record)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it("reports a failing stream and keeps the context running", async () => {
    let controller!: ReadableStreamDefaultController<Uint8Array>;
    const stream = new ReadableStream<Uint8Array>({ start: (c) => void (controller = c) });
    const { clock, out, events, ssc } = run((c) => c.jsonLinesStream(stream));
    controller.enqueue(enc.encode("1\n"));
    await tick();
    controller.error(new Error("connection reset"));
    await clock.advance(1000);
    expect(out).toEqual([[1000, [1]]]);
    expect(events.slice(1)).toEqual(["error jsonLinesStream failed: connection reset", "stopped jsonLinesStream failed: connection reset"]);
    expect(ssc.state).toBe("active");
  });
});

describe("jsonLinesStream over a replayable source", () => {
  const lines = ['{"v":1}', "", "not json", '{"v":2}', '{"v":3}', '{"v":4}', '{"v":5}'];
  const bytes = enc.encode(lines.join("\n") + "\n");

  /** `data` arriving over time, 5 bytes a chunk. */
  const source = (opened: number[], limit: { upTo: number }, data = bytes): ReplayableByteSource => growingSource(data, 5, opened, limit);

  /** A context recovered from (or created in) `store`, summing `v` into a running total per batch. */
  async function restart(store: CheckpointStore, clockStart: number, replayable: ReplayableByteSource) {
    const clock = new ManualClock(clockStart);
    const totals = new Map<number, number>();
    const ssc = await StreamingContext.getOrCreate(store, () => {
      const ctx = new StreamingContext({ batchInterval: Seconds(1), clock, parallelism: 2 });
      const total = ctx
        .jsonLinesStream<{ v: number }>(replayable)
        .map((r) => ["total", r.v] as const)
        .updateStateByKey<string, number, number>((vs, s) => vs.reduce((a, b) => a + b, s ?? 0));
      total.checkpoint(Seconds(1));
      total.foreachRDD(async (b, t) => void totals.set(t, (await b.collect())[0]?.[1] ?? 0));
      return ctx;
    });
    return { ssc, clock, totals };
  }

  it("resumes after the last checkpointed line: every record counted once", async () => {
    const store = new MemoryCheckpointStore();
    const opened: number[] = [];
    const cut = bytes.indexOf(0x33) + 1; // in the middle of the line {"v":3}
    const first = await restart(store, 0, source(opened, { upTo: cut }));
    first.ssc.start();
    await first.clock.advance(1000);
    await first.ssc.stop();
    expect(first.totals.get(1000)).toBe(1 + 2);

    const second = await restart(store, 1000, source(opened, { upTo: Infinity }));
    second.ssc.start();
    await second.clock.advance(1000);
    await second.ssc.stop();
    const afterV2 = enc.encode(lines.slice(0, 4).join("\n") + "\n").length;
    expect(opened).toEqual([0, afterV2]); // reopened right after {"v":2}
    expect(second.totals.get(2000)).toBe(1 + 2 + 3 + 4 + 5);
  });

  it("treats a U+FEFF at the start of a resumed line as data, not a byte order mark", async () => {
    const data = enc.encode('{"v":1}\n\ufeff{"v":2}\n');
    const errors: string[] = [];
    const store = new MemoryCheckpointStore();
    const first = await restart(store, 0, source([], { upTo: 8 }, data));
    first.ssc.start();
    await first.clock.advance(1000);
    await first.ssc.stop();

    const second = await restart(store, 1000, source([], { upTo: Infinity }, data));
    second.ssc.addStreamingListener({ onReceiverError: (e) => void errors.push(e.receiverInfo.lastErrorMessage) });
    second.ssc.start();
    await second.clock.advance(1000);
    await second.ssc.stop();
    // U+FEFF is not JSON whitespace: the line is invalid JSON, reported, not silently read as {"v":2}.
    expect(second.totals.get(2000)).toBe(1);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain('"\ufeff{\\"v\\":2}"');
  });

  it("logs parsed records of a stream that cannot replay to the write-ahead log, and replays them after a crash", async () => {
    const store = new MemoryCheckpointStore();
    const make = async (clockStart: number) => {
      let controller!: ReadableStreamDefaultController<string>;
      const stream = new ReadableStream<string>({ start: (c) => void (controller = c) });
      const clock = new ManualClock(clockStart);
      const totals = new Map<number, number>();
      const ssc = await StreamingContext.getOrCreate(store, () => {
        const ctx = new StreamingContext({ batchInterval: Seconds(1), clock, parallelism: 2 });
        ctx.checkpoint(store, { writeAheadLog: true });
        const total = ctx
          .jsonLinesStream<{ v: number }>(stream)
          .map((r) => ["total", r.v] as const)
          .updateStateByKey<string, number, number>((vs, s) => vs.reduce((a, b) => a + b, s ?? 0));
        total.checkpoint(Seconds(1));
        total.foreachRDD(async (b, t) => void totals.set(t, (await b.collect())[0]?.[1] ?? 0));
        return ctx;
      });
      return { ssc, clock, totals, controller: () => controller };
    };
    const first = await make(0);
    first.ssc.start();
    first.controller().enqueue('{"v":1}\n');
    await first.clock.advance(1000);
    first.controller().enqueue('{"v":10}\n{"v":');
    await first.clock.advance(0); // logged, not yet in a batch: then the process dies
    await first.ssc.stop();
    expect(first.totals.get(1000)).toBe(1);

    const second = await make(1000);
    second.ssc.start();
    second.controller().enqueue('{"v":100}\n');
    await second.clock.advance(1000);
    await second.ssc.stop();
    // The unfinished line of the first run is lost with its stream, as in textStream; complete ones are replayed.
    expect(second.totals.get(2000)).toBe(111);
  });
});
