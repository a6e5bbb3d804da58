// The worker pool on real Node worker threads: lazy start, reuse, close() leaves no thread.
import { afterAll, describe, expect, it } from "vitest";
import { nodeSpawner } from "../../../src/engine/workers/node/spawn.ts";
import { WorkerPool } from "../../../src/engine/workers/pool.ts";
import { parallelWordCount } from "../../../src/engine/workers/shuffle.ts";
import { decodeKeys } from "../../../src/engine/kernels/columnar.ts";
import { spawnSync } from "node:child_process";
import { bundleScript, nodePool, removeWorkerBundle, workerUrl } from "./support.ts";

afterAll(removeWorkerBundle);

const text = new TextEncoder().encode("a b c\nb c\nc\n".repeat(1000));

function counts(parts: readonly { keys: Parameters<typeof decodeKeys>[0]; values: Float64Array }[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const p of parts) decodeKeys(p.keys).forEach((k, i) => (out[String(k)] = p.values[i]!));
  return out;
}

describe("WorkerPool (Node worker_threads)", () => {
  it("starts no worker until used, then at most `size`, and reuses them", async () => {
    const { pool, threads } = await nodePool({ size: 2 });
    expect(threads.started).toBe(0);
    expect(pool.liveWorkers).toBe(0);
    for (let i = 0; i < 5; i++) {
      const parts = await parallelWordCount(pool, text, 3, { minSliceSize: 0 });
      expect(counts(parts)).toEqual({ a: 1000, b: 2000, c: 3000 });
    }
    expect(threads.started).toBe(2);
    expect(pool.liveWorkers).toBe(2);
    expect(pool.kernelKind).toBe("wasm");
    await pool.close();
  });

  it("close() terminates every worker: none outlives it (Node's exit events), idempotent", async () => {
    const { pool, threads } = await nodePool({ size: 3 });
    await Promise.all([1, 2, 3].map(() => parallelWordCount(pool, text, 4, { minSliceSize: 0 })));
    expect(threads.started).toBe(3);
    expect(threads.exited).toBe(0);
    const closing = pool.close();
    expect(pool.close()).toBe(closing);
    await closing;
    expect(threads.exited).toBe(threads.started);
    expect(pool.liveWorkers).toBe(0);
    await pool.close();
    await expect(parallelWordCount(pool, text, 2)).rejects.toMatchObject({ code: "ILLEGAL_STATE" });
  });

  it("close() during tasks fails them and still leaves no worker", async () => {
    const { pool, threads } = await nodePool({ size: 2 });
    const big = new TextEncoder().encode("x y z w\n".repeat(200_000));
    const running = Promise.allSettled([1, 2, 3, 4].map(() => parallelWordCount(pool, big, 2, { minSliceSize: 0 })));
    // Close as soon as the first worker has started.
    await new Promise<void>((resolve) => {
      const poll = (): void => (threads.started > 0 ? resolve() : void setImmediate(poll));
      poll();
    });
    await pool.close();
    expect(threads.exited).toBe(threads.started);
    const settled = await running;
    for (const s of settled) if (s.status === "rejected") expect(s.reason).toMatchObject({ code: "ILLEGAL_STATE" });
  });

  it("a closed pool that was never used starts nothing", async () => {
    const { pool, threads } = await nodePool({ size: 4 });
    await pool.close();
    expect(threads.started).toBe(0);
  });

  it("posts the compiled module once per worker; workers need no bytes", async () => {
    let compiled = 0;
    const { compileKernels } = await import("../../../src/engine/kernels/load.ts");
    const { pool } = await nodePool({
      size: 2,
      module: () => {
        compiled++;
        return compileKernels();
      },
    });
    await parallelWordCount(pool, text, 2, { minSliceSize: 0 });
    await parallelWordCount(pool, text, 2, { minSliceSize: 0 });
    expect(compiled).toBe(1);
    await pool.close();
  });

  it("an idle pool that was never closed does not keep Node alive (idle workers are unref'd)", async () => {
    const script = await bundleScript("idle-pool");
    const child = spawnSync(process.execPath, [script, (await workerUrl()).href], { encoding: "utf8", timeout: 15_000 });
    expect(child.error).toBeUndefined(); // no timeout: the process ended by itself
    expect(child.status).toBe(0);
    expect(child.stdout.trim()).toBe("live=2 keys=2");
  });

  it("rejects a bad size", () => {
    expect(() => new WorkerPool({ size: 0, spawn: nodeSpawner() })).toThrow(/positive integer/);
    expect(() => new WorkerPool({ size: 1.5, spawn: nodeSpawner() })).toThrow(/positive integer/);
  });
});
