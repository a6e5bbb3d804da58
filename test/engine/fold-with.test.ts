// foldWith (src/engine/local-executor.ts), the map-side fold of any combiner, against the same
// fold through a KeyMap: the same keys (first-seen objects, -0 as a Map keeps it), in the same
// order, with the same combiners, for keys mixing short strings (its own table), long strings and
// other primitives (a Map) and tuples.
import fc from "fast-check";
import { expect, it } from "vitest";
import type { Pair } from "../../src/core/executor.ts";
import { KeyMap } from "../../src/core/keys.ts";
import { arrayFeed } from "../../src/core/pipeline.ts";
import { foldWith } from "../../src/engine/local-executor.ts";

const key = fc.oneof(
  fc.string({ maxLength: 20 }),
  fc.constantFrom("__proto__", "constructor", "sixteen-chars-ok", "seventeen-chars-x"),
  fc.integer({ min: -3, max: 3 }),
  fc.constantFrom(NaN, -0, 0, null, undefined, true),
  fc.tuple(fc.constantFrom("x", "y"), fc.nat(2)),
);

it("folds as a KeyMap does, keys and their order included", () => {
  fc.assert(
    fc.property(fc.array(fc.tuple(key, fc.integer({ min: -9, max: 9 })), { maxLength: 200 }), (records) => {
      const create = (v: number): number[] => [v];
      const merge = (c: number[], v: number): number[] => (c.push(v), c);
      const folded = foldWith(arrayFeed(records as Pair<unknown, number>[]), create, merge);
      const reference = new KeyMap<number[]>();
      for (const [k, v] of records) {
        const c = reference.get(k);
        if (c === undefined) reference.set(k, create(v));
        else merge(c, v);
      }
      const expected: [unknown, number[]][] = [];
      reference.forEach((c, k) => expected.push([k, c]));
      const got = folded.keys.map((k, i) => [k === 0 ? 0 : k, folded.values[i]]);
      expect(got).toEqual(expected);
      // The first-seen key objects of tuples are the ones kept.
      got.forEach(([k], i) => {
        if (Array.isArray(k)) expect(k).toBe(expected[i]![0]);
      });
    }),
    { numRuns: 300 },
  );
});
