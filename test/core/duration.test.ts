// Durations (src/core/duration.ts), Spark's Duration: whole milliseconds, never negative.
import { describe, expect, it } from "vitest";
import { Milliseconds, Minutes, RivuletError, Seconds } from "../../src/index.ts";

describe("Duration", () => {
  it("is whole milliseconds; seconds and minutes round to the nearest", () => {
    expect(Seconds(1.5).milliseconds).toBe(1500);
    expect(Minutes(0.5).milliseconds).toBe(30_000);
    expect(Seconds(0.0004).milliseconds).toBe(0);
    expect(String(Milliseconds(250))).toBe("250 ms");
  });

  it.each([
    ["Seconds(-1)", () => Seconds(-1)],
    ["Milliseconds(1.5)", () => Milliseconds(1.5)],
    ["Milliseconds(NaN)", () => Milliseconds(Number.NaN)],
    ["Minutes(Infinity)", () => Minutes(Number.POSITIVE_INFINITY)],
  ])("%s is refused with INVALID_ARGUMENT", (_name, make) => {
    expect(make).toThrow(RivuletError);
    expect(make).toThrow(/non-negative whole number of milliseconds/);
  });

  it("is a multiple of another only when that one is positive (Spark's isMultipleOf)", () => {
    expect(Seconds(4).isMultipleOf(Seconds(2))).toBe(true);
    expect(Seconds(3).isMultipleOf(Seconds(2))).toBe(false);
    expect(Seconds(0).isMultipleOf(Seconds(2))).toBe(true);
    expect(Seconds(2).isMultipleOf(Milliseconds(0))).toBe(false);
  });
});
