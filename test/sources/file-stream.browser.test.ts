// textFileStream in real headless Chromium over the origin private file system (OPFS): files
// written with createWritable() appear atomically on close(), with File.lastModified in
// milliseconds since the epoch, so a ManualClock set to real times drives the batches.
import { afterEach, describe, expect, it } from "vitest";
import { ManualClock, Seconds, StreamingContext, type TextFileStreamOptions } from "../../src/index.ts";

const contexts: StreamingContext[] = [];
const made: string[] = [];
let counter = 0;

afterEach(async () => {
  for (const ssc of contexts.splice(0)) await ssc.stop();
  const root = await navigator.storage.getDirectory();
  for (const name of made.splice(0)) await root.removeEntry(name, { recursive: true });
});

async function freshDirectory(): Promise<FileSystemDirectoryHandle> {
  const name = `rivulet-files-${Date.now()}-${counter++}`;
  made.push(name);
  return (await navigator.storage.getDirectory()).getDirectoryHandle(name, { create: true });
}

/** Writes `name` (replaced atomically on close) and gives its modification time. */
async function writeFile(dir: FileSystemDirectoryHandle, name: string, text: string): Promise<number> {
  const handle = await dir.getFileHandle(name, { create: true });
  const writable = await handle.createWritable();
  await writable.write(text);
  await writable.close();
  return (await handle.getFile()).lastModified;
}

/** A started context at `start` over `dir`; every batch's lines collected. */
function run(dir: FileSystemDirectoryHandle, start: number, options: TextFileStreamOptions = {}) {
  const clock = new ManualClock(start);
  const ssc = new StreamingContext({ batchInterval: Seconds(1), clock, parallelism: 2, workers: false });
  contexts.push(ssc);
  const out: [number, string[]][] = [];
  ssc.textFileStream(dir, options).foreachRDD(async (b, t) => void out.push([t, await b.collect()]));
  ssc.start();
  /** Runs the batches up to the first one at or after `time`. */
  const through = (time: number) => clock.setTime(Math.max(clock.now(), Math.ceil(time / 1000) * 1000));
  return { clock, out, through };
}

describe("textFileStream over the origin private file system", () => {
  it("takes the files of the directory in name order, skips hidden ones, and takes a later file once", async () => {
    const dir = await freshDirectory();
    const mb = await writeFile(dir, "b.txt", "b1\nb2\n");
    const ma = await writeFile(dir, "a.txt", "a1\na2");
    await writeFile(dir, ".c.txt.crswap", "in progress\n");
    const { clock, out, through } = run(dir, Date.now(), { newFilesOnly: false });
    await through(Math.max(ma, mb) + 1);
    const md = await writeFile(dir, "d.txt", "d1\n");
    await through(md);
    await clock.advance(2000);
    expect(out.flatMap(([, lines]) => lines)).toEqual(["a1", "a2", "b1", "b2", "d1"]);
    expect(out[0]![1]).toEqual(["a1", "a2", "b1", "b2"]);
  });

  it("ignores the files already there at start (newFilesOnly)", async () => {
    const dir = await freshDirectory();
    const start = await writeFile(dir, "old.txt", "old\n");
    // A later modification time than the old file's, whatever the timer resolution.
    while (Date.now() <= start) await new Promise((resolve) => setTimeout(resolve, 1));
    const { clock, out, through } = run(dir, start);
    const m = await writeFile(dir, "new.txt", "new\n");
    await through(m);
    await clock.advance(1000);
    expect(out.flatMap(([, lines]) => lines)).toEqual(["new"]);
  });

  it("refuses a path: a browser has no file system paths", () => {
    const ssc = new StreamingContext({ batchInterval: Seconds(1), clock: new ManualClock(), workers: false });
    contexts.push(ssc);
    expect(() => ssc.textFileStream("/data/incoming")).toThrow(
      expect.objectContaining({ code: "INVALID_ARGUMENT", message: expect.stringContaining("FileSystemDirectoryHandle") }),
    );
  });
});
