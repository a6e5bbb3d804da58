import { describe, expect, it, vi } from "vitest";
import { RivuletError, Seconds, type StreamingContext } from "../../../src/index.ts";
import { FakeWebSocket } from "./fakes.ts";
import { run, tick } from "./harness.ts";

const enc = new TextEncoder();

/** An open fake socket and a started context with a webSocketStream over it. */
function openSocket(options: Parameters<StreamingContext["webSocketStream"]>[1] = {}) {
  const socket = new FakeWebSocket();
  socket.open();
  const r = run((ssc) => ssc.webSocketStream(socket, options));
  return { socket, ...r };
}

describe("webSocketStream", () => {
  it("puts each message into the batch of the interval it arrived in: text as strings, binary as bytes", async () => {
    const { socket, clock, out, infos } = openSocket();
    await tick();
    socket.send("hello");
    socket.send(new Uint8Array([1, 2, 3]).buffer);
    await clock.advance(1000);
    socket.send("world");
    await clock.advance(1000);
    await clock.advance(1000);
    expect(out).toEqual([
      [1000, ["hello", new Uint8Array([1, 2, 3])]],
      [2000, ["world"]],
      [3000, []],
    ]);
    expect(infos.map((i) => [i.name, i.numRecords, i.metadata])).toEqual([
      ["webSocketStream", 2, { droppedMessages: 0, unreadableMessages: 0 }],
      ["webSocketStream", 1, { droppedMessages: 0, unreadableMessages: 0 }],
      ["webSocketStream", 0, { droppedMessages: 0, unreadableMessages: 0 }],
    ]);
  });

  it("copies binary data given as a view of a shared buffer (Node's pooled Buffers)", async () => {
    const { socket, clock, out } = openSocket();
    await tick();
    const pool = new Uint8Array([9, 9, 7, 8, 9, 9]);
    socket.send(pool.subarray(2, 4));
    pool.fill(0); // the pool is reused for the next message
    await clock.advance(1000);
    expect(out).toEqual([[1000, [new Uint8Array([7, 8])]]]);
  });

  it("reports started for a socket already open, and for one that opens later", async () => {
    const open = openSocket();
    await tick();
    expect(open.events).toEqual(["started"]);
    await open.ssc.stop(); // one active context per realm

    const connecting = new FakeWebSocket();
    const later = run((ssc) => ssc.webSocketStream(connecting));
    await tick();
    expect(later.events).toEqual([]);
    connecting.open();
    expect(later.events).toEqual(["started"]);
  });

  it("opens a URL with the global WebSocket (arraybuffer binary type, the protocols asked for) on start, and closes it on stop", async () => {
    vi.stubGlobal("WebSocket", FakeWebSocket);
    const before = FakeWebSocket.instances.length;
    const { ssc, clock, out, events } = run((c) => c.webSocketStream("wss://example.test/ticks", { protocols: ["v2.ticks"] }), { start: false });
    expect(FakeWebSocket.instances.length).toBe(before); // nothing opened before start()
    ssc.start();
    await tick();
    const socket = FakeWebSocket.instances.at(-1)!;
    expect(socket.url).toBe("wss://example.test/ticks");
    expect(socket.protocols).toEqual(["v2.ticks"]);
    expect(socket.binaryType).toBe("arraybuffer");
    socket.open();
    socket.send("t1");
    await clock.advance(1000);
    expect(out).toEqual([[1000, ["t1"]]]);
    await ssc.stop();
    expect(socket.closedWith).toEqual({ code: 1000, reason: "the streaming context was stopped" });
    expect(events).toEqual(["started", "stopped stopped with the context"]);
  });

  it("maps an http(s) URL to ws(s)", async () => {
    vi.stubGlobal("WebSocket", FakeWebSocket);
    const { ssc } = run((c) => c.webSocketStream(new URL("https://example.test/feed")), { start: false });
    ssc.start();
    await tick();
    expect(FakeWebSocket.instances.at(-1)!.url).toBe("wss://example.test/feed");
  });

  it("leaves a socket passed in open on stop and only stops listening, unless closeOnStop", async () => {
    const kept = openSocket();
    await tick();
    await kept.ssc.stop();
    expect(kept.socket.closedWith).toBeUndefined();
    expect(kept.socket.readyState).toBe(1);
    kept.socket.send("after stop"); // nobody listens: no error, nothing taken

    const closed = openSocket({ closeOnStop: true });
    await tick();
    await closed.ssc.stop();
    expect(closed.socket.closedWith?.code).toBe(1000);
  });

  it("sets a passed socket's binaryType from blob to arraybuffer: a Blob cannot be read in order", async () => {
    const socket = new FakeWebSocket();
    socket.open();
    run((ssc) => ssc.webSocketStream(socket));
    await tick();
    expect(socket.binaryType).toBe("arraybuffer");
  });

  it("counts and reports (once) messages it cannot read, e.g. a Blob from an implementation that ignores binaryType", async () => {
    const { socket, clock, out, infos, errors } = openSocket();
    await tick();
    socket.send(new Blob(["x"]));
    socket.send("ok");
    socket.send(new Blob(["y"]));
    await clock.advance(1000);
    expect(out).toEqual([[1000, ["ok"]]]);
    expect(infos[0]!.metadata).toEqual({ droppedMessages: 0, unreadableMessages: 2 });
    expect(errors).toHaveLength(1);
    expect(errors[0]!.lastErrorMessage).toMatch(/cannot read a message of type Blob/);
    expect((errors[0]!.lastError as RivuletError).code).toBe("INVALID_INPUT");
  });

  describe("lines: true", () => {
    it("cuts text and binary data into lines as textStream does: a line may span messages, the close ends the last one", async () => {
      const { socket, clock, out, events } = openSocket({ lines: true });
      await tick();
      socket.send("alpha\nbe");
      socket.send(enc.encode("ta\r\ngam"));
      await clock.advance(1000);
      const euro = enc.encode("ma €\nlast");
      socket.send(euro.subarray(0, 6)); // cuts "€" (3 bytes) after its first byte
      socket.send(euro.subarray(6));
      await clock.advance(1000);
      socket.serverClose(1000);
      await clock.advance(1000);
      expect(out).toEqual([
        [1000, ["alpha", "beta"]],
        [2000, ["gamma €"]],
        [3000, ["last"]],
      ]);
      expect(events.at(-1)).toBe('stopped the WebSocket to ws://example.test/feed closed (code 1000)');
    });

    it("replaces invalid UTF-8 and drops over-long lines, counting both", async () => {
      const { socket, clock, out, infos } = openSocket({ lines: true, maxLineLength: 4 });
      await tick();
      socket.send(new Uint8Array([0x61, 0xff, 0x0a])); // "a", invalid byte
      socket.send("too long\nok\n");
      await clock.advance(1000);
      expect(out).toEqual([[1000, ["a\ufffd", "ok"]]]);
      expect(infos[0]!.metadata).toEqual({ droppedMessages: 0, unreadableMessages: 0, invalidUtf8: 1, overlongLines: 1 });
    });
  });

  describe("a full buffer", () => {
    it("drops whole messages past maxBuffered, counts them (droppedMessages) and reports each overflow once", async () => {
      const { socket, clock, out, infos, errors } = openSocket({ maxBuffered: 2 });
      await tick();
      for (const m of ["a", "b", "c", "d", "e"]) socket.send(m);
      await clock.advance(1000);
      expect(errors).toHaveLength(1); // one report for the episode, not one per message
      for (const m of ["f", "g", "h"]) socket.send(m);
      await clock.advance(1000);
      socket.send("i");
      await clock.advance(1000);
      expect(out).toEqual([
        [1000, ["a", "b"]],
        [2000, ["f", "g"]],
        [3000, ["i"]],
      ]);
      expect(infos.map((i) => i.metadata.droppedMessages)).toEqual([3, 4, 4]);
      expect(errors).toHaveLength(2);
      expect(errors[0]!.lastErrorMessage).toMatch(/more than 2 records \(maxBuffered\)/);
      expect((errors[0]!.lastError as RivuletError).code).toBe("BUFFER_OVERFLOW");
      expect(errors[0]!.active).toBe(true);
    });

    it("keeps or drops a message whole in lines mode, however many lines it holds", async () => {
      const { socket, clock, out, infos } = openSocket({ lines: true, maxBuffered: 2 });
      await tick();
      socket.send("1\n2\n3\n"); // accepted whole: the buffer had room when it came
      socket.send("4\n5\n"); // dropped whole
      socket.send("6"); // no complete line yet: nothing to drop
      await clock.advance(1000);
      socket.send("\n");
      await clock.advance(1000);
      expect(out).toEqual([
        [1000, ["1", "2", "3"]],
        [2000, ["6"]],
      ]);
      expect(infos.map((i) => i.metadata.droppedMessages)).toEqual([1, 1]);
    });

    it("never holds more than maxBuffered records, whatever arrives", async () => {
      const { socket, clock, out } = openSocket({ maxBuffered: 1000 });
      await tick();
      for (let i = 0; i < 50_000; i++) socket.send(String(i));
      await clock.advance(1000);
      expect(out[0]![1]).toHaveLength(1000);
      expect(out[0]![1].at(-1)).toBe("999");
    });
  });

  describe("errors and closes", () => {
    it("reports an error and an abnormal close with its code; the other streams go on", async () => {
      vi.spyOn(console, "error").mockImplementation(() => undefined);
      const socket = new FakeWebSocket();
      socket.open();
      const other: number[][] = [];
      const { ssc, clock, out, events, stopped } = run((c) => {
        c.queueStream<number>([[1], [2], [3]]).foreachRDD(async (b) => void other.push(await b.collect()));
        return c.webSocketStream(socket);
      });
      await tick();
      socket.send("before");
      socket.fail();
      socket.serverClose(1006, "", false);
      socket.send("after"); // no longer listened to
      await clock.advance(2000);
      expect(out).toEqual([
        [1000, ["before"]],
        [2000, []],
      ]);
      expect(other).toEqual([[1], [2]]);
      expect(events).toEqual([
        "started",
        "error the WebSocket to ws://example.test/feed failed",
        "stopped the WebSocket to ws://example.test/feed closed (code 1006)",
      ]);
      expect(stopped[0]!.active).toBe(false);
      expect((stopped[0]!.lastError as RivuletError).code).toBe("SOURCE_FAILED");
      expect(ssc.state).toBe("active");
    });

    it("reports a close by the server with its code and reason; a normal close carries no error", async () => {
      const { ssc, socket, events, stopped } = openSocket();
      await tick();
      socket.serverClose(1000, "bye");
      expect(events.at(-1)).toBe('stopped the WebSocket to ws://example.test/feed closed (code 1000, reason "bye")');
      expect(stopped[0]!.lastError).toBeUndefined();
      await ssc.stop();

      const other = openSocket();
      await tick();
      other.socket.serverClose(4001, "token expired");
      expect(other.events.at(-1)).toMatch(/closed \(code 4001, reason "token expired"\)$/);
      expect(other.stopped[0]!.lastError).toBeInstanceOf(RivuletError);
    });

    it("reports a socket already closed at start as stopped", async () => {
      const socket = new FakeWebSocket();
      socket.readyState = 3;
      const { events } = run((ssc) => ssc.webSocketStream(socket));
      await tick();
      expect(events).toEqual(["stopped the WebSocket to ws://example.test/feed was already closed"]);
    });

    it("reports a URL that cannot be opened at start (e.g. blocked by CSP) as an error, not a crash", async () => {
      class Refusing extends FakeWebSocket {
        constructor() {
          super();
          throw new DOMException("refused by the content security policy", "SecurityError");
        }
      }
      vi.stubGlobal("WebSocket", Refusing);
      const { clock, ssc, events, out } = run((c) => c.webSocketStream("ws://example.test/"));
      await tick();
      await clock.advance(1000);
      expect(events).toEqual([
        "error webSocketStream could not connect: refused by the content security policy",
        "stopped webSocketStream could not connect: refused by the content security policy",
      ]);
      expect(out).toEqual([[1000, []]]);
      expect(ssc.state).toBe("active");
    });
  });

  it("refuses bad arguments (INVALID_ARGUMENT) and a URL where the runtime cannot open one (UNSUPPORTED) when the stream is declared", () => {
    vi.stubGlobal("WebSocket", FakeWebSocket);
    const { ssc } = run((c) => c.queueStream<number>([]), { start: false });
    const code = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        return (e as RivuletError).code + ": " + (e as Error).message;
      }
      return "no error";
    };
    expect(code(() => ssc.webSocketStream("ws://exa mple"))).toMatch(/^INVALID_ARGUMENT: .*not a valid URL/);
    expect(code(() => ssc.webSocketStream("ftp://example.test/"))).toMatch(/^INVALID_ARGUMENT: .*must use ws: or wss:/);
    expect(code(() => ssc.webSocketStream(new FakeWebSocket(), { maxBuffered: 0 }))).toMatch(/^INVALID_ARGUMENT: maxBuffered/);
    expect(code(() => ssc.webSocketStream(new FakeWebSocket(), { protocols: "x" }))).toMatch(/^INVALID_ARGUMENT: .*protocols apply only/);
    expect(code(() => ssc.webSocketStream(new FakeWebSocket(), { maxLineLength: 10 }))).toMatch(/^INVALID_ARGUMENT: .*lines: true/);
    expect(code(() => ssc.webSocketStream(new FakeWebSocket(), { lines: true, maxLineLength: -1 }))).toMatch(/^INVALID_ARGUMENT: maxLineLength/);
    vi.stubGlobal("WebSocket", undefined);
    expect(code(() => ssc.webSocketStream("ws://example.test/"))).toMatch(/^UNSUPPORTED: .*no global WebSocket/);
  });
});

describe("webSocketStream with reconnectDelay", () => {
  it("connects again after the delay on the context's clock when the connection closes, for as long as the context runs", async () => {
    vi.stubGlobal("WebSocket", FakeWebSocket);
    const { ssc, clock, out, events } = run((c) => c.webSocketStream("wss://example.test/ticks", { reconnectDelay: Seconds(2), lines: true }), { start: false });
    const before = FakeWebSocket.instances.length;
    ssc.start();
    await tick();
    const first = FakeWebSocket.instances.at(-1)!;
    first.open();
    first.send("a\nb");
    first.serverClose(1006, "", false); // the close ends the line "b"
    await clock.advance(1000);
    // Not yet: the delay runs from the close.
    expect(FakeWebSocket.instances.length).toBe(before + 1);
    await clock.advance(1000);
    expect(FakeWebSocket.instances.length).toBe(before + 2);
    const second = FakeWebSocket.instances.at(-1)!;
    expect(second.url).toBe("wss://example.test/ticks");
    expect(second.binaryType).toBe("arraybuffer");
    second.open();
    second.send("c\n");
    await clock.advance(1000);
    expect(out).toEqual([
      [1000, ["a", "b"]],
      [2000, []],
      [3000, ["c"]],
    ]);
    expect(events).toEqual([
      "started",
      "stopped Restarting receiver with delay 2000ms: the WebSocket to wss://example.test/ticks closed (code 1006)",
      "started",
    ]);
    await ssc.stop();
    expect(second.closedWith).toEqual({ code: 1000, reason: "the streaming context was stopped" });
    expect(events.at(-1)).toBe("stopped stopped with the context");
  });

  it("stopping while waiting to reconnect cancels the reconnection", async () => {
    vi.stubGlobal("WebSocket", FakeWebSocket);
    const { ssc, clock } = run((c) => c.webSocketStream("wss://example.test/ticks", { reconnectDelay: Seconds(5) }), { start: false });
    ssc.start();
    await tick();
    FakeWebSocket.instances.at(-1)!.serverClose(1000, "bye");
    const count = FakeWebSocket.instances.length;
    await clock.advance(1000);
    await ssc.stop();
    await clock.advance(10_000);
    expect(FakeWebSocket.instances.length).toBe(count);
  });

  it("refuses reconnectDelay for a socket passed in, which cannot be opened again", () => {
    const { ssc } = run((c) => c.queueStream<number>([]), { start: false });
    expect(() => ssc.webSocketStream(new FakeWebSocket(), { reconnectDelay: Seconds(1) })).toThrow(RivuletError);
  });
});

