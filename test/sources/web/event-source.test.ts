import { describe, expect, it, vi } from "vitest";
import { type RivuletError, type ServerSentEvent, type StreamingContext } from "../../../src/index.ts";
import { FakeEventSource } from "./fakes.ts";
import { run, tick } from "./harness.ts";

/** An open fake EventSource and a started context with an eventSourceStream of `data` over it. */
function openSource(options: Parameters<StreamingContext["eventSourceStream"]>[1] = {}) {
  const source = new FakeEventSource();
  source.open();
  const r = run((ssc) => ssc.eventSourceStream(source, options));
  return { source, ...r };
}

describe("eventSourceStream", () => {
  it("takes the data of each message event into the batch of its interval; other event types are not received", async () => {
    const { source, clock, out, infos } = openSource();
    await tick();
    source.emit("one");
    source.emit("ignored", "tick");
    source.emit('{"n":2}');
    await clock.advance(1000);
    source.emit("three");
    await clock.advance(1000);
    expect(out).toEqual([
      [1000, ["one", '{"n":2}']],
      [2000, ["three"]],
    ]);
    expect(infos.map((i) => [i.name, i.metadata])).toEqual([
      ["eventSourceStream", { droppedMessages: 0, unreadableMessages: 0 }],
      ["eventSourceStream", { droppedMessages: 0, unreadableMessages: 0 }],
    ]);
  });

  it("receives the named event types asked for, as ServerSentEvent records with format: event", async () => {
    const source = new FakeEventSource();
    source.open();
    const { clock, out } = run((ssc) => ssc.eventSourceStream(source, { events: ["tick", "message", "tick"], format: "event" }));
    await tick();
    source.emit("t1", "tick", "1");
    source.emit("hello");
    source.emit("nope", "other", "3");
    source.emit("t2", "tick");
    await clock.advance(1000);
    const expected: ServerSentEvent[] = [
      { type: "tick", data: "t1", lastEventId: "1" },
      { type: "message", data: "hello", lastEventId: "1" },
      { type: "tick", data: "t2", lastEventId: "3" },
    ];
    expect(out).toEqual([[1000, expected]]);
  });

  it("opens a URL with the global EventSource on start (withCredentials as asked) and closes it on stop", async () => {
    vi.stubGlobal("EventSource", FakeEventSource);
    const before = FakeEventSource.instances.length;
    const { ssc, clock, out, events } = run((c) => c.eventSourceStream("https://example.test/prices", { withCredentials: true }), { start: false });
    expect(FakeEventSource.instances.length).toBe(before);
    ssc.start();
    await tick();
    const source = FakeEventSource.instances.at(-1)!;
    expect(source.url).toBe("https://example.test/prices");
    expect(source.init).toEqual({ withCredentials: true });
    source.open();
    source.emit("p1");
    await clock.advance(1000);
    expect(out).toEqual([[1000, ["p1"]]]);
    await ssc.stop();
    expect(source.closed).toBe(true);
    expect(events).toEqual(["started", "stopped stopped with the context"]);
  });

  it("leaves an EventSource passed in open on stop unless closeOnStop", async () => {
    const kept = openSource();
    await tick();
    await kept.ssc.stop();
    expect(kept.source.closed).toBe(false);

    const closed = openSource({ closeOnStop: true });
    await tick();
    await closed.ssc.stop();
    expect(closed.source.closed).toBe(true);
  });

  it("reports a lost connection as an error and keeps receiving after the EventSource reconnects", async () => {
    const { source, clock, out, events, errors } = openSource();
    await tick();
    source.emit("before");
    source.fail(); // readyState CONNECTING: the EventSource retries by itself
    source.open();
    source.emit("after");
    await clock.advance(1000);
    expect(out).toEqual([[1000, ["before", "after"]]]);
    expect(events).toEqual([
      "started",
      "error the connection of the EventSource to https://example.test/events was lost; it reconnects by itself",
      "started",
    ]);
    expect(errors[0]!.active).toBe(true);
    expect((errors[0]!.lastError as RivuletError).code).toBe("SOURCE_FAILED");
  });

  it("stops the stream when the EventSource gives up (readyState CLOSED); the other streams go on", async () => {
    vi.spyOn(console, "error").mockImplementation(() => undefined);
    const source = new FakeEventSource();
    source.open();
    const other: number[][] = [];
    const { ssc, clock, out, stopped, events } = run((c) => {
      c.queueStream<number>([[1], [2]]).foreachRDD(async (b) => void other.push(await b.collect()));
      return c.eventSourceStream(source);
    });
    await tick();
    source.emit("last");
    source.fail(true);
    await clock.advance(2000);
    expect(out).toEqual([
      [1000, ["last"]],
      [2000, []],
    ]);
    expect(other).toEqual([[1], [2]]);
    expect(events.at(-1)).toMatch(/^stopped the EventSource to https:\/\/example.test\/events failed and will not reconnect/);
    expect(stopped[0]!.active).toBe(false);
    expect(ssc.state).toBe("active");
  });

  it("drops events past maxBuffered, counted and reported once per overflow", async () => {
    const { source, clock, out, infos, errors } = openSource({ maxBuffered: 1 });
    await tick();
    source.emit("a");
    source.emit("b");
    source.emit("c");
    await clock.advance(1000);
    expect(out).toEqual([[1000, ["a"]]]);
    expect(infos[0]!.metadata.droppedMessages).toBe(2);
    expect(errors).toHaveLength(1);
  });

  it("counts an event whose data is not a string (a non-conforming implementation) as unreadable", async () => {
    const { source, clock, out, infos } = openSource();
    await tick();
    source.emit({ not: "text" });
    await clock.advance(1000);
    expect(out).toEqual([[1000, []]]);
    expect(infos[0]!.metadata.unreadableMessages).toBe(1);
  });

  it("refuses bad arguments (INVALID_ARGUMENT) and a URL where the runtime cannot open one (UNSUPPORTED) when the stream is declared", () => {
    vi.stubGlobal("EventSource", FakeEventSource);
    const { ssc } = run((c) => c.queueStream<number>([]), { start: false });
    const attempt = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        return `${(e as RivuletError).code}: ${(e as Error).message}`;
      }
      return "no error";
    };
    expect(attempt(() => ssc.eventSourceStream("ws://example.test/"))).toMatch(/^INVALID_ARGUMENT: .*must use http: or https:/);
    expect(attempt(() => ssc.eventSourceStream(new FakeEventSource(), { events: [] }))).toMatch(/^INVALID_ARGUMENT: .*non-empty array/);
    expect(attempt(() => ssc.eventSourceStream(new FakeEventSource(), { events: ["error"] }))).toMatch(/^INVALID_ARGUMENT: .*EventSource's own event/);
    expect(attempt(() => ssc.eventSourceStream(new FakeEventSource(), { format: "xml" as "data" }))).toMatch(/^INVALID_ARGUMENT: .*format/);
    expect(attempt(() => ssc.eventSourceStream(new FakeEventSource(), { withCredentials: true }))).toMatch(/^INVALID_ARGUMENT: .*withCredentials/);
    vi.stubGlobal("EventSource", undefined);
    expect(attempt(() => ssc.eventSourceStream("https://example.test/"))).toMatch(/^UNSUPPORTED: .*no global EventSource/);
  });
});
