/**
 * Clocks. The scheduler never reads the time or sets a timer except through its clock, so tests
 * drive it with a `ManualClock` and get the same batches every run, without sleeping.
 */
export interface Clock {
  /** Milliseconds since the clock's epoch. */
  now(): number;
  /**
   * Calls `fn` once the clock reaches `time`. A manual clock awaits the promise `fn` returns
   * before moving on; a system clock does not wait for it. Returns a function that cancels.
   */
  schedule(time: number, fn: () => void | Promise<void>): () => void;
}

/** Wall-clock time: `Date.now()` and `setTimeout`. */
export class SystemClock implements Clock {
  now(): number {
    return Date.now();
  }

  schedule(time: number, fn: () => void | Promise<void>): () => void {
    const handle = setTimeout(() => void fn(), Math.max(0, time - Date.now()));
    return () => clearTimeout(handle);
  }
}

interface Pending {
  readonly time: number;
  readonly seq: number;
  readonly fn: () => void | Promise<void>;
}

/**
 * Time that moves only when told to, Spark's ManualClock. `advance(ms)` runs, in time order,
 * everything scheduled up to the new time, setting the clock to each one's time as it runs and
 * awaiting it, so it resolves once every batch due by then has been generated and its output
 * operations have finished.
 */
export class ManualClock implements Clock {
  private time: number;
  private pending: Pending[] = [];
  private seq = 0;
  private running: Promise<void> = Promise.resolve();
  private readonly settleHooks = new Set<() => Promise<unknown>>();

  constructor(startTime = 0) {
    this.time = startTime;
  }

  now(): number {
    return this.time;
  }

  schedule(time: number, fn: () => void | Promise<void>): () => void {
    const entry: Pending = { time, seq: this.seq++, fn };
    this.pending.push(entry);
    return () => {
      this.pending = this.pending.filter((p) => p !== entry);
    };
  }

  /**
   * Registers a wait run before each scheduled callback: a context waits there for its sources
   * to finish taking in what was already handed to them. Returns a function that unregisters.
   */
  addSettleHook(hook: () => Promise<unknown>): () => void {
    this.settleHooks.add(hook);
    return () => this.settleHooks.delete(hook);
  }

  /** Moves the clock forward by `ms` and runs what falls due, in order. */
  advance(ms: number): Promise<void> {
    // The target is read when this advance's turn comes, so queued advances add up.
    const run = this.running.then(() => this.runUntil(this.time + ms));
    this.running = run.catch(() => undefined);
    return run;
  }

  /** Moves the clock to `time` (never backwards) and runs what falls due, in order. */
  setTime(time: number): Promise<void> {
    // Advances queue behind each other so two calls never interleave their callbacks.
    const run = this.running.then(() => this.runUntil(time));
    this.running = run.catch(() => undefined);
    return run;
  }

  private async runUntil(target: number): Promise<void> {
    for (;;) {
      // Let pending I/O callbacks (stream reads, receivers) deliver what they already have, so
      // data handed over before the call lands in the batch it was given for.
      await yieldToEventLoop();
      await Promise.all([...this.settleHooks].map((hook) => hook()));
      const next = this.earliest(target);
      if (!next) break;
      this.pending = this.pending.filter((p) => p !== next);
      if (next.time > this.time) this.time = next.time;
      await next.fn();
    }
    if (target > this.time) this.time = target;
  }

  private earliest(target: number): Pending | undefined {
    let best: Pending | undefined;
    for (const p of this.pending) {
      if (p.time > target) continue;
      if (!best || p.time < best.time || (p.time === best.time && p.seq < best.seq)) best = p;
    }
    return best;
  }
}

/** Resolves after every queued microtask has run: a macrotask turn. */
function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}
