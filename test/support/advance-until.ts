// Real I/O (a TCP socket, a BroadcastChannel, a MessagePort) delivers in event-loop turns a test
// cannot count: instead of guessing a delay, batches are advanced until the output holds.
import { vi } from "vitest";
import type { ManualClock } from "../../src/index.ts";

/** Advances `clock` a batch at a time until `check` passes (it throws while it does not); fails after `timeoutMs`. */
export async function advanceUntil(clock: ManualClock, check: () => void, timeoutMs = 5000): Promise<void> {
  await vi.waitFor(
    async () => {
      await clock.advance(1000);
      check();
    },
    { timeout: timeoutMs, interval: 10 },
  );
}
