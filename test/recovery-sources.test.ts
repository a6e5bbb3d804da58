// Exactly-once state across a restart for each kind of source: a replayable byte source resumes
// at the byte offset its lines reached; non-replayable sources replay their write-ahead log.
import { afterEach, describe, expect, it } from "vitest";
import {
  type CheckpointStore,
  type DStream,
  ManualClock,
  MemoryCheckpointStore,
  Receiver,
  type ReplayableByteSource,
  Seconds,
  StreamingContext,
} from "../src/index.ts";
import { gatedLogWrites } from "./support/gated-store.ts";
import { growingSource } from "./support/growing-source.ts";
import { type Counts, count, wordCount } from "./support/word-count-state.ts";

afterEach(async () => {
  await StreamingContext.getActive()?.stop();
});

/** A context recovered from (or created in) `store`, with a word count over the stream `lines` makes. */
async function restart(store: CheckpointStore, clockStart: number, lines: (ssc: StreamingContext) => DStream<string>, wal = false) {
  const clock = new ManualClock(clockStart);
  const states = new Map<number, Counts>();
  const ssc = await StreamingContext.getOrCreate(store, () => {
    const ctx = new StreamingContext({ batchInterval: Seconds(1), clock, parallelism: 2 });
    ctx.checkpoint(store, { writeAheadLog: wal });
    wordCount(lines(ctx), states);
    return ctx;
  });
  return { ssc, clock, states };
}

describe("a replayable byte source", () => {
  const text = "a b\nc a\nb b\nd\ne a\n";
  const bytes = new TextEncoder().encode(text);
  /** `bytes` arriving over time, 3 bytes a chunk. */
  const source = (opened: number[], limit: { upTo: number }): ReplayableByteSource => growingSource(bytes, 3, opened, limit);

  it("resumes at the byte offset of the last checkpointed line, applying every line once", async () => {
    const store = new MemoryCheckpointStore();
    const opened: number[] = [];
    const first = await restart(store, 0, (ctx) => ctx.textStream(source(opened, { upTo: 9 })));
    first.ssc.start();
    await first.clock.advance(1000); // reads "a b\nc a\nb" (9 bytes): two complete lines
    await first.ssc.stop();
    expect(first.states.get(1000)).toEqual(count(["a", "b", "c", "a"]));

    const second = await restart(store, 1000, (ctx) => ctx.textStream(source(opened, { upTo: Infinity })));
    second.ssc.start();
    await second.clock.advance(1000);
    await second.ssc.stop();
    expect(opened).toEqual([0, 8]); // reopened right after "c a\n"
    expect(second.states.get(2000)).toEqual(count(text.split(/\s+/).filter(Boolean)));
  });
});

describe("the write-ahead log", () => {
  it("acknowledges a chunk (pulls the next) only once it is logged", async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const store = new MemoryCheckpointStore();
    const slowStore = gatedLogWrites(store, gate);
    let pulls = 0;
    const stream = new ReadableStream<string>(
      {
        pull(c) {
          pulls++;
          if (pulls > 5) return c.close();
          c.enqueue(`r${pulls}`);
        },
      },
      { highWaterMark: 0 },
    );
    const clock = new ManualClock();
    const ssc = new StreamingContext({ batchInterval: Seconds(1), clock });
    ssc.checkpoint(slowStore, { writeAheadLog: true });
    ssc.readableStream(stream).print();
    const logged = () => store.list().then((n) => n.filter((x) => x.startsWith("wal-")).length);
    ssc.start();
    await clock.advance(0);
    expect(pulls).toBe(1); // the first chunk waits on its log write: nothing more is pulled
    expect(await logged()).toBe(0);
    release();
    await clock.advance(0);
    expect(pulls).toBeGreaterThan(1);
    expect(await logged()).toBeGreaterThan(0);
    await ssc.stop();
  });

  it("replays records of a readableStream that were logged but not processed before the crash", async () => {
    const store = new MemoryCheckpointStore();
    let controller!: ReadableStreamDefaultController<string>;
    const first = await restart(
      store,
      0,
      (ctx) => ctx.readableStream(new ReadableStream<string>({ start: (c) => void (controller = c) })),
      true,
    );
    first.ssc.start();
    controller.enqueue("a b");
    await first.clock.advance(1000); // batch 1000 takes "a b" and is checkpointed
    controller.enqueue("c a");
    controller.enqueue("b");
    await first.clock.advance(0); // logged, not yet in a batch: then the process dies
    await first.ssc.stop();
    expect(first.states.get(1000)).toEqual(count(["a", "b"]));

    const second = await restart(
      store,
      1000,
      (ctx) => ctx.readableStream(new ReadableStream<string>({ start: (c) => void (controller = c) })),
      true,
    );
    second.ssc.start();
    controller.enqueue("d");
    await second.clock.advance(1000);
    await second.ssc.stop();
    expect(second.states.get(2000)).toEqual(count(["a", "b", "c", "a", "b", "d"]));
    // The checkpoint at 2000 covers everything logged: the log is empty again.
    expect((await store.list()).filter((n) => n.startsWith("wal-"))).toEqual([]);
  });

  it("makes a receiver's store() resolve once logged, and replays it after a crash", async () => {
    class Pushed extends Receiver<string> {
      static current: Pushed | undefined;
      onStart(): void {
        Pushed.current = this;
      }
      onStop(): void {}
    }
    const store = new MemoryCheckpointStore();
    const first = await restart(store, 0, (ctx) => ctx.receiverStream(new Pushed()), true);
    first.ssc.start();
    await first.clock.advance(0);
    await Pushed.current!.store(["x y"]);
    expect((await store.list()).some((n) => n.startsWith("wal-"))).toBe(true);
    await first.clock.advance(1000);
    await Pushed.current!.store("z x");
    await first.ssc.stop(); // crash before batch 2000

    const second = await restart(store, 1000, (ctx) => ctx.receiverStream(new Pushed()), true);
    second.ssc.start();
    await second.clock.advance(1000);
    await second.ssc.stop();
    expect(second.states.get(2000)).toEqual(count(["x", "y", "z", "x"]));
  });
});
