// Spark's StatCounter (src/core/stat-counter.ts) and the statistics actions of a batch of numbers:
// stats, variance, stdev, sampleVariance, sampleStdev.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Batch } from "../../src/core/batch.ts";
import { StatCounter } from "../../src/core/stat-counter.ts";
import { LocalExecutor } from "../../src/engine/local-executor.ts";

const executor = new LocalExecutor(2);
const parts = (...partitions: number[][]): Batch<number> => Batch.fromPartitions(partitions, executor);

/** The textbook two passes: the mean, then the squared deviations from it. */
function twoPass(xs: readonly number[]): { mean: number; m2: number } {
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  return { mean, m2: xs.reduce((a, x) => a + (x - mean) * (x - mean), 0) };
}

describe("StatCounter", () => {
  it("counts [1, 2, 3, 4]", () => {
    const s = new StatCounter([1, 2, 3, 4]);
    expect(s.count).toBe(4);
    expect(s.mean).toBe(2.5);
    expect(s.sum).toBe(10);
    expect(s.max).toBe(4);
    expect(s.min).toBe(1);
    // Squared deviations 2.25 + 0.25 + 0.25 + 2.25 = 5.
    expect(s.variance).toBe(1.25);
    expect(s.popVariance).toBe(1.25);
    expect(s.sampleVariance).toBeCloseTo(5 / 3, 15);
    expect(s.stdev).toBe(Math.sqrt(1.25));
    expect(s.sampleStdev).toBeCloseTo(Math.sqrt(5 / 3), 15);
    expect(String(s)).toBe("(count: 4, mean: 2.500000, stdev: 1.118034, max: 4.000000, min: 1.000000)");
  });

  it("has Spark's values for no number and for one", () => {
    const none = new StatCounter();
    expect([none.count, none.mean, none.sum, none.max, none.min]).toEqual([0, 0, 0, -Infinity, Infinity]);
    expect(none.variance).toBeNaN();
    expect(none.sampleVariance).toBeNaN();
    const one = new StatCounter([7]);
    expect([one.count, one.mean, one.variance, one.stdev, one.max, one.min]).toEqual([1, 7, 0, 0, 7, 7]);
    expect(one.sampleStdev).toBeNaN();
  });

  it("merges numbers, iterables and counters, itself included, and copies independently", () => {
    const a = new StatCounter([1, 2]);
    const b = new StatCounter([3, 4]);
    expect(a.copy().merge(b).merge(5).merge([6, 7])).toEqual(new StatCounter([1, 2, 3, 4, 5, 6, 7]));
    const copy = a.copy();
    copy.merge(100);
    expect(a.count).toBe(2);
    // Merging a counter with itself doubles what it counted.
    const self = new StatCounter([1, 3]);
    self.merge(self);
    expect([self.count, self.mean, self.variance]).toEqual([4, 2, 1]);
    expect(new StatCounter().merge(b)).toEqual(b);
    expect(b.copy().merge(new StatCounter())).toEqual(b);
  });

  it("keeps the variance where the mean dwarfs the spread (no cancellation)", () => {
    // Deviations from 1e9 + 10 of -6, -3, 3, 6: 90 / 4 = 22.5. A sum of squares minus the squared
    // sum loses every digit of it at this magnitude.
    const s = new StatCounter([1e9 + 4, 1e9 + 7, 1e9 + 13, 1e9 + 16]);
    expect(s.mean).toBe(1e9 + 10);
    expect(s.variance).toBeCloseTo(22.5, 6);
    const merged = new StatCounter([1e9 + 4, 1e9 + 7]).merge(new StatCounter([1e9 + 13, 1e9 + 16]));
    expect(merged.variance).toBeCloseTo(22.5, 6);
  });

  it("is NaN in max and min once a NaN is counted, as Java's Math.max", () => {
    const s = new StatCounter([1, NaN, 3]);
    expect(s.max).toBeNaN();
    expect(s.min).toBeNaN();
    expect(s.mean).toBeNaN();
  });
});

describe("Batch.stats and the variance actions", () => {
  it("merge a counter per partition, empty partitions included", async () => {
    const batch = parts([1, 2], [], [3, 4]);
    const s = await batch.stats();
    expect(s).toBeInstanceOf(StatCounter);
    expect([s.count, s.mean, s.sum, s.max, s.min, s.variance]).toEqual([4, 2.5, 10, 4, 1, 1.25]);
    expect(await batch.variance()).toBe(1.25);
    expect(await batch.stdev()).toBe(Math.sqrt(1.25));
    expect(await batch.sampleVariance()).toBeCloseTo(5 / 3, 15);
    expect(await batch.sampleStdev()).toBeCloseTo(Math.sqrt(5 / 3), 15);
  });

  it("give count 0, mean 0 and NaN variances for an empty batch", async () => {
    const empty = parts([], []);
    const s = await empty.stats();
    expect([s.count, s.mean, s.max, s.min]).toEqual([0, 0, -Infinity, Infinity]);
    expect(await empty.variance()).toBeNaN();
    expect(await empty.stdev()).toBeNaN();
    expect(await parts([5]).sampleVariance()).toBeNaN();
    expect(await Batch.fromPartitions<number>([], executor).stats()).toEqual(new StatCounter());
  });

  it("equal a naive two-pass computation within tolerance, however the numbers are partitioned (property)", async () => {
    const value = fc.oneof(fc.double({ min: -1e6, max: 1e6, noNaN: true }), fc.integer({ min: -1000, max: 1000 }).map((x) => 1e8 + x));
    await fc.assert(
      fc.asyncProperty(fc.array(fc.array(value, { maxLength: 20 }), { minLength: 1, maxLength: 5 }), async (ps) => {
        const xs = ps.flat();
        fc.pre(xs.length > 0);
        const s = await parts(...ps).stats();
        const { mean, m2 } = twoPass(xs);
        const scale = Math.max(1, ...xs.map(Math.abs));
        expect(s.count).toBe(xs.length);
        expect(Math.abs(s.mean - mean)).toBeLessThanOrEqual(1e-12 * scale);
        expect(Math.abs(s.sum - mean * xs.length)).toBeLessThanOrEqual(1e-12 * scale * xs.length);
        // The spread's own scale: relative to the squared deviations, not to the squared mean.
        const spread = Math.max(1e-300, m2 / xs.length);
        expect(Math.abs(s.variance - m2 / xs.length)).toBeLessThanOrEqual(1e-9 * spread + 1e-12 * scale);
        if (xs.length > 1) expect(Math.abs(s.sampleVariance - m2 / (xs.length - 1))).toBeLessThanOrEqual(1e-9 * spread + 1e-12 * scale);
        expect(s.max).toBe(Math.max(...xs));
        expect(s.min).toBe(Math.min(...xs));
      }),
    );
  });
});
