// What WebSocket and EventSource streams share: the write-ahead log (Spark's reliable receivers)
// and the context's rate limit, over a bounded buffer.
import { describe, expect, it, vi } from "vitest";
import {
  type CheckpointStore,
  type DStream,
  ManualClock,
  MemoryCheckpointStore,
  Seconds,
  StreamingContext,
} from "../../../src/index.ts";
import { gatedLogWrites } from "../../support/gated-store.ts";
import { sorted } from "../../support/spark-suite.ts";
import { FakeEventSource, FakeWebSocket } from "./fakes.ts";
import { run, tick } from "./harness.ts";

type Counts = [string, number][];

function count(words: readonly string[]): Counts {
  const m = new Map<string, number>();
  for (const w of words) m.set(w, (m.get(w) ?? 0) + 1);
  return sorted([...m]);
}

/** A context recovered from (or created in) `store` with a running word count over `lines`, its state per batch in `states`. */
async function restart(store: CheckpointStore, clockStart: number, lines: (ssc: StreamingContext) => DStream<string>) {
  const clock = new ManualClock(clockStart);
  const states = new Map<number, Counts>();
  const ssc = await StreamingContext.getOrCreate(store, () => {
    const ctx = new StreamingContext({ batchInterval: Seconds(1), clock, parallelism: 2 });
    ctx.checkpoint(store, { writeAheadLog: true });
    const counts = lines(ctx)
      .flatMap((l) => l.split(" ").filter((w) => w.length > 0))
      .map((w) => [w, 1] as const)
      .updateStateByKey<string, 1, number>((vs, s) => (s ?? 0) + vs.length);
    counts.checkpoint(Seconds(1));
    counts.foreachRDD(async (b, t) => void states.set(t, sorted(await b.collect())));
    return ctx;
  });
  return { ssc, clock, states };
}

const walEntries = async (store: CheckpointStore) => (await store.list()).filter((n) => n.startsWith("wal-")).length;

describe("pushed sources with the write-ahead log", () => {
  it("replay WebSocket messages received but not processed before a crash, each once", async () => {
    const store = new MemoryCheckpointStore();
    const first = await restart(store, 0, (ctx) => {
      const socket = new FakeWebSocket();
      socket.open();
      return ctx.webSocketStream(socket).map((m) => String(m));
    });
    first.ssc.start();
    await tick();
    const socket1 = FakeWebSocket.instances.at(-1)!;
    socket1.send("a b");
    await first.clock.advance(1000); // batch 1000 takes "a b" and is checkpointed
    socket1.send("c a");
    socket1.send("b");
    await first.clock.advance(0); // logged, not yet in a batch: then the process dies
    expect(await walEntries(store)).toBeGreaterThan(0);
    await first.ssc.stop();
    expect(first.states.get(1000)).toEqual(count(["a", "b"]));

    const second = await restart(store, 1000, (ctx) => {
      const socket = new FakeWebSocket();
      socket.open();
      return ctx.webSocketStream(socket).map((m) => String(m));
    });
    second.ssc.start();
    await tick();
    FakeWebSocket.instances.at(-1)!.send("d");
    await second.clock.advance(1000);
    await second.ssc.stop();
    expect(second.states.get(2000)).toEqual(count(["a", "b", "c", "a", "b", "d"]));
    expect(await walEntries(store)).toBe(0); // the checkpoint at 2000 covers everything logged
  });

  it("replay server-sent events the same way", async () => {
    const store = new MemoryCheckpointStore();
    const make = (ctx: StreamingContext) => {
      const source = new FakeEventSource();
      source.open();
      return ctx.eventSourceStream(source);
    };
    const first = await restart(store, 0, make);
    first.ssc.start();
    await tick();
    FakeEventSource.instances.at(-1)!.emit("x y");
    await first.clock.advance(1000);
    FakeEventSource.instances.at(-1)!.emit("y");
    await first.clock.advance(0);
    await first.ssc.stop();

    const second = await restart(store, 1000, make);
    second.ssc.start();
    await second.clock.advance(1000);
    await second.ssc.stop();
    expect(second.states.get(2000)).toEqual(count(["x", "y", "y"]));
  });

  it("put a message delivered before the clock moves into that batch, once its log write is done", async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const slow = gatedLogWrites(new MemoryCheckpointStore(), gate);
    const socket = new FakeWebSocket();
    socket.open();
    const { ssc, clock, out } = run((c) => {
      c.checkpoint(slow, { writeAheadLog: true });
      return c.webSocketStream(socket);
    });
    await tick();
    socket.send("m1");
    socket.send("m2"); // arrives while m1 is being written: logged next, in order
    const advanced = clock.advance(1000);
    await tick();
    expect(out).toEqual([]); // the batch waits for the log
    release();
    await advanced;
    expect(out).toEqual([[1000, ["m1", "m2"]]]);
    await ssc.stop();
  });

  it("stop the stream when the log cannot be written, keeping (and processing) what was received", async () => {
    vi.spyOn(console, "error").mockImplementation(() => undefined);
    const failing = new MemoryCheckpointStore({
      faults: (operation, name) => (operation === "put" && name?.startsWith("wal-") ? new Error("quota exceeded") : undefined),
    });
    const socket = new FakeWebSocket();
    socket.open();
    const { clock, out, events, ssc } = run((c) => {
      c.checkpoint(failing, { writeAheadLog: true });
      return c.webSocketStream(socket);
    });
    await tick();
    socket.send("kept");
    await clock.advance(1000);
    socket.send("not listened to");
    await clock.advance(1000);
    expect(out).toEqual([
      [1000, ["kept"]],
      [2000, []],
    ]);
    expect(events.slice(1)).toEqual([
      "error webSocketStream could not write to the write-ahead log (quota exceeded); it stops receiving",
      "stopped webSocketStream could not write to the write-ahead log (quota exceeded); it stops receiving",
    ]);
    expect(ssc.state).toBe("active");
  });
});

describe("pushed sources with a rate limit", () => {
  it("take at most maxRate × the interval per batch, keeping the rest for the next batches", async () => {
    const socket = new FakeWebSocket();
    socket.open();
    const { clock, out } = run((c) => c.webSocketStream(socket), { context: { maxRate: 2 } });
    await tick();
    for (const m of ["a", "b", "c", "d", "e"]) socket.send(m);
    await clock.advance(3000);
    expect(out).toEqual([
      [1000, ["a", "b"]],
      [2000, ["c", "d"]],
      [3000, ["e"]],
    ]);
  });

  it("drop what exceeds maxBuffered while records wait for their turn", async () => {
    const socket = new FakeWebSocket();
    socket.open();
    const { clock, out, infos } = run((c) => c.webSocketStream(socket, { maxBuffered: 3 }), { context: { maxRate: 1 } });
    await tick();
    for (const m of ["a", "b", "c", "d"]) socket.send(m);
    await clock.advance(1000);
    socket.send("e"); // "b", "c" wait: room for one more
    socket.send("f");
    await clock.advance(3000);
    expect(out.map(([, r]) => r)).toEqual([["a"], ["b"], ["c"], ["e"]]);
    expect(infos.map((i) => i.metadata.droppedMessages)).toEqual([1, 2, 2, 2]);
  });
});
