// examples/network-word-count.ts, Spark's NetworkWordCount: a real TCP server of Node's `net`
// plays `nc -lk 9999`, and the batches the example prints are compared whole.
import type { Server, Socket } from "node:net";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { main } from "../../examples/network-word-count.ts";
import { ManualClock, type StreamingContext } from "../../src/index.ts";
import { advanceUntil } from "../support/advance-until.ts";
import { printed } from "../support/printed.ts";
import { collectingServer } from "../support/line-server.ts";

let server: Server;
let port: number;
/** The server's side of each connection the example opened, in order. */
let connections: Socket[];
let ssc: StreamingContext | undefined;

beforeEach(async () => {
  ({ server, port, connections } = await collectingServer());
});

afterEach(async () => {
  await ssc?.stop();
  ssc = undefined;
  for (const socket of connections) socket.destroy();
  await new Promise((resolve) => server.close(resolve));
});

/** Starts the example against the server under a manual clock; what it prints is collected. */
function start(): { clock: ManualClock; log: string[] } {
  const clock = new ManualClock();
  const log: string[] = [];
  ssc = main("127.0.0.1", port, { clock, log: (text) => log.push(text), parallelism: 2 });
  return { clock, log };
}

/** The batches printed while the socket's bytes were on their way: a header and nothing else. */
const emptyUntil = (log: string[]) => log.slice(0, -1).map((_, i) => printed((i + 1) * 1000));

/** Real I/O: batches go by until one prints records; its time is not known in advance. */
async function advanceUntilCounted(clock: ManualClock, log: string[]): Promise<void> {
  const before = log.length;
  await advanceUntil(clock, () => expect(log.slice(before).some((text) => text.split("\n").length > 4)).toBe(true));
}

describe("NetworkWordCount", () => {
  it("prints each second's word counts of the lines the server sends", async () => {
    const { clock, log } = start();
    await advanceUntil(clock, () => expect(connections).toHaveLength(1));
    connections[0]!.write("hello world\nhello rivulet\n");
    await advanceUntilCounted(clock, log);
    const at = log.length * 1000;
    expect(log).toEqual([...emptyUntil(log), printed(at, "(hello,2)", "(world,1)", "(rivulet,1)")]);

    // The next second's lines are counted on their own: reduceByKey is per batch.
    connections[0]!.write("hello again\n");
    await advanceUntilCounted(clock, log);
    expect(log.slice(at / 1000)).toEqual([...log.slice(at / 1000, -1).map((_, i) => printed(at + (i + 1) * 1000)), printed(log.length * 1000, "(hello,1)", "(again,1)")]);
  });

  it("prints the first ten pairs of a batch and then '...', as Spark's print()", async () => {
    const { clock, log } = start();
    await advanceUntil(clock, () => expect(connections).toHaveLength(1));
    connections[0]!.write("to be or not to be\nthat is the question\nwhether tis nobler in the mind\n");
    await advanceUntilCounted(clock, log);
    expect(log.at(-1)).toBe(
      printed(log.length * 1000, "(be,2)", "(not,1)", "(the,2)", "(whether,1)", "(mind,1)", "(to,2)", "(or,1)", "(that,1)", "(is,1)", "(question,1)", "..."),
    );
  });

  it("counts the empty words that split(\" \") makes of repeated and trailing spaces", async () => {
    const { clock, log } = start();
    await advanceUntil(clock, () => expect(connections).toHaveLength(1));
    // JavaScript's split keeps the trailing empty string, which Java's split(" ") drops: Spark
    // would print (,1) here, for the doubled space only.
    connections[0]!.write("a  b \n");
    await advanceUntilCounted(clock, log);
    expect(log.at(-1)).toBe(printed(log.length * 1000, "(a,1)", "(,2)", "(b,1)"));
  });

  it("connects again 2 s after the server closes the connection, and counts what the next one sends", async () => {
    const { clock, log } = start();
    const events: [number, string][] = [];
    ssc!.addStreamingListener({
      onReceiverStarted: () => void events.push([clock.now(), "started"]),
      onReceiverStopped: (e) => void events.push([clock.now(), `stopped ${e.receiverInfo.lastErrorMessage}`]),
    });
    await advanceUntil(clock, () => expect(connections).toHaveLength(1));
    connections[0]!.end("first\n");
    await advanceUntilCounted(clock, log);
    const first = log.length * 1000;
    expect(log.at(-1)).toBe(printed(first, "(first,1)"));

    await advanceUntil(clock, () => expect(connections).toHaveLength(2));
    connections[1]!.write("second\n");
    await advanceUntilCounted(clock, log);
    expect(log.filter((text) => text.split("\n").length > 4)).toEqual([printed(first, "(first,1)"), printed(log.length * 1000, "(second,1)")]);
    // Spark's receiver restart delay, 2 s on the context's clock.
    const closed = events[1]![0];
    expect(events).toEqual([
      [0, "started"],
      [closed, `stopped Restarting receiver with delay 2000ms: socketTextStream: the connection to 127.0.0.1:${port} was closed by the server`],
      [closed + 2000, "started"],
    ]);
  });
});
