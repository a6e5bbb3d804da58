import { availableParallelism } from "node:os";
import { afterEach, describe, expect, it, vi } from "vitest";
import { defaultParallelism } from "../src/engine/engine.ts";
import { hardwareConcurrency } from "../src/platform/node.ts";
import {
  type Batch,
  ManualClock,
  Milliseconds,
  type OutputOperationInfo,
  Receiver,
  RivuletError,
  Seconds,
  StreamingContext,
  type StreamingContextOptions,
  sum,
} from "../src/index.ts";

const contexts: StreamingContext[] = [];
afterEach(async () => {
  for (const ssc of contexts.splice(0)) await ssc.stop();
  vi.restoreAllMocks();
});

function newContext(options: Partial<StreamingContextOptions> = {}): { ssc: StreamingContext; clock: ManualClock } {
  const clock = (options.clock as ManualClock | undefined) ?? new ManualClock();
  const ssc = new StreamingContext({ batchInterval: Seconds(1), parallelism: 2, ...options, clock });
  contexts.push(ssc);
  return { ssc, clock };
}

/** Lets sources start (a microtask after start()) and pending reads run. */
const tick = (): Promise<void> => new Promise((r) => setTimeout(r, 0));

class PushReceiver extends Receiver<string> {
  onStart(): void {}
  onStop(): void {}
}

function collectInto<T>(out: [number, T[]][]): (b: Batch<T>, t: number) => Promise<void> {
  return async (b, t) => void out.push([t, await b.collect()]);
}

/** Catches a synchronous throw, for assertions on the error object. */
function thrown(f: () => unknown): unknown {
  try {
    f();
  } catch (e) {
    return e;
  }
  throw new Error("expected a throw");
}

describe("batch times", () => {
  it("with the clock at 0 and a 1 s interval, the first batch is at 1000 and holds what arrived in (0, 1000]", async () => {
    const { ssc, clock } = newContext();
    const receiver = new PushReceiver();
    const out: [number, string[]][] = [];
    ssc.receiverStream(receiver).foreachRDD(collectInto(out));
    ssc.start();
    await tick();
    receiver.store("at 0");
    await clock.advance(600);
    receiver.store("at 600");
    await clock.advance(400); // batch 1000
    receiver.store("after 1000");
    await clock.advance(1000);
    expect(out).toEqual([
      [1000, ["at 0", "at 600"]],
      [2000, ["after 1000"]],
    ]);
  });

  it("with the clock at 1500, the first batch is at 2000 (batch times are multiples of the interval)", async () => {
    const { ssc, clock } = newContext({ clock: new ManualClock(1500) });
    const times: number[] = [];
    ssc.queueStream<number>([[1], [2]]).foreachRDD((_b, t) => void times.push(t));
    ssc.start();
    await clock.advance(499);
    expect(times).toEqual([]);
    await clock.advance(1);
    expect(times).toEqual([2000]);
    await clock.advance(1000);
    expect(times).toEqual([2000, 3000]);
  });

  it("with the clock exactly on a batch time, the first batch is one interval later", async () => {
    const { ssc, clock } = newContext({ clock: new ManualClock(3000), batchInterval: Milliseconds(500) });
    const times: number[] = [];
    ssc.queueStream<number>([]).foreachRDD((_b, t) => void times.push(t));
    ssc.start();
    await clock.advance(1000);
    expect(times).toEqual([3500, 4000]);
  });
});

describe("lifecycle", () => {
  it("goes initialized → active → stopped", async () => {
    const { ssc } = newContext();
    expect(ssc.state).toBe("initialized");
    ssc.queueStream<number>([]).print();
    expect(ssc.state).toBe("initialized");
    ssc.start();
    expect(ssc.state).toBe("active");
    const stopping = ssc.stop();
    expect(ssc.state).toBe("stopped");
    await stopping;
    expect(ssc.state).toBe("stopped");
  });

  it("refuses new streams, transformations and outputs after start()", () => {
    const { ssc } = newContext();
    const s = ssc.queueStream<number>([]);
    s.foreachRDD(() => undefined);
    ssc.start();
    const cases: [string, () => unknown][] = [
      ["queueStream", () => ssc.queueStream<number>([])],
      ["readableStream", () => ssc.readableStream(new ReadableStream<number>())],
      ["textStream", () => ssc.textStream(new ReadableStream<string>())],
      ["receiverStream", () => ssc.receiverStream(new PushReceiver())],
      ["map", () => s.map((x) => x)],
      ["union", () => ssc.union(s, s)],
      ["foreachRDD", () => s.foreachRDD(() => undefined)],
      ["print", () => s.print()],
      ["saveAsTextFiles", () => s.saveAsTextFiles("/tmp/never")],
    ];
    for (const [what, f] of cases) {
      const e = thrown(f);
      expect(e, what).toBeInstanceOf(RivuletError);
      expect((e as RivuletError).message, what).toContain("after the context was started");
      expect((e as RivuletError).code, what).toBe("ILLEGAL_STATE");
    }
    expect(ssc.state).toBe("active");
  });

  it("refuses new streams and outputs after stop()", async () => {
    const { ssc } = newContext();
    const s = ssc.queueStream<number>([]);
    s.foreachRDD(() => undefined);
    ssc.start();
    await ssc.stop();
    expect(() => ssc.queueStream<number>([])).toThrow(/after the context was stopped/);
    expect(() => s.foreachRDD(() => undefined)).toThrow(/after the context was stopped/);
    expect(() => s.print()).toThrow(RivuletError);
  });

  it("refuses new streams after stop() of a context never started", async () => {
    const { ssc } = newContext();
    await ssc.stop();
    expect(() => ssc.queueStream<number>([])).toThrow(/after the context was stopped/);
  });

  it("start() after stop() throws", async () => {
    const { ssc } = newContext();
    ssc.queueStream<number>([]).print();
    ssc.start();
    await ssc.stop();
    const e = thrown(() => ssc.start());
    expect(e).toBeInstanceOf(RivuletError);
    expect((e as RivuletError).code).toBe("ILLEGAL_STATE");
    expect((e as Error).message).toMatch(/stopped/);
    expect(StreamingContext.getActive()).toBeUndefined();
  });

  it("start() twice warns and does nothing", async () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => undefined);
    const { ssc, clock } = newContext();
    const times: number[] = [];
    ssc.queueStream<number>([]).foreachRDD((_b, t) => void times.push(t));
    ssc.start();
    ssc.start();
    expect(warn).toHaveBeenCalledTimes(1);
    expect(String(warn.mock.calls[0]![0])).toMatch(/already been started/);
    expect(ssc.state).toBe("active");
    await clock.advance(2000);
    expect(times).toEqual([1000, 2000]); // one timer, not two
  });

  it("stop() twice is harmless and returns the same completion", async () => {
    const { ssc } = newContext();
    ssc.queueStream<number>([]).print();
    ssc.start();
    const first = ssc.stop();
    const second = ssc.stop();
    await Promise.all([first, second]);
    await ssc.stop();
    expect(ssc.state).toBe("stopped");
  });

  it("start() without an output operation throws NO_OUTPUT_OPERATIONS, saying what to do", () => {
    const { ssc } = newContext();
    ssc.queueStream<number>([[1]]).map((x) => x * 2);
    const e = thrown(() => ssc.start());
    expect(e).toBeInstanceOf(RivuletError);
    expect((e as RivuletError).code).toBe("NO_OUTPUT_OPERATIONS");
    expect((e as Error).message).toMatch(/no output operations registered/i);
    expect((e as Error).message).toMatch(/print\(\)|foreachRDD\(\)/);
    // As Spark's start(), a context that fails to start is marked stopped: it cannot start again.
    expect(ssc.state).toBe("stopped");
    expect(StreamingContext.getActive()).toBeUndefined();
    expect(() => ssc.start()).toThrow(/already been stopped/);
  });

  it("refuses an invalid batch interval and an invalid master", () => {
    expect(() => new StreamingContext({ batchInterval: Milliseconds(0), clock: new ManualClock() })).toThrow(RivuletError);
    expect(() => new StreamingContext({ batchInterval: Seconds(1), clock: new ManualClock(), master: "yarn" })).toThrow(/master/);
  });
});

describe("one active context per realm", () => {
  it("a second start() throws while another context is active; getActive() names the active one", async () => {
    const a = newContext().ssc;
    const b = newContext().ssc;
    a.queueStream<number>([]).print();
    b.queueStream<number>([]).print();
    expect(StreamingContext.getActive()).toBeUndefined();
    a.start();
    expect(StreamingContext.getActive()).toBe(a);
    const e = thrown(() => b.start());
    expect(e).toBeInstanceOf(RivuletError);
    expect((e as RivuletError).code).toBe("ANOTHER_CONTEXT_ACTIVE");
    expect((e as Error).message).toContain("another StreamingContext is active");
    expect(b.state).toBe("initialized");
    expect(StreamingContext.getActive()).toBe(a);
    await a.stop();
    expect(StreamingContext.getActive()).toBeUndefined();
    b.start();
    expect(StreamingContext.getActive()).toBe(b);
  });

  it("getActiveOrCreate(factory) returns the active context without calling the factory, else calls it", async () => {
    const { ssc } = newContext();
    ssc.queueStream<number>([]).print();
    const factory = vi.fn(() => newContext().ssc);
    const created = StreamingContext.getActiveOrCreate(factory);
    expect(factory).toHaveBeenCalledTimes(1);
    expect(created).not.toBe(ssc);
    ssc.start();
    const again = StreamingContext.getActiveOrCreate(factory);
    expect(again).toBe(ssc);
    expect(factory).toHaveBeenCalledTimes(1);
  });
});

describe("engine", () => {
  it("stop({ stopEngine: false }) keeps the engine open for a new context; stop() closes it", async () => {
    const first = newContext();
    first.ssc.queueStream<number>([[1]]).print();
    first.ssc.start();
    await first.ssc.stop({ stopEngine: false });
    const engine = first.ssc.engine;
    expect(engine.closed).toBe(false);

    const clock = new ManualClock();
    const second = new StreamingContext({ batchInterval: Seconds(1), clock, engine });
    contexts.push(second);
    expect(second.engine).toBe(engine);
    const out: [number, [string, number][]][] = [];
    second
      .queueStream<string>([["a", "b", "a"]])
      .map((w) => [w, 1] as const)
      .reduceByKey(sum)
      .foreachRDD(async (b, t) => void out.push([t, (await b.collect()).sort()]));
    second.start();
    await clock.advance(1000);
    expect(out).toEqual([
      [
        1000,
        [
          ["a", 2],
          ["b", 1],
        ],
      ],
    ]);
    await second.stop();
    expect(engine.closed).toBe(true);
    expect(() => new StreamingContext({ batchInterval: Seconds(1), clock, engine })).toThrow(/closed/);
  });

  it("stop() of a context never started closes its engine too", async () => {
    const { ssc } = newContext();
    await ssc.stop();
    expect(ssc.engine.closed).toBe(true);
  });
});

describe("termination", () => {
  it("awaitTermination() resolves after stop(), whether called before or after it", async () => {
    const { ssc, clock } = newContext();
    ssc.queueStream<number>([[1]]).foreachRDD(() => undefined);
    ssc.start();
    let resolved = false;
    const before = ssc.awaitTermination().then(() => void (resolved = true));
    await clock.advance(1000);
    expect(resolved).toBe(false);
    await ssc.stop();
    await before;
    expect(resolved).toBe(true);
    await expect(ssc.awaitTermination()).resolves.toBeUndefined();
  });

  it("awaitTerminationOrTimeout(10) is false while running and true after stop", async () => {
    const { ssc } = newContext();
    ssc.queueStream<number>([]).foreachRDD(() => undefined);
    ssc.start();
    expect(await ssc.awaitTerminationOrTimeout(10)).toBe(false);
    const pending = ssc.awaitTerminationOrTimeout(1000);
    await ssc.stop();
    expect(await pending).toBe(true);
    expect(await ssc.awaitTerminationOrTimeout(10)).toBe(true);
  });
});

describe("failures", () => {
  it("a user function that throws fails its batch's job: awaitTermination rejects, listeners see it, the rest runs", async () => {
    const consoleError = vi.spyOn(console, "error").mockImplementation(() => undefined);
    const { ssc, clock } = newContext();
    const completed: OutputOperationInfo[] = [];
    ssc.addStreamingListener({ onOutputOperationCompleted: (e) => void completed.push(e.outputOperationInfo) });
    const s = ssc.queueStream<number>([[1], [2], [3]]);
    const boom = new Error("user code failed at 2");
    s.map((x) => {
      if (x === 2) throw boom;
      return x;
    }).foreachRDD(async (b) => void (await b.collect()));
    const other: [number, number[]][] = [];
    s.foreachRDD(collectInto(other));
    const termination = ssc.awaitTermination();
    termination.catch(() => undefined);
    ssc.start();
    await clock.advance(3000);
    await expect(termination).rejects.toBe(boom);
    await expect(ssc.awaitTermination()).rejects.toBe(boom);
    expect(await ssc.awaitTerminationOrTimeout(10).catch((e: unknown) => e)).toBe(boom);
    expect(completed.map((i) => [i.batchTime, i.id, i.failureReason?.split("\n")[0]])).toEqual([
      [1000, 0, undefined],
      [1000, 1, undefined],
      [2000, 0, "Error: user code failed at 2"],
      [2000, 1, undefined],
      [3000, 0, undefined],
      [3000, 1, undefined],
    ]);
    expect(completed[2]!.error).toBe(boom);
    expect(other).toEqual([
      [1000, [1]],
      [2000, [2]],
      [3000, [3]],
    ]);
    expect(ssc.state).toBe("active");
    expect(consoleError).toHaveBeenCalled();
    expect(consoleError.mock.calls.some((c) => c.includes(boom))).toBe(true);
  });

  it("a foreachRDD that throws synchronously is reported the same way", async () => {
    vi.spyOn(console, "error").mockImplementation(() => undefined);
    const { ssc, clock } = newContext();
    const reasons: (string | undefined)[] = [];
    ssc.addStreamingListener({ onOutputOperationCompleted: (e) => void reasons.push(e.outputOperationInfo.failureReason?.split("\n")[0]) });
    ssc.queueStream<number>([[1], [2]]).foreachRDD((_b, t) => {
      if (t === 1000) throw new Error("sync failure");
    });
    ssc.start();
    await clock.advance(2000);
    expect(reasons).toEqual(["Error: sync failure", undefined]);
    await expect(ssc.awaitTermination()).rejects.toThrow("sync failure");
  });

  it("a transform function that throws when the batch is generated is reported; later batches still run", async () => {
    const consoleError = vi.spyOn(console, "error").mockImplementation(() => undefined);
    const { ssc, clock } = newContext();
    const s = ssc.queueStream<number>([[1], [2], [3]]);
    const out: [number, number[]][] = [];
    s.transform((b, t) => {
      if (t === 2000) throw new Error("transform failed");
      return b.map((x) => x * 10);
    }).foreachRDD(collectInto(out));
    ssc.start();
    await clock.advance(3000);
    expect(out).toEqual([
      [1000, [10]],
      [3000, [30]],
    ]);
    await expect(ssc.awaitTermination()).rejects.toThrow("transform failed");
    expect(consoleError).toHaveBeenCalled();
    expect(ssc.state).toBe("active");
  });

  it("a failing context-level transform(streams, fn) is reported too", async () => {
    vi.spyOn(console, "error").mockImplementation(() => undefined);
    const { ssc, clock } = newContext();
    const a = ssc.queueStream<number>([[1], [2]]);
    const b = ssc.queueStream<number>([[5], [6]]);
    const out: [number, unknown[]][] = [];
    ssc
      .transform([a as never, b as never], (batches, t) => {
        if (t === 1000) throw new Error("multi transform failed");
        return batches[0]!.union(batches[1]!);
      })
      .foreachRDD(collectInto(out));
    ssc.start();
    await clock.advance(2000);
    expect(out).toEqual([[2000, [2, 6]]]);
    await expect(ssc.awaitTermination()).rejects.toThrow("multi transform failed");
  });
});

describe("graceful stop", () => {
  it("processes records already received by a readableStream and a receiver in a last batch", async () => {
    const { ssc, clock } = newContext();
    let controller!: ReadableStreamDefaultController<string>;
    const stream = new ReadableStream<string>({ start: (c) => void (controller = c) });
    const receiver = new PushReceiver();
    const fromStream: [number, string[]][] = [];
    const fromReceiver: [number, string[]][] = [];
    ssc.readableStream(stream).foreachRDD(collectInto(fromStream));
    ssc.receiverStream(receiver).foreachRDD(collectInto(fromReceiver));
    ssc.start();
    await tick();
    controller.enqueue("s1");
    receiver.store("r1");
    await clock.advance(1000);
    controller.enqueue("s2");
    controller.enqueue("s3");
    receiver.store(["r2", "r3"]);
    await ssc.stop({ graceful: true }); // the clock is not advanced
    expect(fromStream).toEqual([
      [1000, ["s1"]],
      [2000, ["s2", "s3"]],
    ]);
    expect(fromReceiver).toEqual([
      [1000, ["r1"]],
      [2000, ["r2", "r3"]],
    ]);
    expect(ssc.state).toBe("stopped");
  });

  it("a non-graceful stop drops what was not yet in a batch", async () => {
    const { ssc, clock } = newContext();
    const receiver = new PushReceiver();
    const out: [number, string[]][] = [];
    ssc.receiverStream(receiver).foreachRDD(collectInto(out));
    ssc.start();
    await tick();
    receiver.store("r1");
    await clock.advance(1000);
    receiver.store("r2");
    await ssc.stop();
    await clock.advance(1000);
    expect(out).toEqual([[1000, ["r1"]]]);
  });

  it("no batch runs after stop() even when the clock moves on", async () => {
    const { ssc, clock } = newContext();
    const times: number[] = [];
    ssc.queueStream<number>([[1], [2]]).foreachRDD((_b, t) => void times.push(t));
    ssc.start();
    await clock.advance(1000);
    await ssc.stop();
    await clock.advance(5000);
    expect(times).toEqual([1000]);
  });
});

describe("parallelism", () => {
  it('master "local[3]" gives parallelism 3: an input batch has 3 partitions', async () => {
    const clock = new ManualClock();
    const ssc = new StreamingContext({ batchInterval: Seconds(1), clock, master: "local[3]" });
    contexts.push(ssc);
    expect(ssc.engine.parallelism).toBe(3);
    const parts: (readonly (readonly number[])[])[] = [];
    ssc.queueStream<number>([[1, 2, 3, 4, 5, 6]]).foreachRDD(async (b) => {
      expect(b.numPartitions).toBe(3);
      parts.push(await b.partitions());
    });
    ssc.start();
    await clock.advance(1000);
    expect(parts).toEqual([
      [
        [1, 2],
        [3, 4],
        [5, 6],
      ],
    ]);
  });

  it("defaults to the hardware threads less one for the driver (local[*]), at least 1", () => {
    // Node 20 has no navigator: the platform asks the OS.
    expect(hardwareConcurrency()).toBe(availableParallelism());
    expect([1, 2, 8].map((cores) => defaultParallelism(cores))).toEqual([1, 1, 7]);
    const expected = Math.max(1, availableParallelism() - 1);
    for (const options of [{}, { master: "local[*]" }]) {
      const ssc = new StreamingContext({ batchInterval: Seconds(1), clock: new ManualClock(), ...options });
      contexts.push(ssc);
      expect(ssc.engine.parallelism).toBe(expected);
    }
  });

  it('master "local" gives parallelism 1', () => {
    const ssc = new StreamingContext({ batchInterval: Seconds(1), clock: new ManualClock(), master: "local" });
    contexts.push(ssc);
    expect(ssc.engine.parallelism).toBe(1);
  });

  it("the parallelism option cuts a queueStream batch into that many contiguous partitions", async () => {
    const { ssc, clock } = newContext({ parallelism: 3 });
    const parts: (readonly (readonly number[])[])[] = [];
    ssc.queueStream<number>([[1, 2, 3, 4, 5, 6, 7], [1]]).foreachRDD(async (b) => void parts.push(await b.partitions()));
    ssc.start();
    await clock.advance(2000);
    // Spark's makeRDD: partition i holds [i*n/p, (i+1)*n/p)
    expect(parts).toEqual([[[1, 2], [3, 4], [5, 6, 7]], [[], [], [1]]]);
  });
});
