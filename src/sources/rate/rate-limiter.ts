import { RivuletError } from "../../core/errors.ts";

/**
 * How many records one input may take per batch: Spark's receiver rate limit. `maxRate` (records
 * per second, `spark.streaming.receiver.maxRate`) is a ceiling; backpressure lowers or raises the
 * current rate below it after each batch. Records over a batch's share stay with the source for
 * the next batch, and a source holding a full batch stops pulling from its producer.
 */
export class RateLimiter {
  private readonly maxRate: number;
  private rate: number;

  /** `maxRate`: the ceiling (Infinity: none); `initialRate`: the rate before the first estimate. */
  constructor(maxRate = Infinity, initialRate = Infinity) {
    positiveRate("maxRate", maxRate);
    positiveRate("initialRate", initialRate);
    this.maxRate = maxRate;
    this.rate = Math.min(initialRate, maxRate);
  }

  /** The current rate in records per second (Infinity when unlimited). */
  get currentRate(): number {
    return this.rate;
  }

  /**
   * Takes a new estimate, never above `maxRate`, in whole records per second as Spark publishes
   * it (`rateLimit.set(s.toLong)`); an estimate below one record a second is ignored, as Spark
   * ignores a non-positive rate.
   */
  update(rate: number): void {
    const whole = Math.trunc(rate);
    if (whole > 0) this.rate = Math.min(whole, this.maxRate);
  }

  /**
   * Records a batch of `intervalMs` may take: the rate's share of the interval, at least one so
   * that a very low rate still makes progress (Spark's direct streams round the same way).
   */
  recordsPerBatch(intervalMs: number): number {
    if (this.rate === Infinity) return Infinity;
    return Math.max(1, Math.floor((this.rate * intervalMs) / 1000));
  }
}

function positiveRate(name: string, rate: number): void {
  if (!(rate > 0)) throw new RivuletError("INVALID_ARGUMENT", `${name} must be a positive number of records per second (or Infinity), got ${rate}`);
}
