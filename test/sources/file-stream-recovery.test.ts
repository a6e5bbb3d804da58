// textFileStream across a restart (StreamingContext.getOrCreate): the checkpoint remembers which
// files were taken, so the restarted job takes only the others, and state counts each file once.
import { afterEach, describe, expect, it, vi } from "vitest";
import { ManualClock, MemoryCheckpointStore, type CheckpointStore, Seconds, StreamingContext, type TextFileStreamOptions } from "../../src/index.ts";
import { sorted } from "../support/spark-suite.ts";
import { type Counts, count, wordCount } from "../support/word-count-state.ts";
import { MemoryDirectory } from "./memory-directory.ts";

afterEach(async () => {
  await StreamingContext.getActive()?.stop();
  vi.restoreAllMocks();
});

/** A context recovered from (or created in) `store`: a word count over the files of `dir`. */
async function restart(store: CheckpointStore, clockStart: number, dir: MemoryDirectory, options: TextFileStreamOptions = {}) {
  const clock = new ManualClock(clockStart);
  const states = new Map<number, Counts>();
  const ssc = await StreamingContext.getOrCreate(store, () => {
    const ctx = new StreamingContext({ batchInterval: Seconds(1), clock, parallelism: 2, workers: false });
    ctx.checkpoint(store);
    wordCount(ctx.textFileStream(dir, options), states);
    return ctx;
  });
  ssc.start();
  return { ssc, clock, states };
}

describe("textFileStream recovery", () => {
  it("takes after a restart only the files that were not taken before the last checkpoint", async () => {
    const store = new MemoryCheckpointStore();
    const dir = new MemoryDirectory().put("a.txt", "a b\n", 500);
    const first = await restart(store, 0, dir);
    await first.clock.advance(1000);
    dir.put("b.txt", "b c\n", 1500);
    await first.ssc.stop(); // down before the batch at 2000
    expect(first.states.get(1000)).toEqual(count(["a", "b"]));

    dir.put("c.txt", "c\n", 2500);
    const second = await restart(store, 1000, dir);
    await second.clock.advance(2000);
    expect(second.states.get(2000)).toEqual(count(["a", "b", "b", "c"]));
    expect(second.states.get(3000)).toEqual(count(["a", "b", "b", "c", "c"]));
    // a.txt is remembered as taken: it is not even read again.
    expect(dir.reads.filter((n) => n === "a.txt")).toHaveLength(1);
  });

  it("takes again the files of a batch whose checkpoint was never written, applying them to state once", async () => {
    vi.spyOn(console, "error").mockImplementation(() => undefined);
    let failing = false;
    const store = new MemoryCheckpointStore({
      faults: (op, name) => (failing && op === "put" && name?.startsWith("checkpoint-") ? new Error("disk full") : undefined),
    });
    const dir = new MemoryDirectory().put("a.txt", "a\n", 500);
    const first = await restart(store, 0, dir);
    await first.clock.advance(1000);
    failing = true;
    dir.put("b.txt", "b\n", 1500);
    await first.clock.advance(1000); // processed, but its checkpoint fails
    await first.ssc.stop();
    expect(first.states.get(2000)).toEqual(count(["a", "b"]));

    failing = false;
    dir.put("c.txt", "c\n", 2500);
    const second = await restart(store, 2000, dir);
    await second.clock.advance(1000);
    expect(second.states.get(2000)).toEqual(count(["a", "b"]));
    expect(second.states.get(3000)).toEqual(count(["a", "b", "c"]));
  });

  it("does not take old files again after a restart with newFilesOnly: false", async () => {
    const store = new MemoryCheckpointStore();
    const dir = new MemoryDirectory().put("old.txt", "old\n", -3_600_000);
    const first = await restart(store, 0, dir, { newFilesOnly: false });
    await first.clock.advance(1000);
    await first.ssc.stop();
    expect(first.states.get(1000)).toEqual(count(["old"]));

    dir.put("new.txt", "new\n", 1500);
    const second = await restart(store, 1000, dir, { newFilesOnly: false });
    await second.clock.advance(2000);
    expect(second.states.get(3000)).toEqual(count(["new", "old"]));
  });

  it("keeps newFilesOnly's start across a restart: files that arrived while the job was down are taken", async () => {
    const store = new MemoryCheckpointStore();
    const dir = new MemoryDirectory().put("before.txt", "before\n", -10);
    const first = await restart(store, 0, dir);
    await first.clock.advance(1000);
    await first.ssc.stop();

    // Down from 1000 to 5000; the batches 2000..5000 are generated at once on restart.
    dir.put("while-down.txt", "down\n", 3500);
    const second = await restart(store, 5000, dir);
    await second.clock.advance(0);
    expect(second.states.get(5000)).toEqual(count(["down"]));
  });
});

/** A file moved into the directory: `[name, content, modifiedTime]`. */
type Arrival = readonly [string, string, number];

/**
 * Files by the batch before which they arrive (batch `i` is at `i * 1000`). Some are moved in
 * after a batch that their modification time was due for: f.txt (3900) only after batch 4000,
 * g.txt (4800) only after batch 5000, while the job is down in the restarted run.
 */
const arrivals = new Map<number, readonly Arrival[]>([
  [1, [["a.txt", "a\n", 500]]],
  [2, [["b.txt", "b\nb\n", 1500]]],
  [3, [["c.txt", "c\n", 2500]]],
  [4, [["d2.txt", "d2\n", 3600], ["d1.txt", "d1\n", 3500]]],
  [5, [["f.txt", "f\n", 3900], ["e.txt", "e\n", 4900]]],
  [6, [["g.txt", "g\n", 4800]]],
  [7, [["h.txt", "h\n", 6500]]],
]);

interface FileRun {
  /** Each batch's lines, in the order it took them. */
  readonly perBatch: Map<number, string[]>;
  readonly states: Map<number, Counts>;
  readonly checkpointTime: number | undefined;
}

/**
 * A line count (state checkpointed every 3 batches) over `dir`, run from batch `from` (after a
 * restart, or 0) through batch `to`; the files of batch `i` are moved in right before it.
 */
async function runFiles(store: CheckpointStore, dir: MemoryDirectory, from: number, to: number): Promise<FileRun> {
  const clock = new ManualClock(from * 1000);
  const perBatch = new Map<number, string[]>();
  const states = new Map<number, Counts>();
  let checkpointTime: number | undefined;
  const ssc = await StreamingContext.getOrCreate(store, (info) => {
    checkpointTime = info?.checkpointTime;
    const ctx = new StreamingContext({ batchInterval: Seconds(1), clock, parallelism: 2, workers: false });
    const lines = ctx.textFileStream(dir);
    lines.foreachRDD(async (b, t) => void perBatch.set(t, await b.collect()));
    const counts = lines.map((l) => [l, 1] as const).updateStateByKey<string, 1, number>((vs, s) => (s ?? 0) + vs.length);
    counts.checkpoint(Seconds(3));
    counts.foreachRDD(async (b, t) => void states.set(t, sorted(await b.collect())));
    return ctx;
  });
  ssc.start();
  await clock.advance(0); // after a restart: the batches since the checkpoint, made at once
  for (let i = from; i < to; i++) {
    for (const [name, content, modifiedTime] of arrivals.get(i + 1) ?? []) dir.put(name, content, modifiedTime);
    await clock.advance(1000);
  }
  await ssc.stop();
  return { perBatch, states, checkpointTime };
}

describe("textFileStream batches made again after a restart", () => {
  it("take the files they first took, in the same order; files that arrived since go to later batches", async () => {
    const reference = await runFiles(new MemoryCheckpointStore(), new MemoryDirectory(), 0, 7);
    expect(reference.perBatch.get(4000)).toEqual(["d1", "d2"]);
    expect(reference.perBatch.get(5000)).toEqual(["e", "f"]);
    expect(reference.perBatch.get(6000)).toEqual(["g"]);

    const store = new MemoryCheckpointStore();
    const dir = new MemoryDirectory();
    const first = await runFiles(store, dir, 0, 5);
    for (const t of [1000, 2000, 3000, 4000, 5000]) expect(first.perBatch.get(t), `batch ${t}`).toEqual(reference.perBatch.get(t));
    // Down after batch 5000; g.txt is moved in meanwhile, with a time batch 5000 was due for.
    for (const [name, content, modifiedTime] of arrivals.get(6)!) dir.put(name, content, modifiedTime);
    const second = await runFiles(store, dir, 5, 7);
    expect(second.checkpointTime).toBe(3000);
    expect([...second.perBatch.keys()]).toEqual([4000, 5000, 6000, 7000]);
    for (const t of [4000, 5000, 6000, 7000]) {
      expect(second.perBatch.get(t), `batch ${t}`).toEqual(reference.perBatch.get(t));
      expect(second.states.get(t), `state at ${t}`).toEqual(reference.states.get(t));
    }
  });

  it("take what is left of a file gone since, and warn that the batch has less", async () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => undefined);
    const store = new MemoryCheckpointStore();
    const dir = new MemoryDirectory();
    await runFiles(store, dir, 0, 5);
    dir.remove("f.txt");
    for (const [name, content, modifiedTime] of arrivals.get(6)!) dir.put(name, content, modifiedTime);
    const second = await runFiles(store, dir, 5, 6);
    expect(second.perBatch.get(4000)).toEqual(["d1", "d2"]);
    expect(second.perBatch.get(5000)).toEqual(["e"]);
    expect(second.perBatch.get(6000)).toEqual(["g"]);
    expect(warn.mock.calls.some(([m]) => /batch 5000 is made again .* with less input/.test(String(m)))).toBe(true);
  });
});
