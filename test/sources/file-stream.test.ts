// textFileStream, Spark's FileInputDStreamSuite style: files with chosen modification times in an
// in-memory directory, a ManualClock, and the batches each time takes.
import { afterEach, describe, expect, it } from "vitest";
import {
  type BatchInfo,
  type Directory,
  type DirectoryEntry,
  ManualClock,
  Milliseconds,
  RivuletError,
  Seconds,
  StreamingContext,
  type StreamInputInfo,
  type TextFileStreamOptions,
} from "../../src/index.ts";
import { MemoryDirectory } from "./memory-directory.ts";

const contexts: StreamingContext[] = [];
afterEach(async () => {
  for (const ssc of contexts.splice(0)) await ssc.stop();
});

interface Run {
  clock: ManualClock;
  ssc: StreamingContext;
  /** Batch time and lines, per batch. */
  out: [number, string[]][];
  /** The stream's input info, per completed batch. */
  infos: StreamInputInfo[];
  /** Messages the source reported. */
  errors: string[];
}

/** A started context with one textFileStream over `dir`, under a ManualClock at 0, 1 s batches. */
function fileRun(dir: Directory, options: TextFileStreamOptions = {}): Run {
  const clock = new ManualClock();
  const ssc = new StreamingContext({ batchInterval: Seconds(1), clock, parallelism: 2, workers: false });
  contexts.push(ssc);
  const lines = ssc.textFileStream(dir, options);
  const out: [number, string[]][] = [];
  const infos: StreamInputInfo[] = [];
  const errors: string[] = [];
  ssc.addStreamingListener({
    onBatchCompleted: (e: { batchInfo: BatchInfo }) => {
      const info = e.batchInfo.streamIdToInputInfo.get(lines.id);
      if (info) infos.push(info);
    },
    onReceiverError: (e) => void errors.push(e.receiverInfo.lastErrorMessage),
  });
  lines.foreachRDD(async (b, t) => void out.push([t, await b.collect()]));
  ssc.start();
  return { clock, ssc, out, infos, errors };
}

const metadata = (run: Run, key: string) => run.infos.map((i) => i.metadata[key]);

describe("textFileStream", () => {
  it("takes, at each batch, the lines of the files modified in its interval, file by file in name order", async () => {
    const dir = new MemoryDirectory().put("b.txt", "b1\nb2\n", 300).put("a.txt", "a1\n", 700);
    const run = fileRun(dir);
    await run.clock.advance(1000);
    dir.put("c.txt", "c1\n", 1500);
    await run.clock.advance(2000);
    expect(run.out).toEqual([
      [1000, ["a1", "b1", "b2"]],
      [2000, ["c1"]],
      [3000, []],
    ]);
    expect(metadata(run, "files")).toEqual([2, 1, 0]);
    expect(run.infos.map((i) => i.numRecords)).toEqual([3, 1, 0]);
  });

  it("ignores the files already there at start (newFilesOnly, the default)", async () => {
    const dir = new MemoryDirectory().put("old.txt", "old\n", 0).put("older.txt", "older\n", -5000).put("new.txt", "new\n", 1);
    const run = fileRun(dir);
    await run.clock.advance(2000);
    expect(run.out).toEqual([
      [1000, ["new"]],
      [2000, []],
    ]);
    expect(metadata(run, "lateFiles")).toEqual([0, 0]);
  });

  it("takes the files already there, however old, in the first batch with newFilesOnly: false, and never again", async () => {
    const dir = new MemoryDirectory().put("old.txt", "old\n", -3_600_000).put("recent.txt", "recent\n", 0).put("new.txt", "new\n", 500);
    const run = fileRun(dir, { newFilesOnly: false });
    await run.clock.advance(3000);
    expect(run.out).toEqual([
      [1000, ["new", "old", "recent"]],
      [2000, []],
      [3000, []],
    ]);
  });

  it("keeps a file modified after the batch time for the batch of its time", async () => {
    const dir = new MemoryDirectory().put("later.txt", "later\n", 2500).put("now.txt", "now\n", 1000);
    const run = fileRun(dir);
    await run.clock.advance(3000);
    expect(run.out).toEqual([
      [1000, ["now"]],
      [2000, []],
      [3000, ["later"]],
    ]);
    // Read ahead once, not at every listing.
    expect(dir.reads).toEqual(["later.txt", "now.txt"]);
  });

  it("never takes a file twice while it stays in the directory, through and past the remembered window", async () => {
    const dir = new MemoryDirectory().put("a.txt", "a\n", 500);
    const run = fileRun(dir, { minRememberDuration: Seconds(3) });
    await run.clock.advance(1000);
    // Rewritten under the same name while remembered: Spark's contract says files do not change; not taken again.
    dir.put("a.txt", "a again\n", 1500);
    await run.clock.advance(9000);
    expect(run.out.filter(([, lines]) => lines.length > 0)).toEqual([[1000, ["a"]]]);
    expect(run.out).toHaveLength(10);
  });

  it("never takes a file twice with the default one-minute window", async () => {
    const dir = new MemoryDirectory().put("a.txt", "a\n", 500);
    const run = fileRun(dir);
    await run.clock.advance(70_000);
    expect(run.out.filter(([, lines]) => lines.length > 0)).toEqual([[1000, ["a"]]]);
    expect(dir.reads).toEqual(["a.txt"]);
  });

  it("skips files in progress (names starting with . or _, Chromium's .crswap) and those the filter rejects", async () => {
    const dir = new MemoryDirectory()
      .put(".a.txt.tmp", "in progress\n", 100)
      .put("_COPYING_", "copying\n", 100)
      .put("z.txt.crswap", "being written\n", 100)
      .put("x.csv", "x\n", 100)
      .put("y.txt", "y\n", 100);
    const run = fileRun(dir, { filter: (name) => !name.endsWith(".csv") });
    await run.clock.advance(1000);
    expect(run.out).toEqual([[1000, ["y"]]]);
    expect(dir.reads).toEqual(["y.txt"]);
  });

  it("reports and counts a file that cannot be read, goes on with the others, and reads it again once it changes", async () => {
    const dir = new MemoryDirectory().put("bad.txt", "bad\n", 500).put("good.txt", "good\n", 500);
    dir.beforeRead = (name) => {
      if (name === "bad.txt") throw new Error("EACCES: permission denied");
    };
    const run = fileRun(dir);
    await run.clock.advance(2000);
    dir.beforeRead = undefined;
    dir.put("bad.txt", "fixed\n", 2500);
    await run.clock.advance(1000);
    expect(run.out).toEqual([
      [1000, ["good"]],
      [2000, []],
      [3000, ["fixed"]],
    ]);
    // Not retried (nor counted again) until it changed.
    expect(metadata(run, "unreadableFiles")).toEqual([1, 1, 1]);
    expect(run.errors).toEqual([expect.stringContaining("bad.txt could not be read and is skipped: EACCES")]);
  });

  it("reports and counts a file that vanishes between the listing and its read", async () => {
    const dir = new MemoryDirectory().put("gone.txt", "gone\n", 500).put("kept.txt", "kept\n", 500);
    dir.beforeRead = (name) => {
      if (name === "gone.txt") dir.remove(name);
    };
    const run = fileRun(dir);
    await run.clock.advance(2000);
    expect(run.out).toEqual([
      [1000, ["kept"]],
      [2000, []],
    ]);
    expect(metadata(run, "unreadableFiles")).toEqual([1, 1]);
    expect(run.errors).toEqual([expect.stringContaining("gone.txt could not be read")]);
  });

  it("replaces invalid UTF-8 and drops over-long lines, counting both; a file's last line needs no newline", async () => {
    const enc = new TextEncoder();
    const bytes = new Uint8Array([...enc.encode("ok\n"), 0xff, ...enc.encode("b\ntoolong\nlast")]);
    const dir = new MemoryDirectory()
      .put("1.txt", bytes, 500)
      .put("2.txt", new Uint8Array([0xef, 0xbb, 0xbf, ...enc.encode("x\r\ny")]), 500)
      .put("3.txt", "", 500);
    const run = fileRun(dir, { maxLineLength: 5 });
    await run.clock.advance(2000);
    // Lines never join across files; each file's BOM goes; an empty file has no lines.
    expect(run.out).toEqual([
      [1000, ["ok", "\ufffdb", "last", "x", "y"]],
      [2000, []],
    ]);
    expect(metadata(run, "invalidUtf8")).toEqual([1, 1]);
    expect(metadata(run, "overlongLines")).toEqual([1, 1]);
    expect(metadata(run, "files")).toEqual([3, 0]);
  });

  it("counts and reports a file that appears with a modification time already outside the remembered window", async () => {
    const dir = new MemoryDirectory().put("there.txt", "there\n", -1);
    const run = fileRun(dir, { minRememberDuration: Seconds(2) });
    await run.clock.advance(3000);
    dir.put("late.txt", "late\n", 500); // the window of batch 4000 starts at 2000
    dir.put("fine.txt", "fine\n", 2500);
    await run.clock.advance(1000);
    expect(run.out.at(-1)).toEqual([4000, ["fine"]]);
    expect(metadata(run, "lateFiles")).toEqual([0, 0, 0, 1]);
    expect(run.errors).toEqual([expect.stringContaining("late.txt appeared with modification time 500")]);
  });

  it("computes no batch before its files are read", async () => {
    const dir = new MemoryDirectory().put("slow.txt", "slow\n", 500);
    dir.readDelay = 5;
    const run = fileRun(dir);
    await run.clock.advance(1000);
    expect(run.out).toEqual([[1000, ["slow"]]]);
  });

  it("reports a failing listing once, and takes the files once it lists again", async () => {
    const dir = new MemoryDirectory().put("a.txt", "a\n", 500);
    let failing = true;
    dir.beforeList = () => {
      if (failing) throw new Error("EIO: i/o error");
    };
    const run = fileRun(dir);
    await run.clock.advance(3000);
    failing = false;
    await run.clock.advance(1000);
    expect(run.out).toEqual([
      [1000, []],
      [2000, []],
      [3000, []],
      [4000, ["a"]],
    ]);
    expect(run.errors).toEqual(["textFileStream: listing the directory failed: EIO: i/o error"]);
  });

  it("skips and reports entries of a custom directory that are not files", async () => {
    const entries = [{ name: 5 }, { name: "nan.txt", modifiedTime: Number.NaN, size: 1 }, { name: "ok.txt", modifiedTime: 500, size: 3 }];
    const dir: Directory = {
      list: async () => entries as unknown as DirectoryEntry[],
      read: async () => new TextEncoder().encode("ok\n"),
    };
    const run = fileRun(dir);
    await run.clock.advance(2000);
    expect(run.out).toEqual([
      [1000, ["ok"]],
      [2000, []],
    ]);
    expect(run.errors).toEqual([expect.stringContaining("listed 2 entries without a name, a modifiedTime and a size")]);
  });

  it("reports a filter that throws, and takes nothing while it does", async () => {
    const dir = new MemoryDirectory().put("a.txt", "a\n", 500);
    let throwing = true;
    const run = fileRun(dir, {
      filter: () => {
        if (throwing) throw new Error("boom");
        return true;
      },
    });
    await run.clock.advance(1000);
    throwing = false;
    await run.clock.advance(1000);
    expect(run.out).toEqual([
      [1000, []],
      [2000, ["a"]],
    ]);
    expect(run.errors).toEqual(['textFileStream: the filter threw on "a.txt": boom']);
  });

  it("takes what is left in a graceful stop's last batch", async () => {
    const dir = new MemoryDirectory().put("a.txt", "a\n", 500).put("b.txt", "b\n", 1500);
    const run = fileRun(dir);
    await run.clock.advance(1000);
    await run.clock.advance(600); // read ahead, not yet due
    await run.ssc.stop({ graceful: true });
    expect(run.out).toEqual([
      [1000, ["a"]],
      [2000, ["b"]],
    ]);
  });

  it("refuses what is not a directory, and bad options", () => {
    const ssc = new StreamingContext({ batchInterval: Seconds(1), clock: new ManualClock(), workers: false });
    contexts.push(ssc);
    const dir = new MemoryDirectory();
    const code = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        return e instanceof RivuletError ? e.code : String(e);
      }
      return "no error";
    };
    expect(code(() => ssc.textFileStream(42 as never))).toBe("INVALID_ARGUMENT");
    expect(code(() => ssc.textFileStream({ list: () => [] } as never))).toBe("INVALID_ARGUMENT");
    expect(code(() => ssc.textFileStream(dir, { filter: "*.txt" as never }))).toBe("INVALID_ARGUMENT");
    expect(code(() => ssc.textFileStream(dir, { newFilesOnly: "yes" as never }))).toBe("INVALID_ARGUMENT");
    expect(code(() => ssc.textFileStream(dir, { minRememberDuration: 60_000 as never }))).toBe("INVALID_ARGUMENT");
    expect(code(() => ssc.textFileStream(dir, { maxLineLength: -1 }))).toBe("INVALID_ARGUMENT");
  });
});

describe("textFileStream with the system clock", () => {
  it("polls the directory in the background and takes each new file once", async () => {
    const dir = new MemoryDirectory();
    const ssc = new StreamingContext({ batchInterval: Milliseconds(100), parallelism: 1, workers: false });
    contexts.push(ssc);
    const seen: string[] = [];
    let batches = 0;
    const waiters: { until: () => boolean; resolve: () => void }[] = [];
    const when = (until: () => boolean) => new Promise<void>((resolve) => waiters.push({ until, resolve }));
    const lines = ssc.textFileStream(dir);
    lines.foreachRDD(async (b) => {
      seen.push(...(await b.collect()));
      batches++;
      for (const w of waiters.splice(0)) {
        if (w.until()) w.resolve();
        else waiters.push(w);
      }
    });
    ssc.start();
    // Modified a little ahead: the stream's start time (which newFilesOnly compares with) is read
    // when its source starts, a moment after start() returns, and a loaded machine may let a
    // millisecond pass in between.
    dir.put("a.txt", "a1\na2\n", Date.now() + 50);
    await when(() => seen.length >= 2);
    const after = batches;
    dir.put("b.txt", "b1\n", Date.now() + 50);
    await when(() => seen.length >= 3 && batches >= after + 3);
    expect(seen).toEqual(["a1", "a2", "b1"]);
  });
});
