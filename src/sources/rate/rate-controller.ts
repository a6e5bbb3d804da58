import type { PIDRateEstimator } from "./pid-estimator.ts";
import type { RateLimiter } from "./rate-limiter.ts";

/** The part of a completed batch's `BatchInfo` that backpressure learns from. */
export interface CompletedBatch {
  readonly processingEndTime: number | undefined;
  readonly processingDelay: number | undefined;
  readonly schedulingDelay: number | undefined;
  readonly streamIdToInputInfo: ReadonlyMap<number, { readonly numRecords: number }>;
}

/**
 * Spark's `RateController`: a streaming listener for one input stream that, after every batch,
 * asks the estimator for a new rate from how long the batch took with how many of this input's
 * records, and hands it to the input's limiter, which bounds the next batches.
 */
export class RateController {
  private readonly streamId: number;
  private readonly estimator: PIDRateEstimator;
  private readonly limiter: RateLimiter;

  constructor(streamId: number, estimator: PIDRateEstimator, limiter: RateLimiter) {
    this.streamId = streamId;
    this.estimator = estimator;
    this.limiter = limiter;
  }

  onBatchCompleted(event: { readonly batchInfo: CompletedBatch }): void {
    const { processingEndTime, processingDelay, schedulingDelay, streamIdToInputInfo } = event.batchInfo;
    const input = streamIdToInputInfo.get(this.streamId);
    if (processingEndTime === undefined || processingDelay === undefined || schedulingDelay === undefined || !input) return;
    const rate = this.estimator.compute(processingEndTime, input.numRecords, processingDelay, schedulingDelay);
    if (rate !== undefined) this.limiter.update(rate);
  }
}
