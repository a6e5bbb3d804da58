// The partitions an incremental window keeps from one slide to the next (src/dstream/window-state.ts):
// updated in place, they must give exactly what a map rebuilt from the previous window's records
// gives, keys in the same order.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Pair } from "../../src/core/executor.ts";
import { KeyMap } from "../../src/core/keys.ts";
import { type WindowEntry, WindowPartition } from "../../src/dstream/window-state.ts";

const add = (a: number, b: number): number => a + b;
const subtract = (a: number, b: number): number => a - b;
const keepNone = (): boolean => false;
const keepAll = (): boolean => true;

/** One slide the way it was done before the partitions were kept: a fresh map from the previous window's records. */
function rebuilt<K>(
  previous: readonly [K, WindowEntry<number>][],
  olds: readonly Pair<K, number>[][],
  news: readonly Pair<K, number>[][],
  keepEmpty: (k: K, v: number) => boolean,
): [K, WindowEntry<number>][] {
  const entries = new KeyMap<{ value: number; count: number }>();
  for (const [k, [value, count]] of previous) entries.set(k, { value, count });
  for (const batch of olds) {
    for (const [k, v] of batch) {
      const e = entries.get(k);
      if (e) (e.value = subtract(e.value, v)), e.count--;
      else entries.set(k, { value: subtract(undefined as unknown as number, v), count: -1 });
    }
  }
  for (const batch of news) {
    for (const [k, v] of batch) {
      const e = entries.get(k);
      if (!e) entries.set(k, { value: v, count: 1 });
      else (e.value = e.count === 0 ? v : add(e.value, v)), e.count++;
    }
  }
  const out: [K, WindowEntry<number>][] = [];
  entries.forEach((e, k) => {
    if (e.count > 0 || (e.count === 0 && keepEmpty(k as K, e.value))) out.push([k as K, [e.value, e.count]]);
  });
  return out;
}

/** A per-batch reduction: each key once, with a value. */
function reduction<K>(keys: readonly K[], value: number): Pair<K, number>[] {
  const seen = new KeyMap<true>();
  const out: Pair<K, number>[] = [];
  for (const k of keys) {
    if (seen.get(k)) continue;
    seen.set(k, true);
    out.push([k, value]);
  }
  return out;
}

describe("WindowPartition", () => {
  it("keeps the previous keys' order, appends new keys as first seen, plain keys before array keys", () => {
    const part = WindowPartition.of<unknown, number>([["b", [2, 1]], [["t", 1], [5, 1]], ["a", [1, 1]]]);
    part.add([["c", 3], [["t", 1], 1], [["u"], 4], [0, 7]], add);
    expect(part.entries(keepNone)).toEqual([["b", [2, 1]], ["a", [1, 1]], ["c", [3, 1]], [0, [7, 1]], [["t", 1], [6, 2]], [["u"], [4, 1]]]);
  });

  it("drops a key no batch of the window holds when told to, and a returning key comes last", () => {
    const part = WindowPartition.of<string, number>([["x", [1, 1]], ["y", [2, 1]]]);
    part.subtract([["x", 1]], subtract);
    expect(part.entries(keepNone)).toEqual([["y", [2, 1]]]);
    part.add([["x", 5]], add);
    expect(part.entries(keepNone)).toEqual([["y", [2, 1]], ["x", [5, 1]]]);
  });

  it("keeps a key no batch holds with the value the inverse left it, asking once per slide, and starts it again from its next batch", () => {
    const part = WindowPartition.of<string, number>([["x", [1, 1]], ["y", [2, 1]]]);
    part.subtract([["x", 1]], subtract);
    const asked: [string, number][] = [];
    const keep = (k: string, v: number): boolean => (asked.push([k, v]), true);
    expect(part.entries(keep)).toEqual([["x", [0, 0]], ["y", [2, 1]]]);
    expect(part.entries(keep)).toEqual([["x", [0, 0]], ["y", [2, 1]]]);
    expect(asked).toEqual([["x", 0], ["x", 0]]);
    part.add([["x", 5]], add);
    expect(part.entries(keepNone)).toEqual([["x", [5, 1]], ["y", [2, 1]]]);
  });

  it("drops a key a leaving batch holds but the window does not, whatever it is told", () => {
    const part = WindowPartition.of<string, number>([["y", [2, 1]]]);
    part.subtract([["x", 1]], subtract);
    expect(part.entries(keepAll)).toEqual([["y", [2, 1]]]);
  });

  it("keeps the place of a key that leaves and comes back in the same slide, starting from the new value", () => {
    const part = WindowPartition.of<string, number>([["x", [0, 1]], ["y", [2, 1]]]);
    part.subtract([["x", 0]], subtract);
    part.add([["x", 9]], add);
    expect(part.entries(keepNone)).toEqual([["x", [9, 1]], ["y", [2, 1]]]);
  });

  it("reclaims the slots of keys that left without changing the window", () => {
    const keys = Array.from({ length: 5000 }, (_, i) => `k${i}`);
    const part = new WindowPartition<string, number>();
    part.add(reduction(keys, 1), add);
    part.entries(keepNone);
    part.subtract(reduction(keys.slice(0, 4000), 1), subtract);
    part.add([["late", 1]], add);
    expect(part.entries(keepNone)).toEqual([...keys.slice(4000).map((k): [string, WindowEntry<number>] => [k, [1, 1]]), ["late", [1, 1]]]);
    part.add(reduction(["k0", "k4999"], 2), add);
    expect(part.entries(keepNone).slice(-2)).toEqual([["late", [1, 1]], ["k0", [2, 1]]]);
  });

  it("gives, slide after slide, what a map rebuilt from the previous window gives", () => {
    const key = fc.oneof(
      fc.constantFrom("a", "b", "", "__proto__", "constructor", 0, -0, NaN, 1),
      fc.tuple(fc.constantFrom("t", "u"), fc.integer({ min: 0, max: 1 })),
    );
    const slide = fc.record({ olds: fc.array(fc.array(key, { maxLength: 6 }), { maxLength: 2 }), news: fc.array(fc.array(key, { maxLength: 6 }), { maxLength: 2 }) });
    fc.assert(
      fc.property(fc.array(slide, { maxLength: 12 }), fc.integer({ min: 1, max: 5 }), fc.constantFrom(keepNone, keepAll, (k: unknown) => typeof k === "string"), (slides, value, keepEmpty) => {
        const part = new WindowPartition<unknown, number>();
        let window: [unknown, WindowEntry<number>][] = [];
        for (const { olds, news } of slides) {
          const o = olds.map((keys) => reduction(keys, value));
          const n = news.map((keys) => reduction(keys, value + 1));
          for (const batch of o) part.subtract(batch, subtract);
          for (const batch of n) part.add(batch, add);
          window = rebuilt(window, o, n, keepEmpty);
          expect(part.entries(keepEmpty)).toEqual(window);
        }
      }),
      { numRuns: 300 },
    );
  });
});
