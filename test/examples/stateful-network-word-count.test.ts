// examples/stateful-network-word-count.ts, the port of Spark's StatefulNetworkWordCount, over a
// real TCP server of Node's `net` (the example's `nc -lk 9999`) under a manual clock.
//
// Data over a socket arrives in event-loop turns a test cannot count. So the server sends each
// batch's lines on a connection of its own and closes it; the receiver reports the close (Spark's
// receiver restart) once it holds every line, and only then is the clock advanced: each batch
// gets exactly the lines sent for it. The receiver connects again 2 s later on the context's
// clock (Spark's restart delay), so a batch of data is followed by an empty one.
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { ManualClock, type StreamingContext } from "../../src/index.ts";
import { main } from "../../examples/stateful-network-word-count.ts";
import { LineServer } from "../support/line-server.ts";

let ssc: StreamingContext | undefined;
let server: LineServer | undefined;
let checkpointDirectory: string | undefined;

afterEach(async () => {
  await ssc?.stop();
  await server?.close();
  if (checkpointDirectory) await rm(checkpointDirectory, { recursive: true, force: true });
  ssc = server = checkpointDirectory = undefined;
});

/** Runs the example against a fresh server; `send(text)` delivers one batch's lines. */
async function start() {
  server = new LineServer();
  const port = await server.listen();
  checkpointDirectory = await mkdtemp(join(tmpdir(), "rivulet-stateful-wc-"));
  const clock = new ManualClock();
  const printed: string[] = [];
  ssc = main("127.0.0.1", port, { clock, parallelism: 2, log: (text) => void printed.push(text), checkpointDirectory });
  const send = server.sender(ssc);
  return { clock, printed, send, directory: checkpointDirectory };
}

/** Spark's `print()` of one batch. */
function printedBatch(time: number, ...records: string[]): string {
  const rule = "-------------------------------------------";
  return [rule, `Time: ${time} ms`, rule, ...records, ""].join("\n");
}

describe("StatefulNetworkWordCount", () => {
  // Records come partition by partition (parallelism 2, keys placed by MurmurHash3), a key's
  // values in the order they arrived.
  it("prints each word's running count, from the initial state, for the words of each batch only", async () => {
    const { clock, printed, send } = await start();
    await send("hello world\nhello\n");
    await clock.advance(1000);
    await clock.advance(1000); // the receiver connects again
    await send("rivulet hello\n");
    await clock.advance(1000);
    await clock.advance(1000);
    await send("world world\nrivulet\n");
    await clock.advance(1000);
    expect(printed).toEqual([
      // "hello" and "world" start at 1 (the initial state); each value is mapped as it comes.
      printedBatch(1000, "(hello,2)", "(hello,3)", "(world,2)"),
      printedBatch(2000),
      // Only the keys of the batch are mapped: "world" is kept, not printed.
      printedBatch(3000, "(rivulet,1)", "(hello,4)"),
      printedBatch(4000),
      printedBatch(5000, "(world,3)", "(world,4)", "(rivulet,2)"),
    ]);
  });

  it("counts words split on single spaces, as Spark's split(\" \"): an empty line is the word \"\"", async () => {
    const { clock, printed, send } = await start();
    await send("a  b\n\n");
    await clock.advance(1000);
    expect(printed).toEqual([printedBatch(1000, "(a,1)", "(,1)", "(,2)", "(b,1)")]);
  });

  it("prints at most ten records of a batch, then ...", async () => {
    const { clock, printed, send } = await start();
    await send("w w w w w w w w w w w w\n");
    await clock.advance(1000);
    const counts = Array.from({ length: 10 }, (_, i) => `(w,${i + 1})`);
    expect(printed).toEqual([printedBatch(1000, ...counts, "...")]);
  });

  it("checkpoints its state to the checkpoint directory, every 10 batches as Spark's mapWithState", async () => {
    const { clock, printed, send, directory } = await start();
    await send("hello\n");
    await clock.advance(9000);
    expect(await readdir(directory)).toEqual([]);
    await clock.advance(1000);
    expect((await readdir(directory)).length).toBeGreaterThan(0);
    expect(printed[0]).toBe(printedBatch(1000, "(hello,2)"));
    expect(printed).toHaveLength(10);
  });
});
