// socketTextStream (src/sources/socket.ts): Spark's socket receiver. Connections are test doubles
// driven step by step under the manual clock, and once a real TCP server of Node's `net`.
import { once } from "node:events";
import { createServer, type Server, type Socket } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { Seconds, type SocketTextStreamOptions, type TcpConnect } from "../../src/index.ts";
import { SocketSource } from "../../src/sources/socket.ts";
import { run, tick } from "./web/harness.ts";
import { advanceUntil } from "../support/advance-until.ts";
import { frame, frames } from "../support/frames.ts";

const enc = new TextEncoder();

/** A connection the test writes to and ends. */
class FakeConnection {
  private controller!: ReadableStreamDefaultController<Uint8Array>;
  cancelled = false;
  readonly readable = new ReadableStream<Uint8Array>({
    start: (c) => void (this.controller = c),
    cancel: () => void (this.cancelled = true),
  });
  send(text: string): void {
    this.sendBytes(enc.encode(text));
  }
  sendBytes(bytes: Uint8Array): void {
    this.controller.enqueue(bytes);
  }
  end(): void {
    this.controller.close();
  }
  fail(message: string): void {
    this.controller.error(new Error(message));
  }
}

/** A `connect` that hands out the connections (or refusals) the test queues, recording each call. */
function fakeServer() {
  const next: (FakeConnection | Error)[] = [];
  const calls: string[] = [];
  const connect: TcpConnect = async (hostname, port) => {
    calls.push(`${hostname}:${port}`);
    const c = next.shift();
    if (!c) throw new Error("connection refused");
    if (c instanceof Error) throw c;
    return c.readable;
  };
  const accept = () => {
    const c = new FakeConnection();
    next.push(c);
    return c;
  };
  return { connect, accept, calls };
}

function socketRun(connect: TcpConnect, options: SocketTextStreamOptions = {}) {
  return run((ssc) => ssc.socketTextStream("localhost", 9999, { connect, ...options }));
}

describe("socketTextStream", () => {
  it("gives the lines a server sends, cut across chunks, in the batch of the interval they arrived in", async () => {
    const server = fakeServer();
    const conn = server.accept();
    const { clock, out, infos, events } = socketRun(server.connect);
    await tick();
    conn.send("to be or\nnot to");
    conn.send(" be\nthat is\n");
    await clock.advance(1000);
    conn.send("the question\n");
    await clock.advance(1000);
    expect(out).toEqual([
      [1000, ["to be or", "not to be", "that is"]],
      [2000, ["the question"]],
    ]);
    expect(infos[0]).toMatchObject({ name: "socketTextStream", numRecords: 3 });
    expect(events).toEqual(["started"]);
    expect(server.calls).toEqual(["localhost:9999"]);
  });

  it("ends a connection's last line with it, reports the close and connects again after reconnectDelay on the context's clock", async () => {
    const server = fakeServer();
    const first = server.accept();
    const { clock, out, events } = socketRun(server.connect, { reconnectDelay: Seconds(3) });
    await tick();
    first.send("a\nb");
    first.end();
    const second = server.accept();
    await clock.advance(1000);
    expect(server.calls).toHaveLength(1);
    await clock.advance(1000);
    expect(server.calls).toHaveLength(1);
    await clock.advance(1000); // 3 s after the close, at 0 ms
    expect(server.calls).toHaveLength(2);
    second.send("c\n");
    await clock.advance(1000);
    expect(out.map(([, records]) => records)).toEqual([["a", "b"], [], [], ["c"]]);
    // As Spark's socket receiver restart()s: stopped (inactive) during the delay, then started.
    expect(events).toEqual(["started", "stopped Restarting receiver with delay 3000ms: socketTextStream: the connection to localhost:9999 was closed by the server", "started"]);
  });

  it("reports a refused connection and tries again every 2 s by default (Spark's receiver restart delay)", async () => {
    const server = fakeServer();
    const { clock, out, stopped } = socketRun(server.connect);
    await tick();
    expect(server.calls).toHaveLength(1);
    await clock.advance(2000);
    expect(server.calls).toHaveLength(2);
    const conn = server.accept();
    await clock.advance(2000);
    expect(server.calls).toHaveLength(3);
    conn.send("up\n");
    await clock.advance(1000);
    expect(out.flatMap(([, r]) => r)).toEqual(["up"]);
    expect(stopped.map((e) => e.lastErrorMessage)).toEqual([
      "Restarting receiver with delay 2000ms: socketTextStream: could not connect to localhost:9999: connection refused",
      "Restarting receiver with delay 2000ms: socketTextStream: could not connect to localhost:9999: connection refused",
    ]);
    expect(stopped[0]!.lastError).toBeInstanceOf(Error);
    expect(stopped[0]!.active).toBe(false);
  });

  it("after a failed connection, goes on with the next one (the failed one's last line ended)", async () => {
    const server = fakeServer();
    const first = server.accept();
    const second = server.accept();
    const { clock, out, stopped } = socketRun(server.connect, { reconnectDelay: Seconds(1) });
    await tick();
    first.send("x\npartial");
    first.fail("connection reset");
    await clock.advance(1000);
    second.send("y\n");
    await clock.advance(1000);
    expect(out.flatMap(([, r]) => r)).toEqual(["x", "partial", "y"]);
    expect(stopped.map((e) => e.lastErrorMessage)).toEqual([
      "Restarting receiver with delay 1000ms: socketTextStream: the connection to localhost:9999 failed: connection reset",
    ]);
  });

  it("with reconnectDelay: false, the first close ends the stream, and a refused connection fails it; the context runs on", async () => {
    const server = fakeServer();
    const conn = server.accept();
    const ended = socketRun(server.connect, { reconnectDelay: false });
    await tick();
    conn.send("last");
    conn.end();
    await ended.clock.advance(3000);
    expect(ended.out.flatMap(([, r]) => r)).toEqual(["last"]);
    expect(ended.events).toEqual(["started", "stopped the stream ended"]);
    expect(server.calls).toHaveLength(1);
    await ended.ssc.stop();

    const refused = socketRun(fakeServer().connect, { reconnectDelay: false });
    await tick();
    await refused.clock.advance(1000);
    expect(refused.stopped).toHaveLength(1);
    expect(refused.stopped[0]!.lastError).toMatchObject({ code: "SOURCE_FAILED", message: "socketTextStream: could not connect to localhost:9999: connection refused" });
    expect(refused.out).toEqual([[1000, []]]);
  });

  it("stops waiting to connect again when the context stops, and closes an open connection", async () => {
    const server = fakeServer();
    const refusedFirst = socketRun(server.connect);
    await tick();
    await refusedFirst.ssc.stop();
    await refusedFirst.clock.advance(10_000);
    expect(server.calls).toHaveLength(1);

    const conn = server.accept();
    const open = socketRun(server.connect);
    await tick();
    await open.ssc.stop();
    expect(conn.cancelled).toBe(true);
  });

  it("refuses a bad hostname, port or reconnectDelay, and says what to do where the runtime has no sockets", () => {
    const { connect } = fakeServer();
    const make = (host: string, port: number, options: SocketTextStreamOptions = {}, platform: TcpConnect | "none" = connect) => () =>
      new SocketSource(host, port, options, platform === "none" ? undefined : platform);
    expect(make("", 1)).toThrowError(expect.objectContaining({ code: "INVALID_ARGUMENT" }));
    expect(make("localhost", 0)).toThrowError(expect.objectContaining({ code: "INVALID_ARGUMENT", message: expect.stringContaining("port") }));
    expect(make("localhost", 70000)).toThrowError(expect.objectContaining({ code: "INVALID_ARGUMENT" }));
    expect(make("localhost", 1, { reconnectDelay: 2000 as unknown as false })).toThrowError(expect.objectContaining({ code: "INVALID_ARGUMENT" }));
    expect(make("localhost", 1, {}, "none")).toThrowError(expect.objectContaining({ code: "UNSUPPORTED", message: expect.stringContaining("cloudflare:sockets") }));
    expect(make("localhost", 1, { connect }, "none")).not.toThrow();
  });
});

describe("socketTextStream over Node's net", () => {
  let server: Server | undefined;
  afterEach(async () => {
    server?.close();
    server = undefined;
  });

  it("reads the lines of a real TCP server (nc -lk 9999), the last one ended by the server's close", async () => {
    const sockets: Socket[] = [];
    server = createServer((socket) => {
      sockets.push(socket);
      socket.end("hello world\nhello rivulet\nbye");
    });
    server.listen(0, "127.0.0.1");
    await once(server, "listening");
    const { port } = server.address() as { port: number };
    const { clock, out } = run((ssc) => ssc.socketTextStream("127.0.0.1", port, { reconnectDelay: false }));
    // Real I/O: advance until the lines have arrived, rather than guess how long they take.
    await advanceUntil(clock, () => {
      expect(out.flatMap(([, r]) => r)).toEqual(["hello world", "hello rivulet", "bye"]);
    });
    expect(sockets).toHaveLength(1);
  });
});

/** A fake connection's bytes, sent in pieces cut at `cuts`. */
function sendCut(conn: FakeConnection, bytes: Uint8Array, ...cuts: number[]): void {
  let from = 0;
  for (const to of [...cuts, bytes.length]) {
    conn.sendBytes(bytes.slice(from, to));
    from = to;
  }
}

describe("socketStream (a converter for protocols other than lines)", () => {
  it("gives the records the converter makes of the bytes, frames cut across chunks, in the batch they arrived in", async () => {
    const server = fakeServer();
    const conn = server.accept();
    const { clock, out, infos } = run((ssc) => ssc.socketStream("localhost", 9999, frames, { connect: server.connect }));
    await tick();
    sendCut(conn, frame("größe", "東京", "a"), 3, 9);
    await clock.advance(1000);
    sendCut(conn, frame("__proto__"), 1);
    await clock.advance(1000);
    expect(out).toEqual([
      [1000, ["größe", "東京", "a"]],
      [2000, ["__proto__"]],
    ]);
    expect(infos[0]).toMatchObject({ name: "socketStream", numRecords: 3 });
  });

  it("reports a converter that throws and connects again after reconnectDelay, as Spark restarts the receiver", async () => {
    const server = fakeServer();
    const first = server.accept();
    const { clock, out, events } = run((ssc) => ssc.socketStream("localhost", 9999, frames, { connect: server.connect }));
    await tick();
    sendCut(first, new Uint8Array([...frame("ok"), 0, 1, 2]));
    const second = server.accept();
    await clock.advance(1000);
    expect(first.cancelled).toBe(true); // the bytes of the failed connection are let go
    await clock.advance(1000); // 2 s after the failure
    sendCut(second, frame("again"));
    await clock.advance(1000);
    expect(out.map(([, r]) => r)).toEqual([["ok"], [], ["again"]]);
    expect(events).toEqual(["started", "stopped Restarting receiver with delay 2000ms: socketStream: the connection to localhost:9999 failed: empty frame at byte 3", "started"]);
    expect(server.calls).toHaveLength(2);
  });

  it("takes a converter that gives a stream (here the decoded text) or a plain iterable", async () => {
    const server = fakeServer();
    const conn = server.accept();
    const decoded = run((ssc) => ssc.socketStream("localhost", 9999, (bytes) => bytes.pipeThrough(new TextDecoderStream() as unknown as ReadableWritablePair<string, Uint8Array>), { connect: server.connect, reconnectDelay: false }));
    await tick();
    conn.send("hé");
    conn.end();
    await decoded.clock.advance(1000);
    expect(decoded.out).toEqual([[1000, ["hé"]]]);
    await decoded.ssc.stop();

    const other = fakeServer();
    other.accept();
    const fixed = run((ssc) => ssc.socketStream("localhost", 9999, () => [1, 2, 3], { connect: other.connect, reconnectDelay: false }));
    await tick();
    await fixed.clock.advance(1000);
    expect(fixed.out).toEqual([[1000, [1, 2, 3]]]);
  });

  it("lets the connection go on stop while the converter waits for bytes, and after a converter that ignores them", async () => {
    const server = fakeServer();
    const waiting = server.accept();
    const first = run((ssc) => ssc.socketStream("localhost", 9999, frames, { connect: server.connect }));
    await tick();
    sendCut(waiting, frame("x").subarray(0, 1)); // half a frame: the generator waits for more
    await first.clock.advance(1000);
    await first.ssc.stop();
    expect(waiting.cancelled).toBe(true);

    const other = fakeServer();
    const ignored = other.accept();
    const second = run((ssc) => ssc.socketStream("localhost", 9999, () => ["fixed"], { connect: other.connect, reconnectDelay: false }));
    await tick();
    await second.clock.advance(1000);
    expect(second.out).toEqual([[1000, ["fixed"]]]);
    expect(ignored.cancelled).toBe(true);
  });

  it("refuses a converter that is not a function", () => {
    expect(() => run((ssc) => ssc.socketStream("localhost", 9999, "frames" as never, { connect: fakeServer().connect }), { start: false })).toThrow(/converter must be a function/);
  });

  it("reads the frames of a real TCP server", async () => {
    const server = createServer((socket) => socket.end(frame("one", "two", "three")));
    server.listen(0, "127.0.0.1");
    await once(server, "listening");
    try {
      const { port } = server.address() as { port: number };
      const { clock, out } = run((ssc) => ssc.socketStream("127.0.0.1", port, frames, { reconnectDelay: false }));
      await advanceUntil(clock, () => {
        expect(out.flatMap(([, r]) => r)).toEqual(["one", "two", "three"]);
      });
    } finally {
      server.close();
    }
  });
});
