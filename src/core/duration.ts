import { RivuletError } from "./errors.ts";

/**
 * A span of time in whole milliseconds, Spark's `Duration`. Batch intervals, windows and slides
 * are durations; batch times are plain numbers (milliseconds since the clock's epoch).
 */
export class Duration {
  readonly milliseconds: number;

  constructor(milliseconds: number) {
    if (!Number.isSafeInteger(milliseconds) || milliseconds < 0) {
      throw new RivuletError("INVALID_ARGUMENT", `a duration must be a non-negative whole number of milliseconds, got ${milliseconds}`);
    }
    this.milliseconds = milliseconds;
  }

  /** True when this duration is a whole multiple of `other` (Spark's `isMultipleOf`). */
  isMultipleOf(other: Duration): boolean {
    return other.milliseconds > 0 && this.milliseconds % other.milliseconds === 0;
  }

  plus(other: Duration): Duration {
    return new Duration(this.milliseconds + other.milliseconds);
  }

  times(n: number): Duration {
    return new Duration(this.milliseconds * n);
  }

  max(other: Duration): Duration {
    return this.milliseconds >= other.milliseconds ? this : other;
  }

  toString(): string {
    return `${this.milliseconds} ms`;
  }
}

/** A duration of `ms` milliseconds. */
export function Milliseconds(ms: number): Duration {
  return new Duration(ms);
}

/** A duration of `s` seconds. */
export function Seconds(s: number): Duration {
  return new Duration(Math.round(s * 1000));
}

/** A duration of `m` minutes. */
export function Minutes(m: number): Duration {
  return new Duration(Math.round(m * 60_000));
}
