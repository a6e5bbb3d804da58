// Batches after the last checkpoint are made again on recovery with the input they first had, as
// Spark regenerates a completed batch from its recorded input (offset ranges, block allocations):
// between checkpoints, where every input stood after each batch is recorded in the store, and
// the regenerated batches take exactly up to it. Outputs named by batch time are then idempotent.
import fc from "fast-check";
import { afterEach, describe, expect, it, vi } from "vitest";
import {
  type CheckpointStore,
  type Clock,
  type DStream,
  ManualClock,
  MemoryCheckpointStore,
  Receiver,
  type RecoveryInfo,
  type ReplayableByteSource,
  Seconds,
  StreamingContext,
} from "../src/index.ts";
import { growingSource } from "./support/growing-source.ts";
import { sorted } from "./support/spark-suite.ts";

afterEach(async () => {
  await StreamingContext.getActive()?.stop();
  vi.restoreAllMocks();
});

const letters = "abcdefghijklmno".split("");

interface Options {
  /** How many lines have arrived by batch `i` (`i * 1000`); default `i`. */
  linesBy?: (batch: number) => number;
  /** The lines the source holds at all (default all of them): fewer, and it ends early. */
  lines?: readonly string[];
  /** Lines as JSON strings, read by `jsonLinesStream`. */
  json?: boolean;
  maxRate?: number;
  /** Bytes a chunk at most (default: all there are). */
  chunk?: number;
  /** The batch whose per-batch output fails (a sink that is down). */
  failAt?: number;
}

/** Each batch of `words` into `perBatch`, and a running count of them (checkpointed every 3 batches) into `states`. */
function counting(words: DStream<string>, perBatch: Map<number, unknown[]>, states: Map<number, unknown[]>, failAt?: number): void {
  words.foreachRDD(async (b, t) => {
    if (t === failAt) throw new Error("the sink is down");
    perBatch.set(t, sorted(await b.collect()));
  });
  const counts = words.map((w) => [w, 1] as const).updateStateByKey<string, 1, number>((vs, s) => (s ?? 0) + vs.length);
  counts.checkpoint(Seconds(3));
  counts.foreachRDD(async (b, t) => void states.set(t, sorted(await b.collect())));
}

interface Run {
  readonly perBatch: Map<number, unknown[]>;
  readonly states: Map<number, unknown[]>;
  readonly recovery: RecoveryInfo | undefined;
}

/**
 * A word count (state checkpointed every 3 batches) over a replayable byte source whose lines
 * arrive batch by batch, run from batch `from` (after a restart, or 0) through batch `to`.
 */
async function run(store: CheckpointStore, from: number, to: number, options: Options = {}): Promise<Run> {
  const encode = (lines: readonly string[]) => new TextEncoder().encode(lines.map((l) => `${options.json ? JSON.stringify(l) : l}\n`).join(""));
  const data = encode(options.lines ?? letters);
  const linesBy = options.linesBy ?? ((batch: number) => batch);
  const bytesBy = (batch: number) => Math.min(data.length, encode(letters.slice(0, linesBy(batch))).length);
  const limit = { upTo: bytesBy(from), wake: [] as (() => void)[] };
  const source: ReplayableByteSource = {
    open(offset) {
      let at = offset;
      return new ReadableStream<Uint8Array>({
        async pull(c) {
          while (at >= limit.upTo && at < data.length) await new Promise<void>((r) => limit.wake.push(r));
          if (at >= data.length) return c.close();
          const end = Math.min(limit.upTo, at + (options.chunk ?? Infinity));
          c.enqueue(data.slice(at, end));
          at = end;
        },
      });
    },
  };
  const clock = new ManualClock(from * 1000);
  const perBatch = new Map<number, unknown[]>();
  const states = new Map<number, unknown[]>();
  let recovery: RecoveryInfo | undefined;
  const ssc = await StreamingContext.getOrCreate(store, (info) => {
    recovery = info;
    const ctx = new StreamingContext({ batchInterval: Seconds(1), clock, parallelism: 2, ...(options.maxRate ? { maxRate: options.maxRate } : {}) });
    counting(options.json ? ctx.jsonLinesStream<string>(source) : ctx.textStream(source), perBatch, states, options.failAt);
    return ctx;
  });
  ssc.start();
  await clock.advance(0); // after a restart: the batches since the checkpoint, with what had arrived by the stop
  for (let i = from; i < to; i++) {
    limit.upTo = bytesBy(i + 1); // batch i + 1's lines arrive before it
    for (const w of limit.wake.splice(0)) w();
    await clock.advance(1000);
  }
  await ssc.stop();
  return { perBatch, states, recovery };
}

const batchNames = async (store: CheckpointStore) => (await store.list()).filter((n) => n.startsWith("batch-")).sort();
const at = (time: number) => `batch-${String(time).padStart(16, "0")}`;

describe("a replayable byte source", () => {
  for (const json of [false, true]) {
    it(`${json ? "jsonLinesStream" : "textStream"}: the batches after a sparse checkpoint are made again with the content they first had`, async () => {
      // One line a batch. Stopped after batch 5000 (all of its lines had arrived), recovered from
      // 3000: batches 4000 and 5000 run again, their source reopened at 3000's offset with every
      // line up to e there at once. They take d, then e, as the first time; not d and e at once.
      const reference = await run(new MemoryCheckpointStore(), 0, 7, { json });
      expect(reference.perBatch.get(4000)).toEqual(["d"]);
      const store = new MemoryCheckpointStore();
      const first = await run(store, 0, 5, { json });
      expect(first.perBatch.get(5000)).toEqual(["e"]);
      const second = await run(store, 5, 7, { json });
      expect(second.recovery?.checkpointTime).toBe(3000);
      expect([...second.perBatch.keys()]).toEqual([4000, 5000, 6000, 7000]);
      for (const t of [4000, 5000, 6000, 7000]) expect(second.perBatch.get(t), `batch ${t}`).toEqual(reference.perBatch.get(t));
      for (const t of [4000, 5000, 6000, 7000]) expect(second.states.get(t), `state at ${t}`).toEqual(reference.states.get(t));
    });
  }

  it("a batch made again takes what it first took, whatever the rate limit of the new run", async () => {
    // Three lines a batch the first time; the restarted context allows one record a batch. The
    // batches made again still take three lines each: the source reads past its bound for them,
    // one line a chunk.
    const threeABatch = { linesBy: (batch: number) => 3 * batch, chunk: 2 };
    const store = new MemoryCheckpointStore();
    const first = await run(store, 0, 5, threeABatch);
    expect(first.perBatch.get(4000)).toEqual(["j", "k", "l"]);
    const second = await run(store, 5, 5, { ...threeABatch, maxRate: 1 });
    expect(second.perBatch.get(4000)).toEqual(["j", "k", "l"]);
    expect(second.perBatch.get(5000)).toEqual(["m", "n", "o"]);
  });

  it("records where the inputs stood after each batch between checkpoints, and deletes the records a checkpoint covers", async () => {
    const fresh = new MemoryCheckpointStore();
    // A record left by an earlier run is dropped by a context that starts afresh.
    await fresh.put(at(9000), new Uint8Array([1, 2, 3]));
    await run(fresh, 0, 2);
    expect(await batchNames(fresh)).toEqual([at(1000), at(2000)]);
    // Positions only, not data: a small record whatever the batch held.
    for (const name of await batchNames(fresh)) expect((await fresh.get(name))!.length).toBeLessThan(256);

    const store = new MemoryCheckpointStore();
    await run(store, 0, 5); // checkpoint 3000 covers 1000 and 2000
    expect(await batchNames(store)).toEqual([at(4000), at(5000)]);
    await run(store, 5, 7); // checkpoint 6000 covers 4000 and 5000
    expect(await batchNames(store)).toEqual([at(7000)]);
  });

  it("a batch whose output failed stays pending: no checkpoint covers it, and a restart runs it and the batches after it again", async () => {
    // Spark keeps a batch with a failed job pending and runs it again after a restart. Batch
    // 4000's output fails; the checkpoint due at 6000 is not written, so the restart goes back to
    // 3000 and makes 4000 to 7000 again with what they first took: the failed output runs again,
    // the others at least once, and the state counts every line once.
    vi.spyOn(console, "error").mockImplementation(() => undefined);
    const warn = vi.spyOn(console, "warn").mockImplementation(() => undefined);
    const reference = await run(new MemoryCheckpointStore(), 0, 8);
    const store = new MemoryCheckpointStore();
    const first = await run(store, 0, 7, { failAt: 4000 });
    expect([...first.perBatch.keys()]).toEqual([1000, 2000, 3000, 5000, 6000, 7000]);
    expect(first.states.get(7000)).toEqual(reference.states.get(7000));
    expect(warn.mock.calls.map((c) => String(c[0])).filter((m) => m.includes("batch 4000 failed"))).toHaveLength(1);
    expect(await batchNames(store)).toEqual([at(4000), at(5000), at(6000), at(7000)]);

    const second = await run(store, 7, 8);
    expect(second.recovery?.checkpointTime).toBe(3000);
    expect([...second.perBatch.keys()]).toEqual([4000, 5000, 6000, 7000, 8000]);
    for (const t of second.perBatch.keys()) expect(second.perBatch.get(t), `batch ${t}`).toEqual(reference.perBatch.get(t));
    for (const t of second.states.keys()) expect(second.states.get(t), `state at ${t}`).toEqual(reference.states.get(t));
    // Once the batch has run, checkpoints go on: 6000's is written, the records it covers go.
    expect(await batchNames(store)).toEqual([at(7000), at(8000)]);
  });

  it("a torn batch record is skipped and reported; recovery goes on from the checkpoint", async () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => undefined);
    const reference = await run(new MemoryCheckpointStore(), 0, 7);
    const store = new MemoryCheckpointStore();
    await run(store, 0, 5);
    const torn = (await store.get(at(4000)))!;
    await store.put(at(4000), torn.subarray(0, torn.length - 3));
    const second = await run(store, 5, 7);
    expect(second.recovery?.checkpointTime).toBe(3000);
    expect(second.recovery?.skipped.map((s) => s.name)).toEqual([at(4000)]);
    expect(warn.mock.calls.some(([m]) => String(m).includes(at(4000)))).toBe(true);
    // Batch 4000 takes what the source holds then; 5000 still ends where it first did.
    expect([...second.perBatch.get(4000)!, ...second.perBatch.get(5000)!]).toEqual(["d", "e"]);
    expect(second.perBatch.get(6000)).toEqual(["f"]);
    expect(second.states.get(7000)).toEqual(reference.states.get(7000));
  });

  it("waits for the reopened source before making the batches again, on a clock that waits for nothing", async () => {
    const store = new MemoryCheckpointStore();
    await run(store, 0, 5);
    // Real time from batch 5000 on: batches 4000 and 5000 are due at once, and the source sends
    // its bytes only 50 ms after it is opened.
    const origin = Date.now();
    const clock: Clock = {
      now: () => 5000 + Date.now() - origin,
      schedule(time, fn) {
        const timer = setTimeout(() => void fn(), Math.max(0, time - clock.now()));
        return () => clearTimeout(timer);
      },
    };
    const bytes = new TextEncoder().encode(letters.map((l) => `${l}\n`).join(""));
    const late: ReplayableByteSource = {
      open: (offset) =>
        new ReadableStream<Uint8Array>({
          start: (c) => void setTimeout(() => c.enqueue(bytes.slice(offset)), 50),
        }),
    };
    const perBatch = new Map<number, unknown[]>();
    const ssc = await StreamingContext.getOrCreate(store, () => {
      const ctx = new StreamingContext({ batchInterval: Seconds(1), clock, parallelism: 2 });
      counting(ctx.textStream(late), perBatch, new Map());
      return ctx;
    });
    ssc.start();
    await vi.waitFor(() => expect(perBatch.has(5000)).toBe(true), { timeout: 5000, interval: 10 });
    await ssc.stop();
    expect(perBatch.get(4000)).toEqual(["d"]);
    expect(perBatch.get(5000)).toEqual(["e"]);
  });

  it("warns, and does not wait, when the source ends before it holds what a batch first took", async () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => undefined);
    const store = new MemoryCheckpointStore();
    await run(store, 0, 5);
    // The data was cut after d: batch 5000's line is gone.
    const second = await run(store, 5, 6, { lines: letters.slice(0, 4) });
    expect(second.perBatch.get(4000)).toEqual(["d"]);
    expect(second.perBatch.get(5000)).toEqual([]);
    const messages = warn.mock.calls.map(([m]) => String(m));
    expect(messages.some((m) => /textStream \(input stream 0\): batch 5000 is made again after the restart with less input/.test(m))).toBe(true);
  });
});

/** One line a batch from a source that cannot replay, with the write-ahead log on. */
interface Logged {
  readonly name: string;
  /** The stream, and how the test hands it a line. */
  make(ctx: StreamingContext): { stream: DStream<string>; push(line: string): Promise<void> };
}

class Pushed extends Receiver<string> {
  static current: Pushed | undefined;
  onStart(): void {
    Pushed.current = this;
  }
  onStop(): void {}
}

const logged: Logged[] = [
  {
    name: "readableStream",
    make(ctx) {
      let controller!: ReadableStreamDefaultController<string>;
      const stream = ctx.readableStream(new ReadableStream<string>({ start: (c) => void (controller = c) }));
      return { stream, push: async (line) => controller.enqueue(line) };
    },
  },
  {
    name: "receiverStream",
    make(ctx) {
      return { stream: ctx.receiverStream(new Pushed()), push: (line) => Pushed.current!.store(line) };
    },
  },
];

/** Lines `from` to `to` pushed one a batch into `source` on the write-ahead log, each batch's lines kept by time (the output fails at `failAt`). */
async function runLogged(source: Logged, store: CheckpointStore, from: number, to: number, failAt?: number): Promise<Map<number, unknown[]>> {
  const clock = new ManualClock(from * 1000);
  const perBatch = new Map<number, unknown[]>();
  let push!: (line: string) => Promise<void>;
  const ssc = await StreamingContext.getOrCreate(store, () => {
    const ctx = new StreamingContext({ batchInterval: Seconds(1), clock, parallelism: 2 });
    ctx.checkpoint(store, { writeAheadLog: true });
    const made = source.make(ctx);
    push = made.push;
    made.stream.foreachRDD(async (b, t) => {
      if (t === failAt) throw new Error("the sink is down");
      perBatch.set(t, sorted(await b.collect()));
    });
    made.stream
      .map((w) => [w, 1] as const)
      .updateStateByKey<string, 1, number>((vs, s) => (s ?? 0) + vs.length)
      .checkpoint(Seconds(3))
      .foreachRDD(() => undefined);
    return ctx;
  });
  ssc.start();
  await clock.advance(0); // after a restart: the batches since the checkpoint, from the log
  for (let i = from; i < to; i++) {
    await push(letters[i]!);
    await clock.advance(1000);
  }
  await ssc.stop();
  return perBatch;
}

describe("the write-ahead log", () => {
  for (const source of logged) {
    it(`${source.name}: the batches after a sparse checkpoint are made again from the log with the content they first had`, async () => {
      const store = new MemoryCheckpointStore();
      const first = await runLogged(source, store, 0, 5);
      expect(first.get(4000)).toEqual(["d"]);
      const second = await runLogged(source, store, 5, 6);
      expect([...second.keys()]).toEqual([4000, 5000, 6000]);
      expect(second.get(4000)).toEqual(["d"]);
      expect(second.get(5000)).toEqual(["e"]);
      expect(second.get(6000)).toEqual(["f"]);
    });

    it(`${source.name}: the log keeps a failed batch's records until a restart has run it again`, async () => {
      vi.spyOn(console, "error").mockImplementation(() => undefined);
      vi.spyOn(console, "warn").mockImplementation(() => undefined);
      const store = new MemoryCheckpointStore();
      const first = await runLogged(source, store, 0, 7, 2000);
      expect(first.has(2000)).toBe(false);
      // No checkpoint covers 2000 (none at 3000 or 6000): the restart makes every batch again.
      const second = await runLogged(source, store, 7, 8);
      expect([...second.keys()]).toEqual([1000, 2000, 3000, 4000, 5000, 6000, 7000, 8000]);
      for (const [i, t] of [...second.keys()].entries()) expect(second.get(t), `batch ${t}`).toEqual([letters[i]]);
    });
  }
});

const textLines = fc.array(fc.array(fc.constantFrom("a", "é", "東京", "😀"), { maxLength: 3 }).map((ws) => ws.join(" ")), { minLength: 1, maxLength: 10 });

it("a batch made again after a crash has what it first had, wherever chunks cut lines and characters", async () => {
  await fc.assert(
    fc.asyncProperty(
      textLines,
      fc.integer({ min: 1, max: 7 }),
      fc.array(fc.integer({ min: 0, max: 12 }), { minLength: 1, maxLength: 6 }),
      fc.integer({ min: 2, max: 4 }),
      async (lines, chunk, arrivals, every) => {
        const bytes = new TextEncoder().encode(lines.map((l) => `${l}\n`).join(""));
        const store = new MemoryCheckpointStore();
        const job = async (source: ReplayableByteSource, clockStart: number) => {
          const clock = new ManualClock(clockStart);
          const perBatch = new Map<number, string[]>();
          const ssc = await StreamingContext.getOrCreate(store, () => {
            const ctx = new StreamingContext({ batchInterval: Seconds(1), clock, parallelism: 2 });
            const text = ctx.textStream(source);
            text.foreachRDD(async (b, t) => void perBatch.set(t, await b.collect()));
            text
              .map((l) => [l, 1] as const)
              .updateStateByKey<string, 1, number>((vs, s) => (s ?? 0) + vs.length)
              .checkpoint(Seconds(every))
              .foreachRDD(() => undefined);
            return ctx;
          });
          return { ssc, clock, perBatch };
        };
        const limit = { upTo: 0 };
        const first = await job(growingSource(bytes, chunk, [], limit), 0);
        first.ssc.start();
        for (const n of arrivals) {
          limit.upTo += n;
          await first.clock.advance(1000);
        }
        await first.ssc.stop(); // a crash after the batches of `arrivals`

        const crashedAt = arrivals.length * 1000;
        const second = await job(growingSource(bytes, chunk, [], { upTo: Infinity }), crashedAt);
        second.ssc.start();
        await second.clock.advance(0);
        await second.ssc.stop();
        for (const [time, batch] of second.perBatch) if (time <= crashedAt) expect(batch, `batch ${time}`).toEqual(first.perBatch.get(time));
      },
    ),
    { numRuns: 40 },
  );
});
