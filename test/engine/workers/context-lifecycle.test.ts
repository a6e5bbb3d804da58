// No worker thread outlives the engine that started it, through the public API (Node): threads
// are counted from the spawner (observeSpawn over nodeSpawner, each thread's death from Node's
// own exit event), for both shapes of job that run in the pool.
// - `stop()` ends every worker; `stop({ stopEngine: false })` keeps them for the next context on
//   the same engine, which starts none of its own, and whose `stop()` ends them.
// - `stop()` during a running batch (before its first worker exists, or while a killed task is
//   retried) lets the batch finish, then ends every worker, those started after the call too.
// - A Node process that runs a job on workers and never calls `stop()` still exits by itself.
import { spawnSync } from "node:child_process";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import type { TaskAttempt } from "../../../src/index.ts";
import { prng } from "../../support/random.ts";
import { BATCH_BYTES, countedSpawner, forgetWordJob, reference, SHAPES, start, text, wordJob, type Running, type Shape } from "./context-support.ts";
import { bundleScript, removeWorkerBundle } from "./support.ts";

afterAll(() => {
  removeWorkerBundle();
  forgetWordJob();
});

const contexts: Running[] = [];
afterEach(async () => {
  // A failed assertion leaves no context active and no thread running.
  for (const r of contexts.splice(0)) await r.ssc.stop();
});

async function started(shape: Shape, options: Parameters<typeof start>[1]): Promise<Running> {
  const r = await start(shape, options);
  contexts.push(r);
  return r;
}

/** Feeds and runs `n` batches, checking each against the reference. */
async function runBatches(r: Running, random: () => number, shape: Shape, n: number): Promise<void> {
  for (let i = 0; i < n; i++) {
    const t = text(random, BATCH_BYTES[shape]);
    r.feed(t);
    await r.clock.advance(1000);
    expect(r.outputs.get(r.clock.now())).toEqual(reference(shape, t));
  }
}

describe.each(SHAPES)("%s: worker lifecycle", (shape: Shape) => {
  it("stop() ends every worker the engine started", async () => {
    const random = prng(0x11fe);
    const { spawn, threads } = await countedSpawner();
    const r = await started(shape, { workers: { spawn } });
    expect(r.ssc.engine.liveWorkers).toBe(0); // started lazily, on the first task
    await runBatches(r, random, shape, 3);
    expect(threads.started).toBe(2);
    expect(r.ssc.engine.liveWorkers).toBe(2);
    expect(threads.exited).toBe(0);
    await r.ssc.stop();
    expect(threads.exited).toBe(2);
    expect(threads.alive.size).toBe(0);
    expect(r.ssc.engine.liveWorkers).toBe(0);
    expect(r.ssc.engine.closed).toBe(true);
  });

  for (const when of ["before its first worker starts", "while a killed task is retried"] as const) {
    it(`stop() during a running batch, ${when}: the batch finishes, then every worker ends`, async () => {
      const random = prng(0x5709);
      const { spawn, threads } = await countedSpawner();
      let onFirstTask: ((attempt: TaskAttempt) => void) | undefined;
      const attempts: TaskAttempt[] = [];
      const r = await started(shape, {
        workers: {
          spawn,
          onTask: (attempt) => {
            attempts.push(attempt);
            onFirstTask?.(attempt);
            onFirstTask = undefined;
          },
        },
      });
      const inFlight = new Promise<void>((resolve) => {
        if (when === "while a killed task is retried") {
          onFirstTask = (attempt) => {
            void attempt.terminateWorker();
            resolve();
          };
        } else {
          r.ssc.addStreamingListener({ onBatchStarted: () => resolve() });
        }
      });
      const t = text(random, BATCH_BYTES[shape]);
      r.feed(t);
      const batch = r.clock.advance(1000);
      await inFlight;
      if (when === "before its first worker starts") expect(threads.started).toBe(0);
      await r.ssc.stop();
      await batch;
      // Spark's stop(stopGracefully = false): the running batch completes.
      expect(r.outputs.get(1000)).toEqual(reference(shape, t));
      expect(r.ssc.engine.closed).toBe(true);
      // The retry runs on a new worker, or on the other one if that one is idle by then: at least 2.
      expect(threads.started).toBeGreaterThanOrEqual(2);
      expect(threads.exited).toBe(threads.started);
      expect(r.ssc.engine.liveWorkers).toBe(0);
      if (when === "while a killed task is retried") expect(attempts.some((a) => a.attempt === 2)).toBe(true);
      await expect(r.ssc.awaitTermination()).resolves.toBeUndefined();
    });
  }
});

describe("an engine kept by stop({ stopEngine: false })", () => {
  it("keeps its workers; the next contexts (a word count, then a job module) reuse them without starting any; the last stop() ends them", async () => {
    const random = prng(0x4ee9);
    const { spawn, threads } = await countedSpawner();
    const first = await started("fused word count", { workers: { spawn } });
    await runBatches(first, random, "fused word count", 2);
    expect(threads.started).toBe(2);
    await first.ssc.stop({ stopEngine: false });
    const engine = first.ssc.engine;
    expect(engine.closed).toBe(false);
    expect(engine.liveWorkers).toBe(2);
    expect(threads.exited).toBe(0);

    const second = await started("fused word count", { engine });
    expect(second.ssc.engine).toBe(engine);
    await runBatches(second, random, "fused word count", 2);
    await second.ssc.stop({ stopEngine: false });
    expect(threads.started).toBe(2);
    expect(threads.exited).toBe(0);

    const third = await started("job module", { engine });
    await runBatches(third, random, "job module", 2);
    expect(threads.started).toBe(2); // the same threads loaded the job module
    expect(engine.liveWorkers).toBe(2);
    await third.ssc.stop();
    expect(engine.closed).toBe(true);
    expect(engine.liveWorkers).toBe(0);
    expect(threads.exited).toBe(2);
    expect(threads.alive.size).toBe(0);
  });
});

describe("a process that never calls stop()", () => {
  it.each(["fused", "job"] as const)("exits by itself once its batches are done (%s, idle workers unref'd)", async (mode) => {
    const script = await bundleScript("idle-context");
    const { url } = await wordJob();
    const child = spawnSync(process.execPath, [script, mode, url], { encoding: "utf8", timeout: 10_000 });
    expect(child.error).toBeUndefined(); // no timeout: the process ended by itself
    expect(child.stderr).toBe("");
    expect(child.status).toBe(0);
    expect(child.stdout.trim()).toBe(`state=active live=2 counts=${JSON.stringify([["alpha", 6000], ["beta", 12000], ["gamma", 12000]])}`);
  });
});
