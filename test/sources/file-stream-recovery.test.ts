// textFileStream across a restart (StreamingContext.getOrCreate): the checkpoint remembers which
// files were taken, so the restarted job takes only the others, and state counts each file once.
import { afterEach, describe, expect, it, vi } from "vitest";
import { ManualClock, MemoryCheckpointStore, type CheckpointStore, Seconds, StreamingContext, type TextFileStreamOptions } from "../../src/index.ts";
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
