// Built-in reducers take a specialised fold over arrays; it must give exactly what the same
// function gives through the generic path, whatever the keys (primitives, then tuples) and values.
import fc from "fast-check";
import { expect, it } from "vitest";
import { max, min, sum } from "../../src/index.ts";
import { runOperation } from "../support/spark-suite.ts";

// Strings up to 16 characters fold in a table of their own, longer ones in a Map: both, mixed.
const key = fc.oneof(fc.constantFrom("a", "b", "__proto__", "constructor", "sixteen-chars-ok", "seventeen-chars-x", "a much longer key than that"), fc.string({ maxLength: 20 }), fc.integer({ min: -2, max: 2 }), fc.constantFrom(NaN, -0, 0), fc.tuple(fc.constantFrom("x", "y"), fc.nat(2)));
const value = fc.oneof(fc.integer({ min: -5, max: 5 }), fc.constantFrom(NaN, Infinity, -Infinity, -0));
const batches = fc.array(fc.array(fc.tuple(key, value), { maxLength: 30 }), { minLength: 1, maxLength: 3 });

for (const [name, tagged] of [["sum", sum], ["min", min], ["max", max]] as const) {
  it(`reduceByKey(${name}) equals the same function without its tag`, async () => {
    const plain = (a: number, b: number) => tagged(a, b);
    await fc.assert(
      fc.asyncProperty(batches, fc.integer({ min: 1, max: 3 }), async (input, parallelism) => {
        const a = await runOperation(input, (s) => s.reduceByKey(tagged), { parallelism });
        const b = await runOperation(input, (s) => s.reduceByKey(plain), { parallelism });
        expect(a).toEqual(b);
      }),
      { numRuns: 80 },
    );
  });
}
