import { RivuletError } from "../../core/errors.ts";

/** The gains and floor of Spark's PID rate estimator (`spark.streaming.backpressure.pid.*`). */
export interface PIDOptions {
  /** Weight of the gap between the last rate and the rate the last batch was processed at; default 1. */
  readonly proportional?: number;
  /** Weight of the backlog that the scheduling delay stands for; default 0.2. */
  readonly integral?: number;
  /** Weight of the change of the gap since the previous batch; default 0. */
  readonly derivative?: number;
  /** The rate, in records per second, the estimate never goes below; default 100. */
  readonly minRate?: number;
}

/**
 * Spark's `PIDRateEstimator`: after each batch, the rate (records per second) an input should
 * take so that a batch is processed within the batch interval. The error is the gap between the
 * last estimate and the rate the batch was actually processed at; the scheduling delay, which
 * only grows when batches queue up, stands for the accumulated error.
 */
export class PIDRateEstimator {
  private readonly batchIntervalMs: number;
  private readonly proportional: number;
  private readonly integral: number;
  private readonly derivative: number;
  private readonly minRate: number;
  private firstRun = true;
  private latestTime = -1;
  private latestRate = -1;
  private latestError = -1;

  constructor(batchIntervalMs: number, options: PIDOptions = {}) {
    this.batchIntervalMs = batchIntervalMs;
    this.proportional = gain("proportional", options.proportional ?? 1);
    this.integral = gain("integral", options.integral ?? 0.2);
    this.derivative = gain("derivative", options.derivative ?? 0);
    this.minRate = options.minRate ?? 100;
    if (!(batchIntervalMs > 0)) throw new RivuletError("INVALID_ARGUMENT", `the batch interval must be positive, got ${batchIntervalMs}`);
    if (!(this.minRate > 0) || !Number.isFinite(this.minRate)) {
      throw new RivuletError("INVALID_ARGUMENT", `backpressure minRate must be a positive number of records per second, got ${this.minRate}`);
    }
  }

  /**
   * The new rate after the batch that ended at `time` processed `elements` records in
   * `processingDelay` ms after waiting `schedulingDelay` ms; undefined when there is nothing to
   * learn from it (no records, no measurable processing time, a batch older than the last one)
   * and on the first batch, which only sets the starting point.
   */
  compute(time: number, elements: number, processingDelay: number, schedulingDelay: number): number | undefined {
    if (!(time > this.latestTime && elements > 0 && processingDelay > 0)) return undefined;
    const secondsSinceUpdate = (time - this.latestTime) / 1000;
    const processingRate = (elements / processingDelay) * 1000;
    const error = this.latestRate - processingRate;
    // A scheduling delay of s ms means s × processingRate records overflowed earlier batches;
    // spread over a batch interval, that is the rate the estimate was too high by.
    const historicalError = (schedulingDelay * processingRate) / this.batchIntervalMs;
    const dError = (error - this.latestError) / secondsSinceUpdate;
    const newRate = Math.max(this.latestRate - this.proportional * error - this.integral * historicalError - this.derivative * dError, this.minRate);
    this.latestTime = time;
    if (this.firstRun) {
      this.latestRate = processingRate;
      this.latestError = 0;
      this.firstRun = false;
      return undefined;
    }
    this.latestRate = newRate;
    this.latestError = error;
    return newRate;
  }
}

function gain(name: string, value: number): number {
  if (!(value >= 0) || !Number.isFinite(value)) {
    throw new RivuletError("INVALID_ARGUMENT", `backpressure ${name} gain must be a finite number ≥ 0, got ${value}`);
  }
  return value;
}
