import { afterEach, describe, expect, it, vi } from "vitest";
import { type Batch, ManualClock, type ReceiverInfo, Seconds, StreamingContext } from "../../src/index.ts";

const contexts: StreamingContext[] = [];
afterEach(async () => {
  for (const ssc of contexts.splice(0)) await ssc.stop();
  vi.restoreAllMocks();
});

function newContext(clock: ManualClock): StreamingContext {
  const ssc = new StreamingContext({ batchInterval: Seconds(1), clock, parallelism: 2 });
  contexts.push(ssc);
  return ssc;
}

/** A ReadableStream fed by hand, with a spy on its underlying source's cancel(). */
function controlled<T>(): { stream: ReadableStream<T>; controller: ReadableStreamDefaultController<T>; cancel: ReturnType<typeof vi.fn> } {
  let controller!: ReadableStreamDefaultController<T>;
  const cancel = vi.fn();
  const stream = new ReadableStream<T>({
    start: (c) => void (controller = c),
    cancel: (reason) => void cancel(reason),
  });
  return { stream, controller, cancel };
}

function collectInto<T>(out: [number, T[]][]): (b: Batch<T>, t: number) => Promise<void> {
  return async (b, t) => void out.push([t, await b.collect()]);
}

/** Lets the source's start (a microtask after ssc.start()) and pending reads run. */
const tick = (): Promise<void> => new Promise((r) => setTimeout(r, 0));

describe("readableStream", () => {
  it("puts records into the batch of the interval in which they were enqueued", async () => {
    const clock = new ManualClock();
    const ssc = newContext(clock);
    const { stream, controller } = controlled<string>();
    const out: [number, string[]][] = [];
    ssc.readableStream(stream).foreachRDD(collectInto(out));
    ssc.start();
    controller.enqueue("a");
    controller.enqueue("b");
    await clock.advance(1000);
    controller.enqueue("c");
    await clock.advance(1000);
    await clock.advance(1000);
    expect(out).toEqual([
      [1000, ["a", "b"]],
      [2000, ["c"]],
      [3000, []],
    ]);
  });

  it("takes each chunk as one record, whatever its type", async () => {
    const clock = new ManualClock();
    const ssc = newContext(clock);
    const { stream, controller } = controlled<{ id: number } | number[]>();
    const out: [number, unknown[]][] = [];
    ssc.readableStream(stream).foreachRDD(collectInto(out));
    ssc.start();
    controller.enqueue({ id: 1 });
    controller.enqueue([1, 2]);
    await clock.advance(1000);
    expect(out).toEqual([[1000, [{ id: 1 }, [1, 2]]]]);
  });

  it("reports onReceiverStarted, and a stream that ends with onReceiverStopped; another stream keeps working", async () => {
    const clock = new ManualClock();
    const ssc = newContext(clock);
    const started: ReceiverInfo[] = [];
    const stopped: ReceiverInfo[] = [];
    ssc.addStreamingListener({
      onReceiverStarted: (e) => void started.push(e.receiverInfo),
      onReceiverStopped: (e) => void stopped.push(e.receiverInfo),
    });
    const ending = controlled<number>();
    const lasting = controlled<number>();
    const a = ssc.readableStream(ending.stream);
    const b = ssc.readableStream(lasting.stream);
    const outA: [number, number[]][] = [];
    const outB: [number, number[]][] = [];
    a.foreachRDD(collectInto(outA));
    b.foreachRDD(collectInto(outB));
    ssc.start();
    ending.controller.enqueue(1);
    ending.controller.close();
    lasting.controller.enqueue(10);
    await clock.advance(1000);
    expect(started.map((i) => i.streamId).sort()).toEqual([a.id, b.id].sort());
    expect(stopped).toHaveLength(1);
    expect(stopped[0]).toMatchObject({ streamId: a.id, name: "readableStream", active: false });
    expect(stopped[0]!.lastErrorMessage).toContain("ended");
    lasting.controller.enqueue(11);
    await clock.advance(1000);
    expect(outA).toEqual([
      [1000, [1]],
      [2000, []],
    ]);
    expect(outB).toEqual([
      [1000, [10]],
      [2000, [11]],
    ]);
    expect(ssc.state).toBe("active");
  });

  it("reports a stream that errors (onReceiverError) and keeps running the other streams", async () => {
    const clock = new ManualClock();
    const ssc = newContext(clock);
    const errors: ReceiverInfo[] = [];
    const stopped: ReceiverInfo[] = [];
    ssc.addStreamingListener({
      onReceiverError: (e) => void errors.push(e.receiverInfo),
      onReceiverStopped: (e) => void stopped.push(e.receiverInfo),
    });
    const failing = controlled<number>();
    const healthy = controlled<number>();
    const a = ssc.readableStream(failing.stream);
    const outA: [number, number[]][] = [];
    const outB: [number, number[]][] = [];
    a.foreachRDD(collectInto(outA));
    ssc.readableStream(healthy.stream).foreachRDD(collectInto(outB));
    ssc.start();
    failing.controller.enqueue(1);
    await tick();
    const boom = new Error("socket reset");
    failing.controller.error(boom);
    healthy.controller.enqueue(2);
    await clock.advance(1000);
    expect(errors).toHaveLength(1);
    expect(errors[0]!.streamId).toBe(a.id);
    expect(errors[0]!.lastErrorMessage).toContain("socket reset");
    expect(errors[0]!.lastError).toBe(boom);
    expect(stopped.map((i) => i.streamId)).toEqual([a.id]);
    healthy.controller.enqueue(3);
    await clock.advance(1000);
    expect(outA).toEqual([
      [1000, [1]],
      [2000, []],
    ]);
    expect(outB).toEqual([
      [1000, [2]],
      [2000, [3]],
    ]);
    expect(ssc.state).toBe("active");
    // A source failure is not a job failure: the context is not terminated by it.
    expect(await ssc.awaitTerminationOrTimeout(0)).toBe(false);
  });

  it("stop() cancels the stream: the underlying source's cancel() is called", async () => {
    const clock = new ManualClock();
    const ssc = newContext(clock);
    const { stream, controller, cancel } = controlled<number>();
    ssc.readableStream(stream).foreachRDD(() => undefined);
    ssc.start();
    controller.enqueue(1);
    await clock.advance(1000);
    expect(cancel).not.toHaveBeenCalled();
    await ssc.stop();
    expect(cancel).toHaveBeenCalledTimes(1);
    expect(stream.locked).toBe(false);
  });

  it("stop() right after start() still cancels the stream", async () => {
    const clock = new ManualClock();
    const ssc = newContext(clock);
    const { stream, cancel } = controlled<number>();
    ssc.readableStream(stream).foreachRDD(() => undefined);
    ssc.start();
    await ssc.stop();
    await tick();
    expect(cancel).toHaveBeenCalledTimes(1);
  });

  it("stop({ graceful: true }) puts every record already enqueued into a last batch", async () => {
    const clock = new ManualClock();
    const ssc = newContext(clock);
    const { stream, controller, cancel } = controlled<string>();
    const out: [number, string[]][] = [];
    ssc.readableStream(stream).foreachRDD(collectInto(out));
    ssc.start();
    await tick(); // the reader is started and waiting for data
    controller.enqueue("a");
    controller.enqueue("b");
    controller.enqueue("c");
    await ssc.stop({ graceful: true });
    expect(out).toEqual([[1000, ["a", "b", "c"]]]);
    expect(cancel).toHaveBeenCalledTimes(1);
  });

  it("stop({ graceful: true }) right after start() takes what was enqueued and cancels the stream", async () => {
    const clock = new ManualClock();
    const ssc = newContext(clock);
    const { stream, controller, cancel } = controlled<string>();
    const out: [number, string[]][] = [];
    ssc.readableStream(stream).foreachRDD(collectInto(out));
    ssc.start();
    controller.enqueue("a");
    await ssc.stop({ graceful: true });
    await tick();
    expect(out).toEqual([[1000, ["a"]]]);
    expect(cancel).toHaveBeenCalledTimes(1);
    expect(stream.locked).toBe(false);
  });
});
