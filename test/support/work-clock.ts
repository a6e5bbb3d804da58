import { type Clock, ManualClock } from "../../src/index.ts";

/**
 * A manual clock whose readings also move while a batch is processed, by what the job says it
 * took (processing time is what backpressure measures); batches still fire at their times.
 */
export class WorkClock implements Clock {
  readonly manual = new ManualClock();
  private worked = 0;
  now(): number {
    return this.manual.now() + this.worked;
  }
  schedule(time: number, fn: () => void | Promise<void>): () => void {
    return this.manual.schedule(time, fn);
  }
  addSettleHook(hook: () => Promise<unknown>): () => void {
    return this.manual.addSettleHook(hook);
  }
  work(ms: number): void {
    this.worked += ms;
  }
}
