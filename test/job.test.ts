// Job modules in Node: `runJob` imports the module, every worker thread imports it too, and the
// job's user functions (flatMap, filter, map, mapPartitions, the reducers) run in the workers,
// with exactly the results of the same job run in this thread.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { ManualClock, MemoryCheckpointStore, runJob, Seconds, type StreamingContext } from "../src/index.ts";
import { FakeLockManager } from "./support/fake-lock-manager.ts";
import { bundleForNode } from "./support/node-bundle.ts";

type JobModule = typeof import("./fixtures/jobs/wordcount-job.ts");
type StatefulJob = typeof import("./fixtures/jobs/stateful-job.ts");
type WordsJob = typeof import("./fixtures/jobs/words-job.ts");

let dir: string;
let url: string;
let job: JobModule;
let statefulUrl: string;
let wordsUrl: string;

beforeAll(async () => {
  // Node 20 cannot import TypeScript: the module goes to the workers as one built file.
  dir = mkdtempSync(join(tmpdir(), "rivulet-job-"));
  const outfile = join(dir, "wordcount-job.js");
  await bundleForNode(new URL("./fixtures/jobs/wordcount-job.ts", import.meta.url), outfile);
  url = pathToFileURL(outfile).href;
  job = (await import(/* @vite-ignore */ url)) as JobModule;
  const stateful = join(dir, "stateful-job.js");
  await bundleForNode(new URL("./fixtures/jobs/stateful-job.ts", import.meta.url), stateful);
  statefulUrl = pathToFileURL(stateful).href;
  const wordsJob = join(dir, "words-job.js");
  await bundleForNode(new URL("./fixtures/jobs/words-job.ts", import.meta.url), wordsJob);
  wordsUrl = pathToFileURL(wordsJob).href;
});

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const TEXT = ["the quick brown fox", "jumps over the lazy dog", "The Dog barks", "", "größe Größe 🦀 🦀", "a\tb  c the"];

async function run(workers: boolean, batches: readonly string[][]): Promise<{ results: JobModule["results"]; calls: JobModule["calls"]; ssc: StreamingContext }> {
  job.results.length = 0;
  for (const k of Object.keys(job.calls) as (keyof JobModule["calls"])[]) job.calls[k] = 0;
  const clock = new ManualClock();
  const ssc = await runJob(url, { batchInterval: Seconds(1), clock, parallelism: 2, params: { lowerCase: true }, ...(workers ? {} : { workers: false }) });
  try {
    for (const lines of batches) {
      job.feed(new TextEncoder().encode(lines.map((l) => `${l}\n`).join("")));
      await clock.advance(1000);
    }
  } finally {
    await ssc.stop();
  }
  return { results: structuredClone(job.results), calls: { ...job.calls }, ssc };
}

describe("runJob (Node worker threads)", () => {
  it("runs the narrow operators and reducers in workers, with the in-thread results", async () => {
    const batches = [TEXT, [], TEXT.slice(2), ["x y x"]];
    const inThread = await run(false, batches);
    expect(inThread.calls.map).toBeGreaterThan(0);
    const inWorkers = await run(true, batches);
    expect(inWorkers.results).toEqual(inThread.results);
    // Not one user function ran on the driver.
    expect(inWorkers.calls).toEqual({ flatMap: 0, filter: 0, map: 0, mapPartitions: 0, reduce: 0 });
    expect(inWorkers.results[0]!.counts).toContainEqual(["the", 4]);
    expect(inWorkers.results[0]!.counts).toContainEqual(["größe", 2]);
    expect(inWorkers.results[1]!.counts).toEqual([]);
    expect(inWorkers.results[3]!.counts).toEqual([["x", 2], ["y", 1]]);
    expect(inWorkers.ssc.engine.liveWorkers).toBe(0);
  });

  it("refuses to run a stage in a worker whose setup made other accumulators than the driver's (JOB_MISMATCH)", async () => {
    vi.spyOn(console, "error").mockImplementation(() => undefined);
    const clock = new ManualClock();
    const ssc = await runJob(url, { batchInterval: Seconds(1), clock, parallelism: 2, params: { lowerCase: true, driverOnlyAccumulator: true } });
    try {
      job.feed(new TextEncoder().encode("a b a\n"));
      await clock.advance(1000);
      const failure = (await ssc.awaitTermination().catch((e: unknown) => e)) as Error;
      const causes: unknown[] = [];
      for (let e: unknown = failure; e instanceof Error; e = e.cause) causes.push(e);
      expect(causes.some((e) => e instanceof Error && /made 0 accumulators in a worker, the driver's context had 1 when it started/.test(e.message))).toBe(true);
    } finally {
      await ssc.stop();
    }
  });

  it("counts flatMap(words).map(w => [w, 1]).reduceByKey(sum) in the kernel, or as a stage in the workers without kernels", async () => {
    const words = (await import(/* @vite-ignore */ wordsUrl)) as WordsJob;
    const text = new TextEncoder().encode(TEXT.map((l) => `${l}\n`).join(""));
    const expected = [["Dog", 1], ["Größe", 1], ["The", 1], ["a", 1], ["b", 1], ["barks", 1], ["brown", 1], ["c", 1], ["dog", 1], ["fox", 1], ["größe", 1], ["jumps", 1], ["lazy", 1], ["over", 1], ["quick", 1], ["the", 3], ["🦀", 2]];
    for (const kernels of ["auto", "js"] as const) {
      words.results.length = 0;
      const tasks: string[] = [];
      const clock = new ManualClock();
      const ssc = await runJob(wordsUrl, { batchInterval: Seconds(1), clock, parallelism: 2, kernels, workers: { onTask: (t) => void tasks.push(t.name) } });
      words.feed(text);
      await clock.advance(1000);
      await ssc.stop();
      expect(words.results).toEqual([expected]);
      // The kernel counts in word-count tasks; without it the job's stage maps each input partition.
      if (kernels === "auto") expect(tasks.every((t) => !/map\[/.test(t))).toBe(true);
      else expect(tasks).toContainEqual(expect.stringMatching(/@1000 map\[0\]$/));
    }
  });

  it("with a checkpoint store, a job started again resumes from its newest checkpoint (getOrCreate)", async () => {
    const stateful = (await import(/* @vite-ignore */ statefulUrl)) as StatefulJob;
    const store = new MemoryCheckpointStore();
    const params = { batches: [["a", "b"], ["a"], ["b", "c"], ["c"]] };
    stateful.results.length = 0;
    stateful.recoveries.length = 0;
    const clock = new ManualClock();
    const a = await runJob(statefulUrl, { batchInterval: Seconds(1), clock, parallelism: 2, params, checkpoint: store });
    await clock.advance(2000);
    await a.stop();
    const b = await runJob(statefulUrl, { batchInterval: Seconds(1), clock, parallelism: 2, params, checkpoint: store });
    await clock.advance(1000);
    await b.stop();
    expect(stateful.recoveries[0]).toBeUndefined();
    expect(stateful.recoveries[1]).toMatchObject({ checkpointTime: 2000 });
    expect(stateful.results).toEqual([
      { time: 1000, state: [["a", 1], ["b", 1]] },
      { time: 2000, state: [["a", 2], ["b", 1]] },
      { time: 3000, state: [["a", 2], ["b", 2], ["c", 1]] },
    ]);
  });

  it("with a checkpoint store and originLock wait, a second run takes over when the first stops, from its last checkpoint", async () => {
    const stateful = (await import(/* @vite-ignore */ statefulUrl)) as StatefulJob;
    const store = new MemoryCheckpointStore();
    const locks = new FakeLockManager();
    const params = { batches: [["a", "b"], ["a"], ["b", "c"], ["c"]] };
    stateful.results.length = 0;
    stateful.recoveries.length = 0;
    const clock = new ManualClock();
    const options = { batchInterval: Seconds(1), clock, parallelism: 1, workers: false as const, params, checkpoint: store, originLock: { locks, wait: true } };
    const a = await runJob(statefulUrl, options);
    await clock.advance(2000);
    let resolved = false;
    const taking = runJob(statefulUrl, options).then((ssc) => ((resolved = true), ssc));
    // runJob imports the module before it asks for the lock: wait for the request to be made.
    await vi.waitFor(() => expect(locks.query().pending).toHaveLength(1));
    expect(resolved).toBe(false);
    expect(stateful.recoveries).toHaveLength(1);
    await a.stop();
    const b = await taking;
    await clock.advance(1000);
    await b.stop();
    expect(stateful.recoveries[1]).toMatchObject({ checkpointTime: 2000 });
    expect(stateful.results.at(-1)).toEqual({ time: 3000, state: [["a", 2], ["b", 2], ["c", 1]] });
    expect(locks.query()).toEqual({ held: [], pending: [] });
  });
});
