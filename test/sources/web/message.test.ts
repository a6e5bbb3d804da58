// messageStream (src/sources/web/message.ts): the data of the messages a channel receives. A
// test-double target dispatches messages synchronously under the manual clock; Node's own
// BroadcastChannel and MessageChannel deliver across threads' event loops, so those tests advance
// until the records have arrived.
import { describe, expect, it, vi } from "vitest";
import { type MessageTargetLike, RivuletError } from "../../../src/index.ts";
import { run, tick } from "./harness.ts";
import { advanceUntil } from "../../support/advance-until.ts";

/** A message target driven by the test, recording whether it was started and closed. */
class FakeChannel extends EventTarget implements MessageTargetLike {
  started = 0;
  closed = 0;
  post(data: unknown): void {
    this.dispatchEvent(new MessageEvent("message", { data }));
  }
  garbled(): void {
    this.dispatchEvent(new MessageEvent("messageerror"));
  }
  start(): void {
    this.started++;
  }
  close(): void {
    this.closed++;
  }
  /** Listeners added and not removed, by event type. */
  readonly listening = new Map<string, number>();
  override addEventListener(type: string, listener: EventListenerOrEventListenerObject | null): void {
    this.listening.set(type, (this.listening.get(type) ?? 0) + 1);
    super.addEventListener(type, listener);
  }
  override removeEventListener(type: string, listener: EventListenerOrEventListenerObject | null): void {
    this.listening.set(type, (this.listening.get(type) ?? 0) - 1);
    super.removeEventListener(type, listener);
  }
}

describe("messageStream", () => {
  it("makes each message's data a record, in the batch of the interval it arrived in, and starts a port", async () => {
    const channel = new FakeChannel();
    const { clock, out, infos, events } = run((ssc) => ssc.messageStream<{ page: string } | number>(channel));
    await tick();
    expect(channel.started).toBe(1);
    channel.post({ page: "/home" });
    channel.post(7);
    await clock.advance(1000);
    channel.post({ page: "/cart" });
    await clock.advance(1000);
    expect(out).toEqual([
      [1000, [{ page: "/home" }, 7]],
      [2000, [{ page: "/cart" }]],
    ]);
    expect(infos.map((i) => [i.name, i.numRecords])).toEqual([
      ["messageStream", 2],
      ["messageStream", 1],
    ]);
    expect(events).toEqual(["started"]);
  });

  it("keeps only the messages the filter accepts", async () => {
    const channel = new FakeChannel();
    const { clock, out } = run((ssc) => ssc.messageStream<{ kind: string }>(channel, { filter: (d) => (d as { kind?: string }).kind === "click" }));
    await tick();
    channel.post({ kind: "click", n: 1 });
    channel.post({ kind: "scroll" });
    channel.post({ kind: "click", n: 2 });
    await clock.advance(1000);
    expect(out).toEqual([[1000, [{ kind: "click", n: 1 }, { kind: "click", n: 2 }]]]);
  });

  it("drops and counts messages that could not be deserialized, reporting the first", async () => {
    const channel = new FakeChannel();
    const { clock, out, infos, errors } = run((ssc) => ssc.messageStream(channel));
    await tick();
    channel.garbled();
    channel.post("ok");
    channel.garbled();
    await clock.advance(1000);
    expect(out).toEqual([[1000, ["ok"]]]);
    expect(infos[0]!.metadata).toEqual({ droppedMessages: 0, unreadableMessages: 2 });
    expect(errors.map((e) => e.lastErrorMessage)).toEqual([
      "messageStream cannot read a message that could not be deserialized (messageerror); such messages are dropped and counted in unreadableMessages",
    ]);
  });

  it("bounds what waits for a batch: messages past maxBuffered are dropped and counted", async () => {
    const channel = new FakeChannel();
    const { clock, out, infos } = run((ssc) => ssc.messageStream<number>(channel, { maxBuffered: 2 }));
    await tick();
    for (let i = 0; i < 5; i++) channel.post(i);
    await clock.advance(1000);
    expect(out).toEqual([[1000, [0, 1]]]);
    expect(infos[0]!.metadata["droppedMessages"]).toBe(3);
  });

  it("on stop, stops listening; closes a target passed in only with closeOnStop", async () => {
    const kept = new FakeChannel();
    const a = run((ssc) => ssc.messageStream(kept));
    await tick();
    expect(kept.listening).toEqual(new Map([["message", 1], ["messageerror", 1]]));
    await a.ssc.stop();
    expect(kept.listening).toEqual(new Map([["message", 0], ["messageerror", 0]]));
    expect(kept.closed).toBe(0);

    const closed = new FakeChannel();
    const b = run((ssc) => ssc.messageStream(closed, { closeOnStop: true }));
    await tick();
    await b.ssc.stop();
    expect(closed.closed).toBe(1);
  });
});

describe("messageStream over Node's own channels", () => {
  it("opens a BroadcastChannel by name, receives what another channel of that name posts, and closes it on stop", async () => {
    const sender = new BroadcastChannel("rivulet-test-events");
    try {
      const { clock, out, ssc } = run((s) => s.messageStream<{ n: number; at: Date }>("rivulet-test-events"));
      await tick();
      sender.postMessage({ n: 1, at: new Date(0) });
      sender.postMessage({ n: 2, at: new Date(1) });
      await advanceUntil(clock, () => {
        expect(out.flatMap(([, r]) => r)).toEqual([
          { n: 1, at: new Date(0) },
          { n: 2, at: new Date(1) },
        ]);
      });
      await ssc.stop(); // closes its channel, or the process would be kept alive by it
    } finally {
      sender.close();
    }
  });

  it("receives structured-cloned data through a MessagePort, and starts the port", async () => {
    const { port1, port2 } = new MessageChannel();
    try {
      const { clock, out } = run((s) => s.messageStream<Map<string, Uint8Array>>(port1 as unknown as MessageTargetLike, { closeOnStop: true }));
      await tick();
      port2.postMessage(new Map([["bytes", new Uint8Array([1, 2])]]));
      await advanceUntil(clock, () => {
        expect(out.flatMap(([, r]) => r)).toEqual([new Map([["bytes", new Uint8Array([1, 2])]])]);
      });
    } finally {
      port2.close();
    }
  });
});

describe("messageStream arguments", () => {
  it("refuses what is not a message target or channel name, and a filter that is not a function", () => {
    const { ssc } = run((s) => s.queueStream<number>([]), { start: false });
    expect(() => ssc.messageStream({} as MessageTargetLike)).toThrowError(expect.objectContaining({ code: "INVALID_ARGUMENT" }));
    expect(() => ssc.messageStream(new FakeChannel(), { filter: "click" as unknown as () => boolean })).toThrow(RivuletError);
  });

  it("says so where there is no BroadcastChannel to open a name with", () => {
    const { ssc } = run((s) => s.queueStream<number>([]), { start: false });
    vi.stubGlobal("BroadcastChannel", undefined);
    expect(() => ssc.messageStream("events")).toThrowError(expect.objectContaining({ code: "UNSUPPORTED", message: expect.stringContaining("BroadcastChannel") }));
  });
});
