import { describe, expect, it } from "vitest";
import { RivuletError } from "../../../src/index.ts";
import { RateLimiter } from "../../../src/sources/rate/rate-limiter.ts";

describe("RateLimiter", () => {
  it("is unlimited by default", () => {
    expect(new RateLimiter().recordsPerBatch(1000)).toBe(Infinity);
  });

  it("gives each batch the rate's share of the interval, at least one record", () => {
    expect(new RateLimiter(100).recordsPerBatch(1000)).toBe(100);
    expect(new RateLimiter(100).recordsPerBatch(250)).toBe(25);
    expect(new RateLimiter(2.5).recordsPerBatch(1000)).toBe(2);
    expect(new RateLimiter(0.1).recordsPerBatch(1000)).toBe(1);
  });

  it("starts at the initial rate and takes estimates, never above maxRate", () => {
    const limiter = new RateLimiter(500, 50);
    expect(limiter.currentRate).toBe(50);
    limiter.update(200);
    expect(limiter.currentRate).toBe(200);
    limiter.update(10_000);
    expect(limiter.currentRate).toBe(500);
    limiter.update(0);
    limiter.update(-5);
    expect(limiter.currentRate).toBe(500);
    expect(new RateLimiter(10, 1000).currentRate).toBe(10);
  });

  it("takes an estimate in whole records per second, as Spark publishes it (s.toLong), and ignores one below 1", () => {
    const limiter = new RateLimiter(Infinity, 1000);
    limiter.update(666.67);
    expect(limiter.currentRate).toBe(666);
    expect(limiter.recordsPerBatch(2000)).toBe(1332);
    limiter.update(0.9);
    expect(limiter.currentRate).toBe(666);
  });

  it("refuses rates that are not positive", () => {
    expect(() => new RateLimiter(0)).toThrow(RivuletError);
    expect(() => new RateLimiter(Number.NaN)).toThrow(/maxRate/);
    expect(() => new RateLimiter(Infinity, -1)).toThrow(/initialRate/);
  });
});
