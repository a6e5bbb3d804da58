// Shuffles with built-in reducers run through the WASM kernels (columns, partition, merge); they
// must give exactly the batches of the JS path, in content and order.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { max, min, sum } from "../../src/index.ts";
import { runOperation } from "../support/spark-suite.ts";

const stringKey = fc.oneof(fc.constantFrom("a", "b", "größe", "🦀", "", "__proto__", "\uD800", "\uFFFD"), fc.string({ maxLength: 3 }));
const numberKey = fc.oneof(fc.integer({ min: -3, max: 3 }), fc.constantFrom(NaN, -0, 0, Infinity, 0.5));
const value = fc.oneof(fc.integer({ min: -1000, max: 1000 }), fc.constantFrom(NaN, -0, Infinity, -Infinity));
const batchesOf = <K>(key: fc.Arbitrary<K>) => fc.array(fc.array(fc.tuple(key, value), { maxLength: 40 }), { minLength: 1, maxLength: 3 });

describe("reduceByKey with built-in reducers: WASM kernels vs JS", () => {
  for (const [name, fn] of [["sum", sum], ["min", min], ["max", max]] as const) {
    it(`${name}, string keys and number keys`, async () => {
      await fc.assert(
        fc.asyncProperty(fc.oneof(batchesOf(stringKey), batchesOf(numberKey)), fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 4 }), async (input, parallelism, n) => {
          const run = (kernels: "wasm" | "js") => runOperation(input as [unknown, number][][], (s) => s.reduceByKey(fn, n), { parallelism, kernels });
          expect(await run("wasm")).toEqual(await run("js"));
        }),
        { numRuns: 60 },
      );
    });
  }

  it("countByValue", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.array(stringKey, { maxLength: 40 }), { minLength: 1, maxLength: 3 }), async (input) => {
        const run = (kernels: "wasm" | "js") => runOperation(input, (s) => s.countByValue(), { kernels });
        expect(await run("wasm")).toEqual(await run("js"));
      }),
      { numRuns: 60 },
    );
  });

  it("mixed and non-numeric data take the JS path with the same semantics", async () => {
    const input = [[["a", 1], [1, 2], ["a", 3]], [["x", "p"], ["x", "q"]]] as [unknown, never][][];
    const wasm = await runOperation(input, (s) => s.reduceByKey(sum as never), { kernels: "wasm" });
    expect(wasm.map((b) => b.sort())).toEqual([[[1, 2], ["a", 4]], [["x", "pq"]]]);
  });

  it("runs the operators before the shuffle once per record, also when the kernels cannot take the keys", async () => {
    for (const keyOf of [(w: string): unknown => [w, w.length], (w: string): unknown => (w === "b" ? 2 : w), (w: string): unknown => w]) {
      let calls = 0;
      const out = await runOperation(
        [["a", "b", "a", "c"], ["b"]],
        (s) =>
          s
            .map((w) => {
              calls++;
              return [keyOf(w), 1] as const;
            })
            .reduceByKey(sum),
        { kernels: "wasm" },
      );
      expect(calls).toBe(5);
      expect(out.map((b) => b.length)).toEqual([3, 1]);
    }
  });

  it("large partials go through the worker pool, with the in-thread batches exactly", async () => {
    // 200k distinct keys over two input partitions (half shared): partials of 300k keys in all.
    const pairs: [string | number, number][] = [];
    for (let i = 0; i < 200_000; i++) pairs.push([`k${i % 150_000}`, (i % 7) - 3]);
    const numbers: [string | number, number][] = pairs.map(([k, v], i) => [i % 3 === 0 ? i : Number(String(k).slice(1)), v]);
    for (const [name, fn] of [["sum", sum], ["min", min], ["max", max]] as const) {
      for (const input of [pairs, numbers]) {
        let tasks = 0;
        const run = (workers: boolean) =>
          runOperation([input], (s) => s.reduceByKey(fn, 3), { parallelism: 2, workers: workers ? { onTask: () => void tasks++ } : false });
        const inThread = await run(false);
        expect(tasks).toBe(0);
        expect(await run(true), name).toEqual(inThread);
        expect(tasks, name).toBeGreaterThan(0);
      }
    }
  });
});
