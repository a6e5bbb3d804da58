// examples/custom-receiver.ts, Spark's CustomReceiver: a real TCP server of Node's `net` plays
// `nc -lk 9999`; the batches the example prints are compared whole, and the receiver's log lines
// (Spark's logInfo, console.info here) and restarts as listeners see them.
import { once } from "node:events";
import { createServer, type Server, type Socket } from "node:net";
import { afterEach, beforeEach, describe, expect, it, vi, type MockInstance } from "vitest";
import { CustomReceiver, main } from "../../examples/custom-receiver.ts";
import { ManualClock, Receiver, type StreamingContext } from "../../src/index.ts";
import { advanceUntil } from "../support/advance-until.ts";
import { printed } from "../support/printed.ts";
import { collectingServer } from "../support/line-server.ts";

let server: Server;
let port: number;
/** The server's side of each connection the receiver opened, in order. */
let connections: Socket[];
let ssc: StreamingContext | undefined;
let info: MockInstance<(...data: unknown[]) => void>;

beforeEach(async () => {
  info = vi.spyOn(console, "info").mockImplementation(() => undefined);
  ({ server, port, connections } = await collectingServer());
});

afterEach(async () => {
  await ssc?.stop();
  ssc = undefined;
  // The receiving task stops by itself, as the original's thread does, once its connection ends:
  // the server closes only when the receiver has closed its side too.
  for (const socket of connections) socket.end();
  await new Promise((resolve) => server.close(resolve));
  vi.restoreAllMocks();
});

interface Started {
  clock: ManualClock;
  log: string[];
  /** Receiver events with the clock's time: "started", "stopped <message>". */
  events: [number, string][];
}

/** Starts the example against `port` under a manual clock; what it prints and its receiver's events are collected. */
function start(to = port): Started {
  const clock = new ManualClock();
  const log: string[] = [];
  const events: [number, string][] = [];
  ssc = main("127.0.0.1", to, { clock, log: (text) => log.push(text), parallelism: 2 });
  ssc.addStreamingListener({
    onReceiverStarted: () => void events.push([clock.now(), "started"]),
    onReceiverStopped: (e) => void events.push([clock.now(), `stopped ${e.receiverInfo.lastErrorMessage}`]),
  });
  return { clock, log, events };
}

/** Real I/O: batches go by until one prints records; its time is not known in advance. */
async function advanceUntilCounted(clock: ManualClock, log: string[]): Promise<void> {
  const before = log.length;
  await advanceUntil(clock, () => expect(log.slice(before).some((text) => text.split("\n").length > 4)).toBe(true));
}

/** The lines the receiver logged (Spark's logInfo). */
const infoLines = () => info.mock.calls.map(([line]) => line);

describe("CustomReceiver", () => {
  it("is a Receiver of strings", () => {
    expect(new CustomReceiver("localhost", 9999)).toBeInstanceOf(Receiver);
  });

  it("stores the lines the server sends and prints each second's word counts", async () => {
    const { clock, log, events } = start();
    await advanceUntil(clock, () => expect(connections).toHaveLength(1));
    connections[0]!.write("hello world\r\nhello receiver\n");
    await advanceUntilCounted(clock, log);
    const at = log.length * 1000;
    expect(log).toEqual([...log.slice(0, -1).map((_, i) => printed((i + 1) * 1000)), printed(at, "(hello,2)", "(world,1)", "(receiver,1)")]);
    expect(infoLines()).toEqual([`Connecting to 127.0.0.1 : ${port}`, `Connected to 127.0.0.1 : ${port}`]);
    expect(events).toEqual([[0, "started"]]);
  });

  it("on the server's close, stores the last line, restarts ('Trying to connect again') 2 s later and counts what the next connection sends", async () => {
    const { clock, log, events } = start();
    await advanceUntil(clock, () => expect(connections).toHaveLength(1));
    connections[0]!.write("first\n");
    await advanceUntilCounted(clock, log);
    const first = log.length * 1000;
    // A last line without '\n' is a line, as BufferedReader.readLine returns it at the end of the stream.
    connections[0]!.end("last");
    await advanceUntilCounted(clock, log);
    const last = log.length * 1000;
    await advanceUntil(clock, () => expect(connections).toHaveLength(2));
    connections[1]!.write("second\n");
    await advanceUntilCounted(clock, log);
    expect(log.filter((text) => text.split("\n").length > 4)).toEqual([printed(first, "(first,1)"), printed(last, "(last,1)"), printed(log.length * 1000, "(second,1)")]);
    expect(infoLines()).toEqual([
      `Connecting to 127.0.0.1 : ${port}`,
      `Connected to 127.0.0.1 : ${port}`,
      "Stopped receiving",
      `Connecting to 127.0.0.1 : ${port}`,
      `Connected to 127.0.0.1 : ${port}`,
    ]);
    const closed = events[1]![0];
    expect(events).toEqual([
      [0, "started"],
      [closed, "stopped Restarting receiver with delay 2000ms: Trying to connect again"],
      [closed + 2000, "started"],
    ]);
  });

  it("restarts with 'Error connecting to host : port' when the connection is refused, and tries again every 2 s", async () => {
    const closed = createServer();
    closed.listen(0, "127.0.0.1");
    await once(closed, "listening");
    const refusing = (closed.address() as { port: number }).port;
    await new Promise((resolve) => closed.close(resolve));
    const { clock, log, events } = start(refusing);
    const stopped = `stopped Restarting receiver with delay 2000ms: Error connecting to 127.0.0.1 : ${refusing}`;
    // The refusal arrives in real time, the clock standing still meanwhile.
    await vi.waitFor(() => expect(events).toHaveLength(2), { timeout: 5000, interval: 1 });
    await clock.advance(2000);
    await vi.waitFor(() => expect(events).toHaveLength(4), { timeout: 5000, interval: 1 });
    expect(events).toEqual([
      [0, "started"],
      [0, stopped],
      [2000, "started"],
      [2000, stopped],
    ]);
    expect(infoLines()).toEqual([`Connecting to 127.0.0.1 : ${refusing}`, `Connecting to 127.0.0.1 : ${refusing}`]);
    expect(log).toEqual([printed(1000), printed(2000)]);
  });

  it("restarts with 'Error receiving data' when the connection is reset", async () => {
    const { clock, events } = start();
    await advanceUntil(clock, () => expect(connections).toHaveLength(1));
    connections[0]!.resetAndDestroy();
    await advanceUntil(clock, () => expect(events).toHaveLength(2));
    expect(events[1]![1]).toBe("stopped Restarting receiver with delay 2000ms: Error receiving data");
    expect(infoLines()).not.toContain("Stopped receiving");
  });
});
