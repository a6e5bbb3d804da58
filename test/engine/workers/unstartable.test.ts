// Workers that cannot start at all (their script is not where it is looked for): every shape that
// would run in the pool runs in this thread instead, with exact batches, after one warning; the
// pool is not tried again. Workers that did start and then fail are context-faults' subject.
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, afterEach, expect, it, vi } from "vitest";
import { ManualClock, Seconds, StreamingContext, sum } from "../../../src/index.ts";
import { nodeSpawner } from "../../../src/engine/workers/node/spawn.ts";
import { observeSpawn, type Spawn } from "../../../src/engine/workers/spawn.ts";
import { prng } from "../../support/random.ts";
import { BATCH_BYTES, forgetWordJob, reference, SHAPES, start, text, type Running } from "./context-support.ts";
import { removeWorkerBundle } from "./support.ts";

afterAll(() => {
  removeWorkerBundle();
  forgetWordJob();
});

let running: Running | undefined;
afterEach(async () => {
  await running?.ssc.stop();
  running = undefined;
  vi.restoreAllMocks();
});

/** A spawner of workers whose script does not exist, counting the attempts to start one. */
function unstartable(): { spawn: Spawn; spawned: () => number } {
  let spawned = 0;
  const missing = pathToFileURL(join(tmpdir(), "rivulet-no-such-directory", "kernel-worker.js"));
  return { spawn: observeSpawn(nodeSpawner({ url: missing }), () => spawned++), spawned: () => spawned };
}

for (const shape of SHAPES) {
  it(`${shape}: warns once, then every batch is exact, computed in this thread; no worker is started again`, async () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    const error = vi.spyOn(console, "error").mockImplementation(() => {});
    const { spawn, spawned } = unstartable();
    running = await start(shape, { workers: { spawn } });
    const { ssc, clock, outputs } = running;
    const random = prng(0x5ad);
    const texts = [1, 2, 3].map(() => text(random, BATCH_BYTES[shape]));
    running.feed(texts[0]!);
    await clock.advance(1000);
    const tried = spawned();
    expect(tried).toBeGreaterThanOrEqual(4); // a task's attempts, each on a new worker
    for (const t of texts.slice(1)) {
      running.feed(t);
      await clock.advance(1000);
    }
    texts.forEach((t, i) => expect(outputs.get((i + 1) * 1000)).toEqual(reference(shape, t)));
    expect(spawned()).toBe(tried);
    expect(ssc.engine.liveWorkers).toBe(0);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(String(warn.mock.calls[0]![0])).toMatch(/^Rivulet: no kernel worker could start \(.*Cannot find module.*\); partitions run in this thread from now on, with the same results\. .*workers: \{ url \}/);
    expect(error).not.toHaveBeenCalled(); // no batch failed
    await ssc.stop();
    await expect(ssc.awaitTerminationOrTimeout(0)).resolves.toBe(true);
  });
}

it("reduceByKey(sum) over more partial keys than one thread merges: the same batches in this thread", async () => {
  const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
  const { spawn, spawned } = unstartable();
  const clock = new ManualClock();
  const ssc = new StreamingContext({ batchInterval: Seconds(1), clock, parallelism: 2, workers: { spawn } });
  running = { ssc, clock, outputs: new Map(), feed: () => undefined };
  const keys = 70_000; // above the partials the pool takes
  const pairs = Array.from({ length: keys * 2 }, (_, i): [string, number] => [`k${i % keys}`, i]);
  const got: [string, number][][] = [];
  ssc.queueStream([pairs, pairs.slice(0, 10)]).reduceByKey(sum).foreachRDD(async (b) => void got.push(await b.collect()));
  ssc.start();
  await clock.advance(2000);
  const expected = new Map<string, number>();
  for (const [k, v] of pairs) expected.set(k, (expected.get(k) ?? 0) + v);
  expect(new Map(got[0])).toEqual(expected);
  expect(got[0]).toHaveLength(keys);
  expect(got[1]!.sort()).toEqual(pairs.slice(0, 10).sort());
  expect(spawned()).toBeGreaterThanOrEqual(4);
  expect(warn).toHaveBeenCalledTimes(1);
});

it("a platform that refuses to start any thread (the spawn throws, as new Worker does under a CSP without worker-src): the same", async () => {
  const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
  let tried = 0;
  const spawn: Spawn = () => {
    tried++;
    throw new DOMException("Worker creation is not allowed here", "SecurityError");
  };
  running = await start("fused word count", { workers: { spawn } });
  const { ssc, clock, outputs } = running;
  const t = text(prng(0x5ae), BATCH_BYTES["fused word count"]);
  running.feed(t);
  await clock.advance(1000);
  running.feed(t);
  await clock.advance(1000);
  expect(outputs.get(1000)).toEqual(reference("fused word count", t));
  expect(outputs.get(2000)).toEqual(reference("fused word count", t));
  expect(tried).toBeGreaterThanOrEqual(4);
  expect(tried).toBeLessThanOrEqual(8); // the first batch's tasks, then never again
  expect(warn).toHaveBeenCalledTimes(1);
  expect(String(warn.mock.calls[0]![0])).toContain("no kernel worker could start (SecurityError: Worker creation is not allowed here)");
  await ssc.stop();
});
