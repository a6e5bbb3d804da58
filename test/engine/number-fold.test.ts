// foldNumbers (src/engine/number-fold.ts), the built-in reducers' fold, against foldWith with the
// same reducer: the same keys in the same order with the same values (-0 and NaN included), over
// array feeds and pushed feeds, when a key or value it does not hold arrives mid-way, and when
// its table grows many times.
import fc from "fast-check";
import { expect, it } from "vitest";
import type { Pair } from "../../src/core/executor.ts";
import { arrayFeed, type Feed } from "../../src/core/pipeline.ts";
import { max, min, sum } from "../../src/core/reducers.ts";
import { foldWith } from "../../src/engine/local-executor.ts";
import { foldNumbers } from "../../src/engine/number-fold.ts";

const shortKey = fc.oneof(fc.string({ maxLength: 16 }), fc.constantFrom("", "__proto__", "constructor", "sixteen-chars-ok", "😀", "é"));
const otherKey = fc.oneof(fc.constantFrom("seventeen-chars-x", "a much longer key than sixteen"), fc.integer({ min: -2, max: 2 }), fc.constantFrom(NaN, -0, 0, null), fc.tuple(fc.constantFrom("x", "y"), fc.nat(2)));
const number = fc.oneof(fc.integer({ min: -5, max: 5 }), fc.double(), fc.constantFrom(NaN, Infinity, -Infinity, -0, 0.1));
const otherValue = fc.oneof(fc.bigInt({ min: -3n, max: 3n }), fc.constantFrom("s", undefined));

/** Records mostly short-string keyed and numeric, sometimes not (then the rest folds through a KeyMap). */
const records = fc.array(
  fc.oneof({ arbitrary: fc.tuple(shortKey, number), weight: 8 }, { arbitrary: fc.tuple(otherKey, number), weight: 1 }, { arbitrary: fc.tuple(shortKey, otherValue), weight: 1 }),
  { maxLength: 120 },
);

const reducers = [
  ["sum", sum],
  ["min", min],
  ["max", max],
] as const;

/** A feed that pushes its records, without the array shortcut. */
function pushed<T>(records: readonly T[]): Feed<T> {
  return (sink) => records.forEach((r) => sink(r));
}

type Result = { keys: unknown[]; values: unknown[] } | { thrown: string };

/** The fold's result, or the name of what it threw (a number and a bigint do not add, in either fold). */
function attempt(fold: () => { keys: unknown[]; values: unknown[] }): Result {
  try {
    return fold();
  } catch (error) {
    return { thrown: (error as Error).name };
  }
}

function same(a: Result, b: Result): void {
  if ("thrown" in a || "thrown" in b) {
    expect(a).toEqual(b);
    return;
  }
  expect(a.keys.length).toBe(b.keys.length);
  a.keys.forEach((k, i) => {
    expect(Object.is(k, b.keys[i]) || (Array.isArray(k) && JSON.stringify(k) === JSON.stringify(b.keys[i]))).toBe(true);
    expect(Object.is(a.values[i], b.values[i])).toBe(true);
  });
}

for (const [tag, reducer] of reducers) {
  it(`folds by ${tag} as foldWith does with the reducer, over arrays and pushed feeds`, () => {
    const fn = reducer as unknown as (a: unknown, b: unknown) => unknown;
    fc.assert(
      fc.property(records, (rs) => {
        const input = rs as Pair<unknown, unknown>[];
        const expected = attempt(() => foldWith(arrayFeed(input), (v) => v, fn));
        same(attempt(() => foldNumbers(arrayFeed(input), tag, fn)), expected);
        same(attempt(() => foldNumbers(pushed(input), tag, fn)), expected);
      }),
      { numRuns: 300 },
    );
  });
}

it("keeps first-seen order and every sum through many growths of its table", () => {
  const keys = Array.from({ length: 5000 }, (_, i) => `k${(i * 7919) % 5000}`);
  const input: Pair<string, number>[] = [];
  for (let round = 0; round < 3; round++) keys.forEach((k, i) => input.push([k, i + round * 0.5]));
  const fn = sum as unknown as (a: unknown, b: unknown) => unknown;
  const got = foldNumbers(arrayFeed(input), "sum", fn);
  expect(got.keys).toEqual(keys);
  expect(got.values).toEqual(keys.map((_, i) => i + (i + 0.5) + (i + 1)));
});

it("hands over to a KeyMap mid-way without losing or reordering what it folded", () => {
  const input: Pair<unknown, unknown>[] = [
    ["b", 2],
    ["a", 1],
    ["b", 3],
    [["t", 1], 4],
    ["a", "x"],
    ["c", 5],
    ["a", 1],
    ["a much longer key than sixteen", 6],
    ["b", 0.5],
  ];
  const got = foldNumbers(arrayFeed(input), "sum", sum as unknown as (a: unknown, b: unknown) => unknown);
  expect(got.keys).toEqual(["b", "a", "c", "a much longer key than sixteen", ["t", 1]]);
  expect(got.values).toEqual([5.5, "1x1", 5, 6, 4]);
});

it("folds one partition after another in tables of 16k positions and more, no key of one showing in the next", () => {
  // 10k keys take the table to 32k positions; the next folds get its key arrays again.
  const fn = sum as unknown as (a: unknown, b: unknown) => unknown;
  const firstKeys = Array.from({ length: 10_000 }, (_, i) => `a${i}`);
  const first = foldNumbers(arrayFeed(firstKeys.map((k, i): Pair<string, number> => [k, i])), "sum", fn);
  expect(first.keys).toEqual(firstKeys);
  for (let round = 0; round < 3; round++) {
    // Half the keys are new, half the first fold's; one record that is not a number ends the table mid-way in the last round.
    const keys = Array.from({ length: 12_000 }, (_, i) => (i % 2 === 0 ? `b${round}-${i}` : `a${i}`));
    const input: Pair<unknown, unknown>[] = keys.map((k) => [k, 1]);
    if (round === 2) input.splice(11_000, 0, ["a1", "x"]);
    input.push(...keys.map((k): Pair<unknown, unknown> => [k, 2]));
    const got = foldNumbers(arrayFeed(input), "sum", fn);
    const expected = foldWith(arrayFeed(input), (v) => v, fn);
    expect(got.keys).toEqual(expected.keys);
    expect(got.values).toEqual(expected.values);
    expect(got.keys).toHaveLength(12_000);
  }
});
