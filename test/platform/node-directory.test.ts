// textFileStream over a directory of the file system (Node): the directory itself, then a
// context under a ManualClock with modification times set by utimes, then the system clock.
import { mkdir, mkdtemp, rename, rm, symlink, utimes, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { nodeDirectory } from "../../src/platform/node-directory.ts";
import { ManualClock, Milliseconds, Seconds, StreamingContext } from "../../src/index.ts";

/** A batch time on the real scale of file modification times (the clock is manual: nothing waits for it). */
const T0 = 1_700_000_000_000;

let root: string;
const contexts: StreamingContext[] = [];

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), "rivulet-file-stream-"));
});

afterEach(async () => {
  for (const ssc of contexts.splice(0)) await ssc.stop();
  await rm(root, { recursive: true, force: true });
});

/** Writes `name` as a writer should: under a hidden name, then renamed into place; modified at `time`. */
async function moveIn(name: string, text: string, time: number): Promise<void> {
  const temp = join(root, `.${name}.tmp`);
  await writeFile(temp, text);
  await utimes(temp, new Date(time), new Date(time));
  await rename(temp, join(root, name));
}

describe("nodeDirectory", () => {
  it("lists the files (not subdirectories) with their modification time in ms and size, and reads them", async () => {
    await moveIn("a.txt", "alpha\n", T0 + 500);
    await writeFile(join(root, "b.txt"), "");
    await utimes(join(root, "b.txt"), new Date(T0 + 1234), new Date(T0 + 1234));
    await mkdir(join(root, "sub"));
    await symlink(join(root, "a.txt"), join(root, "link.txt"));
    await symlink(join(root, "missing"), join(root, "dangling.txt"));
    const dir = nodeDirectory(root);
    const entries = [...(await dir.list())].sort((x, y) => (x.name < y.name ? -1 : 1));
    expect(entries).toEqual([
      { name: "a.txt", modifiedTime: T0 + 500, size: 6 },
      { name: "b.txt", modifiedTime: T0 + 1234, size: 0 },
      { name: "link.txt", modifiedTime: T0 + 500, size: 6 },
    ]);
    expect(new TextDecoder().decode(await dir.read("a.txt"))).toBe("alpha\n");
  });

  it("accepts a file: URL, and refuses other URLs, empty paths and names outside the directory", async () => {
    await moveIn("a.txt", "a\n", T0);
    expect((await nodeDirectory(pathToFileURL(root)).list()).map((e) => e.name)).toEqual(["a.txt"]);
    expect(() => nodeDirectory(new URL("https://example.com/data/"))).toThrow(expect.objectContaining({ code: "INVALID_ARGUMENT" }));
    expect(() => nodeDirectory("")).toThrow(expect.objectContaining({ code: "INVALID_ARGUMENT" }));
    const dir = nodeDirectory(join(root, "sub"));
    for (const name of ["../a.txt", "..", "x/y", ""]) await expect(dir.read(name)).rejects.toMatchObject({ code: "INVALID_ARGUMENT" });
  });

  it("rejects reading a file that is gone, and listing a directory that does not exist", async () => {
    const dir = nodeDirectory(join(root, "nope"));
    await expect(dir.list()).rejects.toMatchObject({ code: "ENOENT" });
    await expect(nodeDirectory(root).read("gone.txt")).rejects.toMatchObject({ code: "ENOENT" });
  });
});

describe("textFileStream over a directory path", () => {
  /** A started context at T0 with a textFileStream over `path`; batches and reported errors collected. */
  function run(path: string | URL) {
    const clock = new ManualClock(T0);
    const ssc = new StreamingContext({ batchInterval: Seconds(1), clock, parallelism: 2, workers: false });
    contexts.push(ssc);
    const out: [number, string[]][] = [];
    const errors: string[] = [];
    ssc.addStreamingListener({ onReceiverError: (e) => void errors.push(e.receiverInfo.lastErrorMessage) });
    ssc.textFileStream(path).foreachRDD(async (b, t) => void out.push([t - T0, await b.collect()]));
    ssc.start();
    return { clock, out, errors };
  }

  it("takes the files moved into the directory, each in the batch of its modification time", async () => {
    await moveIn("old.txt", "old\n", T0 - 1000);
    await mkdir(join(root, "sub"));
    const { clock, out } = run(root);
    await moveIn("b.txt", "b1\nb2", T0 + 700);
    await moveIn("a.txt", "a1\r\n", T0 + 200);
    await clock.advance(1000);
    await moveIn("c.txt", "c1\n", T0 + 1500);
    await writeFile(join(root, ".d.txt.tmp"), "still being written\n");
    await clock.advance(1000);
    expect(out).toEqual([
      [1000, ["a1", "b1", "b2"]],
      [2000, ["c1"]],
    ]);
  });

  it("reports a directory that does not exist yet, and takes its files once it does", async () => {
    const path = join(root, "later");
    const { clock, out, errors } = run(pathToFileURL(path));
    await clock.advance(2000);
    await mkdir(path);
    await writeFile(join(path, "x.txt"), "x\n");
    await utimes(join(path, "x.txt"), new Date(T0 + 2500), new Date(T0 + 2500));
    await clock.advance(1000);
    expect(out).toEqual([
      [1000, []],
      [2000, []],
      [3000, ["x"]],
    ]);
    expect(errors).toEqual([expect.stringContaining("listing the directory failed: ENOENT")]);
  });

  it("polls the directory with the system clock, file modification times on the same scale", async () => {
    const ssc = new StreamingContext({ batchInterval: Milliseconds(100), parallelism: 1, workers: false });
    contexts.push(ssc);
    const seen: string[] = [];
    let arrived!: () => void;
    const done = new Promise<void>((resolve) => (arrived = resolve));
    ssc.textFileStream(root).foreachRDD(async (b) => {
      seen.push(...(await b.collect()));
      if (seen.length >= 2) arrived();
    });
    ssc.start();
    const temp = join(root, ".f.txt.tmp");
    await writeFile(temp, "f1\nf2\n");
    // Modified now, a moment after the start, whatever the file system's timestamp precision.
    const now = new Date(Date.now() + 1);
    await utimes(temp, now, now);
    await rename(temp, join(root, "f.txt"));
    await done;
    expect(seen).toEqual(["f1", "f2"]);
  });
});
