// The engine's workers in Chromium through the public API, in-page style: the fused word count
// of batches of 64 KiB or more runs in two module Web Workers (transfer: this page is not
// cross-origin isolated, so there is no SharedArrayBuffer; the batch's segments are handed over
// without a copy), with exactly the plain-JS counts; stop() ends the workers.
import { expect, it } from "vitest";
import { runFusedWordCountInWorkers } from "./fused-workers-run.ts";

it("counts words of large batches in two module workers, by transfer, with the plain-JS counts", async () => {
  expect(typeof SharedArrayBuffer).toBe("undefined");
  const run = await runFusedWordCountInWorkers();
  expect(run.out).toEqual(run.expected);
  expect(run.shuffles).toHaveLength(2);
  for (const m of run.shuffles) {
    expect(m.transport).toBe("transfer");
    expect(m.slices).toBe(2);
    // The text source kept each batch as line-ended segments too: whole ones were transferred.
    expect(m.copiedBytes).toBe(0);
  }
  expect(run.liveWhileRunning).toBe(2);
  expect(run.liveAfterStop).toBe(0);
});
