// The engine's workers in a cross-origin-isolated Chromium page (COOP/COEP headers from the test
// server): SharedArrayBuffer exists, so text batches are assembled in shared memory as chunks
// arrive and the two module workers read their slices in place, with exactly the plain-JS counts.
import { expect, it } from "vitest";
import { runFusedWordCountInWorkers } from "./fused-workers-run.ts";

it("counts words of large batches in two module workers through shared memory, with the plain-JS counts", async () => {
  expect(globalThis.crossOriginIsolated).toBe(true);
  expect(typeof SharedArrayBuffer).toBe("function");
  const run = await runFusedWordCountInWorkers();
  expect(run.out).toEqual(run.expected);
  expect(run.shuffles).toHaveLength(2);
  for (const m of run.shuffles) {
    expect(m.transport).toBe("shared");
    expect(m.slices).toBe(2);
    // Built in shared memory as the chunks arrived: nothing copied when the batch runs.
    expect(m.copiedBytes).toBe(0);
  }
  expect(run.liveWhileRunning).toBe(2);
  expect(run.liveAfterStop).toBe(0);
});
