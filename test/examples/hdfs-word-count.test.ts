// examples/hdfs-word-count.ts, Spark's HdfsWordCount: text files moved into a temporary directory
// (written elsewhere, then renamed in, as Spark requires) with chosen modification times, under a
// manual clock on the same scale, and the batches the example prints compared whole.
import { mkdir, mkdtemp, rename, rm, utimes, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { main } from "../../examples/hdfs-word-count.ts";
import { ManualClock, type StreamingContext } from "../../src/index.ts";
import { printed } from "../support/printed.ts";

/** The start, a multiple of the 2 s batch interval on the scale of file modification times (nothing waits for it). */
const T0 = 1_700_000_000_000;

let root: string;
/** The directory the example watches. */
let directory: string;
/** Where files are written before they are moved in. */
let staging: string;
let ssc: StreamingContext | undefined;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), "rivulet-hdfs-word-count-"));
  directory = join(root, "in");
  staging = join(root, "staging");
  await mkdir(directory);
  await mkdir(staging);
});

afterEach(async () => {
  await ssc?.stop();
  ssc = undefined;
  await rm(root, { recursive: true, force: true });
});

/** Writes `name` outside the directory, sets its modification time, then moves it in whole. */
async function moveIn(name: string, text: string, modifiedTime: number): Promise<void> {
  const written = join(staging, name);
  await writeFile(written, text);
  await utimes(written, new Date(modifiedTime), new Date(modifiedTime));
  await rename(written, join(directory, name));
}

/** Starts the example on the directory under a manual clock at T0; what it prints is collected. */
function start(): { clock: ManualClock; log: string[] } {
  const clock = new ManualClock(T0);
  const log: string[] = [];
  ssc = main(directory, { clock, log: (text) => log.push(text), parallelism: 2 });
  return { clock, log };
}

describe("HdfsWordCount", () => {
  it("prints, every 2 s, the word counts of the files moved in during the interval", async () => {
    const { clock, log } = start();
    await moveIn("a.txt", "to be or\nnot to be\n", T0 + 500);
    await moveIn("b.txt", "that is the question\n", T0 + 1999);
    await clock.advance(2000);
    await moveIn("c.txt", "to be\n", T0 + 2000 + 1);
    await clock.advance(2000);
    await clock.advance(2000);
    expect(log).toEqual([
      printed(T0 + 2000, "(be,2)", "(not,1)", "(the,1)", "(to,2)", "(or,1)", "(that,1)", "(is,1)", "(question,1)"),
      printed(T0 + 4000, "(be,1)", "(to,1)"),
      printed(T0 + 6000),
    ]);
  });

  it("ignores the files already in the directory when it starts, as Spark's newFilesOnly", async () => {
    await moveIn("old.txt", "old words\n", T0 - 1000);
    await moveIn("at-start.txt", "also old\n", T0);
    const { clock, log } = start();
    await moveIn("new.txt", "new words\n", T0 + 1000);
    await clock.advance(2000);
    expect(log).toEqual([printed(T0 + 2000, "(words,1)", "(new,1)")]);
  });

  it("takes a file written under a hidden name only once it is renamed into place", async () => {
    const { clock, log } = start();
    const hidden = join(directory, ".d.txt.tmp");
    await writeFile(hidden, "half written\n");
    await utimes(hidden, new Date(T0 + 1000), new Date(T0 + 1000));
    await clock.advance(2000);
    // The writer finishes the file, then renames it, which keeps its modification time.
    await writeFile(hidden, "whole\n");
    await utimes(hidden, new Date(T0 + 3000), new Date(T0 + 3000));
    await rename(hidden, join(directory, "d.txt"));
    await clock.advance(2000);
    expect(log).toEqual([printed(T0 + 2000), printed(T0 + 4000, "(whole,1)")]);
  });

  it("prints the first ten pairs of a batch and then '...', as Spark's print()", async () => {
    const { clock, log } = start();
    await moveIn("hamlet.txt", "to be or not to be that is the question\nwhether tis nobler in the mind\n", T0 + 100);
    await clock.advance(2000);
    expect(log).toEqual([printed(T0 + 2000, "(be,2)", "(not,1)", "(the,2)", "(whether,1)", "(mind,1)", "(to,2)", "(or,1)", "(that,1)", "(is,1)", "(question,1)", "...")]);
  });
});
