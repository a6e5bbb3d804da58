import type { Clock } from "./clock.ts";

/**
 * Spark's RecurringTimer: calls back at every multiple of the period after a start time. The next
 * tick is scheduled before the callback runs, so a slow callback delays nothing on a system clock;
 * on a manual clock the callback's promise is awaited, which is what makes tests deterministic.
 */
export class RecurringTimer {
  private readonly clock: Clock;
  private readonly period: number;
  private readonly callback: (time: number) => void | Promise<void>;
  private cancel: (() => void) | undefined;
  private nextTime = 0;
  private stopped = false;

  constructor(clock: Clock, period: number, callback: (time: number) => void | Promise<void>) {
    this.clock = clock;
    this.period = period;
    this.callback = callback;
  }

  /** Starts ticking at `firstTime`. */
  start(firstTime: number): void {
    this.nextTime = firstTime;
    this.arm();
  }

  /** Stops ticking; returns the time of the last tick that ran. */
  stop(): number {
    this.stopped = true;
    this.cancel?.();
    return this.nextTime - this.period;
  }

  private arm(): void {
    const time = this.nextTime;
    this.cancel = this.clock.schedule(time, () => {
      if (this.stopped) return undefined;
      this.nextTime = time + this.period;
      this.arm();
      return this.callback(time);
    });
  }
}
