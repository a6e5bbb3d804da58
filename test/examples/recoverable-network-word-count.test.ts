// examples/recoverable-network-word-count.ts, the port of Spark's RecoverableNetworkWordCount,
// over a real TCP server of Node's `net` (the example's `nc -lk 9999`), a FileCheckpointStore in
// a temporary directory and a temporary output file, under manual clocks.
//
// Data over a socket arrives in event-loop turns a test cannot count. So the server sends each
// batch's lines on a connection of its own and closes it; the receiver reports the close (Spark's
// receiver restart) once it holds every line, and only then is the clock advanced: each batch
// gets exactly the lines sent for it. The receiver connects again 2 s later on the context's
// clock (Spark's restart delay), so a batch of data is followed by an empty one.
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { ManualClock, type StreamingContext } from "../../src/index.ts";
import { LineServer } from "../support/line-server.ts";

type Example = typeof import("../../examples/recoverable-network-word-count.ts");

let drivers = 0;

/**
 * The example as a driver process loads it: a module instance of its own, so that its singletons
 * (the exclusion list, the accumulator) start unset, as in a new JVM. The library's modules are
 * shared.
 */
async function driverProcess(): Promise<Example> {
  const specifier = `../../examples/recoverable-network-word-count.ts?driver=${++drivers}`;
  return (await import(/* @vite-ignore */ specifier)) as Example;
}

const contexts: StreamingContext[] = [];
let server: LineServer | undefined;
let directory: string | undefined;

afterEach(async () => {
  for (const ssc of contexts.splice(0)) await ssc.stop();
  await server?.close();
  if (directory) await rm(directory, { recursive: true, force: true });
  server = directory = undefined;
});

interface Setup {
  port: number;
  checkpointDirectory: string;
  outputPath: string;
}

async function setUp(): Promise<Setup> {
  server = new LineServer();
  const port = await server.listen();
  directory = await mkdtemp(join(tmpdir(), "rivulet-recoverable-wc-"));
  return { port, checkpointDirectory: join(directory, "checkpoint"), outputPath: join(directory, "out") };
}

/** One driver: `main` of `example` on a manual clock from `startTime`, its printed lines, and `send` for one batch's lines. */
async function driver(example: Example, { port, checkpointDirectory, outputPath }: Setup, startTime = 0) {
  const clock = new ManualClock(startTime);
  const printed: string[] = [];
  const ssc = await example.main("127.0.0.1", port, checkpointDirectory, outputPath, {
    clock,
    parallelism: 2,
    log: (text) => void printed.push(text),
  });
  contexts.push(ssc);
  const checkpoints: number[] = [];
  ssc.addStreamingListener({ onCheckpointCompleted: ({ time }) => void checkpoints.push(time) });
  const send = server!.sender(ssc);
  return { ssc, clock, printed, send, checkpoints };
}

/** What the example prints for one batch. */
function printedBatch(outputPath: string, time: number, counts: string, dropped: number): string[] {
  return [`Counts at time ${time} ms [${counts}]`, `Dropped ${dropped} word(s) totally`, `Appending to ${outputPath}`];
}

describe("RecoverableNetworkWordCount", () => {
  it("creates a new context without a checkpoint: deletes the old output, then appends each batch's counts without the excluded words", async () => {
    const setup = await setUp();
    const { outputPath } = setup;
    await writeFile(outputPath, "Counts of an earlier run\n");
    const example = await driverProcess();
    const { ssc, clock, printed, send, checkpoints } = await driver(example, setup);
    expect(printed).toEqual(["Creating new context"]);
    await expect(readFile(outputPath, "utf8")).rejects.toMatchObject({ code: "ENOENT" });

    await send("a b hello\nhello world a\n");
    await clock.advance(1000);
    await clock.advance(1000); // the receiver connects again
    await send("c rivulet\nrivulet world\n");
    await clock.advance(1000);

    // Each batch's pairs in partition order (parallelism 2, keys placed by MurmurHash3).
    expect(printed.slice(1)).toEqual([
      ...printedBatch(outputPath, 1000, "(hello,2), (world,1)", 3),
      ...printedBatch(outputPath, 2000, "", 3),
      ...printedBatch(outputPath, 3000, "(rivulet,2), (world,1)", 4),
    ]);
    expect(await readFile(outputPath, "utf8")).toBe(
      "Counts at time 1000 ms [(hello,2), (world,1)]\n" + "Counts at time 2000 ms []\n" + "Counts at time 3000 ms [(rivulet,2), (world,1)]\n",
    );
    expect(example.DroppedWordsCounter.getInstance(ssc).value).toBe(4);
    // Without stateful streams, a checkpoint (the metadata, in Spark) is written after every batch.
    await vi.waitFor(() => expect(checkpoints).toEqual([1000, 2000, 3000]), { timeout: 5000, interval: 5 });
  });

  it("recovers from the checkpoint after a crash: not created again, the output kept and continued", async () => {
    const setup = await setUp();
    const { outputPath } = setup;
    const first = await driver(await driverProcess(), setup);
    await first.send("a hello\nhello b\n");
    await first.clock.advance(1000);
    await first.clock.advance(1000);
    await first.send("world\n");
    await first.clock.advance(1000);
    await vi.waitFor(() => expect(first.checkpoints).toContain(3000), { timeout: 5000, interval: 5 });
    // The crash: nothing more is processed or checkpointed.
    await first.ssc.stop();
    expect(first.printed).toEqual([
      "Creating new context",
      ...printedBatch(outputPath, 1000, "(hello,2)", 2),
      ...printedBatch(outputPath, 2000, "", 2),
      ...printedBatch(outputPath, 3000, "(world,1)", 2),
    ]);

    // A new driver process, down for a second: the batch at 4000 it missed is made at once.
    const second = await driver(await driverProcess(), setup, 4000);
    expect(second.printed).toEqual([]);
    await second.clock.advance(0);
    await second.send("c world hello\nworld\n");
    await second.clock.advance(1000);
    // The accumulator is not checkpointed: the new driver's singleton registers a new one, from 0.
    expect(second.printed).toEqual([
      ...printedBatch(outputPath, 4000, "", 0),
      ...printedBatch(outputPath, 5000, "(world,2), (hello,1)", 1),
    ]);
    expect(await readFile(outputPath, "utf8")).toBe(
      "Counts at time 1000 ms [(hello,2)]\n" +
        "Counts at time 2000 ms []\n" +
        "Counts at time 3000 ms [(world,1)]\n" +
        "Counts at time 4000 ms []\n" +
        "Counts at time 5000 ms [(world,2), (hello,1)]\n",
    );
  });
});
