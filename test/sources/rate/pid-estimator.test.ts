import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { RivuletError } from "../../../src/index.ts";
import { PIDRateEstimator } from "../../../src/sources/rate/pid-estimator.ts";

const INTERVAL = 1000;

describe("PIDRateEstimator", () => {
  it("gives no estimate for the first batch, which only sets the starting point", () => {
    const pid = new PIDRateEstimator(INTERVAL);
    expect(pid.compute(1000, 2000, 1000, 0)).toBeUndefined();
    // The starting point is the processing rate of that batch: 2000 records in 1 s.
    expect(pid.compute(2000, 2000, 1000, 0)).toBe(2000);
  });

  it("learns nothing from a batch without records, without processing time, or older than the last", () => {
    const pid = new PIDRateEstimator(INTERVAL);
    expect(pid.compute(1000, 0, 1000, 0)).toBeUndefined();
    expect(pid.compute(1000, 100, 0, 0)).toBeUndefined();
    expect(pid.compute(2000, 1000, 1000, 0)).toBeUndefined(); // the first real one
    expect(pid.compute(1500, 1000, 1000, 0)).toBeUndefined();
    expect(pid.compute(2000, 1000, 1000, 0)).toBeUndefined();
    expect(pid.compute(3000, 1000, 1000, 0)).toBe(1000);
  });

  it("with the proportional term alone, follows the processing rate of the last batch", () => {
    const pid = new PIDRateEstimator(INTERVAL, { proportional: 1, integral: 0, derivative: 0, minRate: 1 });
    pid.compute(1000, 5000, 1000, 0);
    expect(pid.compute(2000, 5000, 2000, 0)).toBe(2500);
    expect(pid.compute(3000, 2500, 500, 0)).toBe(5000);
    expect(pid.compute(4000, 100, 1000, 0)).toBe(100);
  });

  it("lowers the rate by the backlog that a scheduling delay stands for", () => {
    const pid = new PIDRateEstimator(INTERVAL, { proportional: 1, integral: 0.2, derivative: 0, minRate: 1 });
    pid.compute(1000, 1000, 1000, 0);
    // Processed at 1000/s, no error; a 500 ms delay is 500 records overflowing, spread over 1 s:
    // 1000 - 0.2 × 500.
    expect(pid.compute(2000, 1000, 1000, 500)).toBe(900);
  });

  it("never goes below minRate", () => {
    const pid = new PIDRateEstimator(INTERVAL, { minRate: 250 });
    pid.compute(1000, 10, 1000, 0);
    expect(pid.compute(2000, 10, 1000, 10_000)).toBe(250);
  });

  it("with a steady job and no delay, holds the rate the job processes at", () => {
    fc.assert(
      fc.property(fc.integer({ min: 100, max: 1_000_000 }), fc.integer({ min: 1, max: 60_000 }), (records, processingMs) => {
        const pid = new PIDRateEstimator(INTERVAL);
        const rate = Math.max((records / processingMs) * 1000, 100);
        pid.compute(1000, records, processingMs, 0);
        for (let t = 2000; t < 6000; t += 1000) expect(pid.compute(t, records, processingMs, 0)).toBeCloseTo(rate, 6);
      }),
    );
  });

  it("refuses negative gains and a minRate that is not positive", () => {
    expect(() => new PIDRateEstimator(INTERVAL, { proportional: -1 })).toThrow(RivuletError);
    expect(() => new PIDRateEstimator(INTERVAL, { integral: -0.1 })).toThrow(/integral/);
    expect(() => new PIDRateEstimator(INTERVAL, { derivative: Number.NaN })).toThrow(/derivative/);
    expect(() => new PIDRateEstimator(INTERVAL, { minRate: 0 })).toThrow(/minRate/);
  });
});
