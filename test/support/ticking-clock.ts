import type { Clock } from "../../src/index.ts";

/**
 * Fires what falls due only when told and does not wait for it, as the system clock: a batch
 * still running when the next interval ends leaves the next one queued behind it.
 */
export class TickingClock implements Clock {
  private time = 0;
  private pending: { time: number; fn: () => void | Promise<void> }[] = [];

  now(): number {
    return this.time;
  }

  schedule(time: number, fn: () => void | Promise<void>): () => void {
    const entry = { time, fn };
    this.pending.push(entry);
    return () => void (this.pending = this.pending.filter((p) => p !== entry));
  }

  tick(time: number): void {
    this.time = time;
    const due = this.pending.filter((p) => p.time <= time);
    this.pending = this.pending.filter((p) => p.time > time);
    for (const p of due) void p.fn();
  }
}

/** A promise and its resolve, for a test to hold an output or a source until it says. */
export function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}
