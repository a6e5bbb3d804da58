import { afterEach, describe, expect, it, vi } from "vitest";
import { type Batch, ManualClock, Receiver, type ReceiverInfo, Seconds, StreamingContext, type StreamInputInfo } from "../../src/index.ts";

const contexts: StreamingContext[] = [];
afterEach(async () => {
  for (const ssc of contexts.splice(0)) await ssc.stop();
  vi.restoreAllMocks();
});

/** Lets the receiver's start (a microtask after ssc.start()) run. */
const tick = (): Promise<void> => new Promise((r) => setTimeout(r, 0));

/** A receiver driven by the test: it records its lifecycle and stores what it is given. */
class TestReceiver extends Receiver<string> {
  readonly events: string[] = [];
  onStart(): void {
    this.events.push("start");
  }
  onStop(): void {
    this.events.push("stop");
  }
}

interface Setup<R extends Receiver<string>> {
  clock: ManualClock;
  ssc: StreamingContext;
  receiver: R;
  out: [number, string[]][];
  infos: StreamInputInfo[];
  receiverEvents: string[];
  errors: ReceiverInfo[];
}

function setup<R extends Receiver<string>>(receiver: R): Setup<R> {
  const clock = new ManualClock();
  const ssc = new StreamingContext({ batchInterval: Seconds(1), clock, parallelism: 2 });
  contexts.push(ssc);
  const out: [number, string[]][] = [];
  const infos: StreamInputInfo[] = [];
  const receiverEvents: string[] = [];
  const errors: ReceiverInfo[] = [];
  const stream = ssc.receiverStream(receiver);
  ssc.addStreamingListener({
    onReceiverStarted: (e) => void receiverEvents.push(`started ${e.receiverInfo.name}`),
    onReceiverError: (e) => {
      receiverEvents.push(`error ${e.receiverInfo.lastErrorMessage}`);
      errors.push(e.receiverInfo);
    },
    onReceiverStopped: (e) => void receiverEvents.push(`stopped ${e.receiverInfo.lastErrorMessage}`),
    onBatchCompleted: (e) => {
      const info = e.batchInfo.streamIdToInputInfo.get(stream.id);
      if (info) infos.push(info);
    },
  });
  stream.foreachRDD(async (b: Batch<string>, t) => void out.push([t, await b.collect()]));
  return { clock, ssc, receiver, out, infos, receiverEvents, errors };
}

describe("receiverStream", () => {
  it("calls onStart on start() and onStop on stop()", async () => {
    const { ssc, receiver, receiverEvents } = setup(new TestReceiver());
    expect(receiver.isStarted()).toBe(false);
    expect(receiver.isStopped()).toBe(true);
    ssc.start();
    await tick();
    expect(receiver.events).toEqual(["start"]);
    expect(receiver.isStarted()).toBe(true);
    expect(receiver.isStopped()).toBe(false);
    expect(receiverEvents).toEqual(["started TestReceiver"]);
    await ssc.stop();
    expect(receiver.events).toEqual(["start", "stop"]);
    expect(receiver.isStopped()).toBe(true);
    expect(receiverEvents.at(-1)).toMatch(/^stopped /);
  });

  it("store(one) and store(many) land in the batch of their interval, in order", async () => {
    const { clock, ssc, receiver, out, infos } = setup(new TestReceiver());
    ssc.start();
    await tick();
    receiver.store("a");
    receiver.store(["b", "c"]);
    await clock.advance(1000);
    receiver.store("d");
    await clock.advance(1000);
    await clock.advance(1000);
    expect(out).toEqual([
      [1000, ["a", "b", "c"]],
      [2000, ["d"]],
      [3000, []],
    ]);
    expect(infos.map((i) => i.numRecords)).toEqual([3, 1, 0]);
  });

  it("receives records stored from onStart (e.g. an async loop started there)", async () => {
    class Looping extends Receiver<string> {
      onStart(): void {
        this.store("hello");
        queueMicrotask(() => this.store(["world"]));
      }
      onStop(): void {}
    }
    const { clock, ssc, out } = setup(new Looping());
    ssc.start();
    await clock.advance(1000);
    expect(out).toEqual([[1000, ["hello", "world"]]]);
  });

  it("refuses store() before the receiver was started by its context", () => {
    const receiver = new TestReceiver();
    expect(() => receiver.store("x")).toThrow(/before the receiver was started/);
  });

  it("restart(reason) calls onStop, then onStart again after the delay on the context's clock", async () => {
    const { clock, ssc, receiver, receiverEvents, out } = setup(new TestReceiver());
    ssc.start();
    await tick();
    receiver.restart("connection lost", undefined, 500);
    await tick();
    expect(receiver.events).toEqual(["start", "stop"]);
    expect(receiverEvents).toEqual(["started TestReceiver", "stopped Restarting receiver with delay 500ms: connection lost"]);
    await clock.advance(400);
    expect(receiver.events).toEqual(["start", "stop"]);
    await clock.advance(200); // past 500
    expect(receiver.events).toEqual(["start", "stop", "start"]);
    expect(receiverEvents.filter((e) => e.startsWith("started"))).toHaveLength(2);
    receiver.store("after restart");
    await clock.advance(400);
    expect(out).toEqual([[1000, ["after restart"]]]);
  });

  it("restart() reports the receiver stopped (inactive) until it starts again, not an error while active", async () => {
    // Spark's ReceiverSupervisor.restartReceiver: stopReceiver("Restarting receiver with delay ...", error),
    // which deregisters it (StreamingListenerReceiverStopped, INACTIVE), then startReceiver after the
    // delay (StreamingListenerReceiverStarted). No ReceiverError is posted.
    const { clock, ssc, receiver } = setup(new TestReceiver());
    const events = receiverEvents(ssc);
    ssc.start();
    await tick();
    const cause = new Error("reset by peer");
    receiver.restart("connection lost", cause, 500);
    await tick();
    expect(events.map(([k, i]) => [k, i.active])).toEqual([
      ["started", true],
      ["stopped", false],
    ]);
    expect(events[1]![1]).toMatchObject({ lastErrorMessage: "Restarting receiver with delay 500ms: connection lost", lastError: cause });
    expect(ssc.statistics().numActiveReceivers).toBe(0);
    expect(ssc.receiverStatistics()[0]).toMatchObject({ active: false, lastError: cause });
    await clock.advance(600);
    expect(events.map(([k]) => k)).toEqual(["started", "stopped", "started"]);
    expect(ssc.statistics().numActiveReceivers).toBe(1);
  });

  it("keeps records stored while a restart waits (Spark's block generator outlives the receiver's restart)", async () => {
    const { clock, ssc, receiver, out, infos } = setup(new TestReceiver());
    ssc.start();
    await tick();
    receiver.store("before");
    receiver.restart("connection lost", undefined, 1500);
    await tick();
    receiver.store(["during", "the delay"]);
    await clock.advance(1000);
    receiver.store("still waiting");
    await clock.advance(1000); // restarted at 1500
    expect(receiver.events).toEqual(["start", "stop", "start"]);
    expect(out).toEqual([
      [1000, ["before", "during", "the delay"]],
      [2000, ["still waiting"]],
    ]);
    expect(infos.map((i) => i.metadata.droppedAfterStop)).toEqual([0, 0]);
  });

  it("an error reported while a restart waits shows the receiver inactive, as Spark's tracker", async () => {
    const { clock, ssc, receiver, errors } = setup(new TestReceiver());
    ssc.start();
    await tick();
    receiver.reportError("while running", undefined);
    receiver.restart("connection lost", undefined, 500);
    await tick();
    receiver.reportError("while waiting", undefined);
    await clock.advance(600);
    receiver.reportError("started again", undefined);
    expect(errors.map((e) => [e.lastErrorMessage, e.active])).toEqual([
      ["while running", true],
      ["while waiting", false],
      ["started again", true],
    ]);
  });

  it("restart uses a default delay of 2000 ms", async () => {
    const { clock, ssc, receiver } = setup(new TestReceiver());
    ssc.start();
    await tick();
    receiver.restart("flaky");
    await clock.advance(1999);
    expect(receiver.events).toEqual(["start", "stop"]);
    await clock.advance(1);
    expect(receiver.events).toEqual(["start", "stop", "start"]);
  });

  it("restart() twice in a row stops and starts the receiver once", async () => {
    const { clock, ssc, receiver } = setup(new TestReceiver());
    ssc.start();
    await tick();
    receiver.restart("first", undefined, 500);
    receiver.restart("second", undefined, 500);
    await tick();
    await clock.advance(1000);
    expect(receiver.events).toEqual(["start", "stop", "start"]);
  });

  it("stop() of the context cancels a pending restart", async () => {
    const { clock, ssc, receiver, receiverEvents } = setup(new TestReceiver());
    ssc.start();
    await tick();
    receiver.restart("flaky", undefined, 500);
    await tick();
    await ssc.stop();
    await clock.advance(1000);
    expect(receiver.events).toEqual(["start", "stop"]);
    // As Spark's stopReceiver, a receiver already deregistered for the restart is not reported again.
    expect(receiverEvents).toEqual(["started TestReceiver", "stopped Restarting receiver with delay 500ms: flaky"]);
  });

  it("reportError reaches listeners and the receiver keeps running", async () => {
    const { clock, ssc, receiver, errors, out } = setup(new TestReceiver());
    ssc.start();
    await tick();
    const cause = new Error("bad frame");
    receiver.reportError("could not parse a frame", cause);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ name: "TestReceiver", lastErrorMessage: "could not parse a frame", lastError: cause, active: true });
    receiver.store("still here");
    await clock.advance(1000);
    expect(out).toEqual([[1000, ["still here"]]]);
    expect(receiver.isStarted()).toBe(true);
  });

  it("stop() from inside the receiver stops it; the context keeps running", async () => {
    const { clock, ssc, receiver, receiverEvents, out } = setup(new TestReceiver());
    const other: number[][] = [];
    ssc.queueStream<number>([[1], [2], [3]]).foreachRDD(async (b) => void other.push(await b.collect()));
    ssc.start();
    await tick();
    receiver.store("x");
    receiver.stop("no more data");
    await tick();
    expect(receiver.isStopped()).toBe(true);
    expect(receiver.isStarted()).toBe(false);
    expect(receiver.events).toEqual(["start", "stop"]);
    expect(receiverEvents).toContain("stopped no more data");
    await clock.advance(2000);
    expect(out).toEqual([
      [1000, ["x"]],
      [2000, []],
    ]);
    expect(other).toEqual([[1], [2]]);
    expect(ssc.state).toBe("active");
    await ssc.stop();
    expect(receiver.events).toEqual(["start", "stop"]); // onStop not called twice
  });

  it("counts records stored after stop (metadata droppedAfterStop) instead of losing them silently", async () => {
    const { clock, ssc, receiver, out, infos } = setup(new TestReceiver());
    ssc.start();
    await tick();
    receiver.store("kept");
    await clock.advance(1000);
    receiver.stop("done");
    await tick();
    receiver.store("late");
    receiver.store(["late", "later"]);
    await clock.advance(1000);
    expect(out).toEqual([
      [1000, ["kept"]],
      [2000, []],
    ]);
    expect(infos.map((i) => i.metadata.droppedAfterStop)).toEqual([0, 3]);
  });

  it("an onStart that throws is reported stopped and started again after the delay", async () => {
    class Failing extends Receiver<string> {
      attempts = 0;
      onStart(): void {
        this.attempts++;
        if (this.attempts === 1) throw new Error("cannot connect");
      }
      onStop(): void {}
    }
    const { clock, ssc, receiver, receiverEvents } = setup(new Failing());
    ssc.start();
    await tick();
    expect(receiver.attempts).toBe(1);
    expect(receiverEvents).toEqual(["started Failing", `stopped Error starting receiver 0: cannot connect`]);
    await clock.advance(2000);
    expect(receiver.attempts).toBe(2);
    expect(receiver.isStarted()).toBe(true);
    expect(receiverEvents.at(-1)).toBe("started Failing");
  });

  it("a receiver whose onStart throws was registered (onReceiverStarted) and is then reported stopped, inactive", async () => {
    // Spark's ReceiverSupervisor.startReceiver registers the receiver (StreamingListenerReceiverStarted)
    // before receiver.onStart(); a NonFatal failure there calls stop("Error starting receiver ...", Some(t)),
    // which deregisters it (StreamingListenerReceiverStopped, INACTIVE, with the error).
    class Broken extends Receiver<string> {
      onStart(): void {
        throw new Error("cannot connect");
      }
      onStop(): void {}
    }
    const { ssc } = setup(new Broken());
    const events = receiverEvents(ssc);
    ssc.start();
    await tick();
    expect(events.map(([k, i]) => [k, i.active])).toEqual([
      ["started", true],
      ["stopped", false],
    ]);
    expect((events[1]![1].lastError as Error).message).toBe("cannot connect");
    expect(ssc.receiverStatistics()[0]!.active).toBe(false);
  });

  it("stop({ graceful: true }) puts records already stored into a last batch", async () => {
    const { ssc, receiver, out } = setup(new TestReceiver());
    ssc.start();
    await tick();
    receiver.store(["a", "b"]);
    await ssc.stop({ graceful: true });
    expect(out).toEqual([[1000, ["a", "b"]]]);
    expect(receiver.events).toEqual(["start", "stop"]);
  });

  it("stop({ graceful: true }) right after start() leaves no receiver running", async () => {
    const { ssc, receiver } = setup(new TestReceiver());
    ssc.start();
    await ssc.stop({ graceful: true });
    await tick();
    // Either the receiver was never started, or it was started and then stopped.
    expect(receiver.events.filter((e) => e === "start").length).toBe(receiver.events.filter((e) => e === "stop").length);
    expect(receiver.isStarted()).toBe(false);
  });
});

/** The receiver events listeners see, in order, with the receiver's info at each. */
function receiverEvents(ssc: StreamingContext): [string, ReceiverInfo][] {
  const events: [string, ReceiverInfo][] = [];
  ssc.addStreamingListener({
    onReceiverStarted: (e) => void events.push(["started", e.receiverInfo]),
    onReceiverError: (e) => void events.push(["error", e.receiverInfo]),
    onReceiverStopped: (e) => void events.push(["stopped", e.receiverInfo]),
  });
  return events;
}
