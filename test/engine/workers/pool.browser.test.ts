// The worker pool in real Chromium: module Web Workers (src/worker-entry/web.ts, served by Vite), the
// compiled module posted to each worker, the two-phase shuffle equal to the in-thread kernels,
// a crashed worker replaced, close() ending every worker.
import { describe, expect, it } from "vitest";
import { loadKernels } from "../../../src/engine/kernels/load.ts";
import type { Aggregate, PartitionedAggregate } from "../../../src/engine/kernels/types.ts";
import { WorkerPool } from "../../../src/engine/workers/pool.ts";
import { parallelWordCount } from "../../../src/engine/workers/shuffle.ts";
import { observeSpawn } from "../../../src/engine/workers/spawn.ts";
import { webSpawner } from "../../../src/engine/workers/web/spawn.ts";

const url = new URL("../../../src/worker-entry/web.ts", import.meta.url);

function same(actual: readonly Aggregate[], expected: PartitionedAggregate): void {
  expect(actual.length).toBe(expected.length);
  actual.forEach((a, p) => {
    const e = expected[p]!;
    expect(a.keys).toEqual(e.keys);
    expect(Array.from(a.hashes)).toEqual(Array.from(e.hashes));
    expect(Array.from(a.values)).toEqual(Array.from(e.values));
  });
}

describe("WorkerPool (Chromium module workers)", () => {
  it("runs the word count in workers, equal to the in-thread kernel, survives a crash, closes", async () => {
    const kernels = await loadKernels({ implementation: "wasm" });
    let started = 0;
    let died = 0;
    const spawn = observeSpawn(webSpawner({ url }), (h) => {
      started++;
      h.onDeath(() => died++);
    });
    const pool = new WorkerPool({
      size: 2,
      spawn,
      onTask: (t) => (t.seq === 1 ? { at: "start", kind: "throw" } : t.seq === 3 ? void t.terminateWorker() : undefined),
    });
    const text = new TextEncoder().encode("le chat\nthe cat 日本\r\nle 😀 cat\n".repeat(2000));
    for (const n of [1, 3]) same(await parallelWordCount(pool, text, n, { minSliceSize: 0 }), kernels.wordCount(text, n));
    expect(pool.kernelKind).toBe("wasm");
    expect(started).toBeGreaterThanOrEqual(3);
    await pool.close();
    expect(died).toBe(started);
    expect(pool.liveWorkers).toBe(0);
  });
});
