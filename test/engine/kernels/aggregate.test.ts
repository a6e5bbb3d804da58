// reduceByKey / countByKey / merge / partition: WASM against the reference (exactly: same keys,
// order, hashes, values), and the reference against plain JS folds over decoded keys.
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { hashKey } from "../../../src/core/hash.ts";
import { max, min, sum, type ReducerTag } from "../../../src/core/reducers.ts";
import { decodeKeys, encodeNumbers, encodeStrings } from "../../../src/engine/kernels/columnar.ts";
import { referenceKernels as ref } from "../../../src/engine/kernels/reference.ts";
import type { Aggregate, KeyColumn, PartitionedAggregate } from "../../../src/engine/kernels/types.ts";
import type { WasmKernels } from "../../../src/engine/kernels/wasm.ts";
import { expectSameAggregate, expectSamePartitioned, toMap, wasmKernels } from "./support.ts";

let wasm: WasmKernels;
beforeAll(async () => {
  wasm = await wasmKernels();
});

const REDUCERS = { sum, min, max } as const;
const OPS: readonly ReducerTag[] = ["sum", "min", "max"];

/** Keys drawn from a small pool (repeats) or anything (distinct), incl. non-ASCII and astral. */
const stringKey = fc.oneof(
  fc.constantFrom("", "a", "b", "__proto__", "constructor", "toString", "ü", "日本", "😀", "a b", "\u0000"),
  fc.string({ unit: "grapheme", maxLength: 12 }),
  fc.string({ unit: "binary", maxLength: 6 }),
);
const numberKey = fc.oneof(
  fc.constantFrom(0, -0, NaN, Infinity, -Infinity, 1, -1, 0.5, 2 ** 53),
  fc.integer({ min: -5, max: 5 }),
  fc.double(),
);
const value = fc.oneof(
  fc.integer({ min: -1000, max: 1000 }),
  fc.constantFrom(NaN, -0, 0, Infinity, -Infinity, 0.1, 2 ** 52),
  fc.double(),
);
const numPartitions = fc.constantFrom(1, 2, 3, 7, 8, 16);

const batchOf = <K>(key: fc.Arbitrary<K>) =>
  fc.array(fc.tuple(key, value), { maxLength: 200 });

function columns(pairs: readonly (readonly [string | number, number])[], kind: "string" | "number"): { keys: KeyColumn; values: Float64Array } {
  const keys = pairs.map(([k]) => k);
  return {
    keys: kind === "string" ? encodeStrings(keys as string[]) : encodeNumbers(keys as number[]),
    values: Float64Array.from(pairs, ([, v]) => v),
  };
}

/** Plain-JS oracle: Map over decoded keys, folding with the JS reducer in record order. */
function jsReduce(keys: KeyColumn, values: Float64Array, op: ReducerTag | "count"): Map<string | number, number> {
  const decoded = decodeKeys(keys);
  const out = new Map<string | number, number>();
  decoded.forEach((k, i) => {
    const prev = out.get(k);
    if (op === "count") out.set(k, (prev ?? 0) + 1);
    else out.set(k, prev === undefined ? values[i]! : REDUCERS[op](prev, values[i]!));
  });
  return out;
}

function expectSameMap(actual: Map<string | number, number>, expected: Map<string | number, number>): void {
  expect([...actual.keys()].sort()).toEqual([...expected.keys()].sort());
  for (const [k, v] of expected) expect(Object.is(actual.get(k), v), `${String(k)}: ${actual.get(k)} vs ${v}`).toBe(true);
}

function expectPartitionedByHash(parts: PartitionedAggregate): void {
  parts.forEach((part, p) => {
    decodeKeys(part.keys).forEach((k, i) => {
      expect(part.hashes[i]).toBe(hashKey(k));
      expect(part.hashes[i]! % parts.length).toBe(p);
    });
  });
}

describe.each(["string", "number"] as const)("%s keys", (kind) => {
  const batch = kind === "string" ? batchOf(stringKey) : batchOf(numberKey);

  it("reduceByKey: WASM equals the reference, which equals a JS fold", () => {
    fc.assert(
      fc.property(batch, numPartitions, fc.constantFrom(...OPS), (pairs, n, op) => {
        const { keys, values } = columns(pairs, kind);
        const expected = ref.reduceByKey(keys, values, op, n);
        expectSamePartitioned(wasm.reduceByKey(keys, values, op, n), expected);
        expectSameMap(toMap(expected), jsReduce(keys, values, op));
        expectPartitionedByHash(expected);
      }),
      { numRuns: 300 },
    );
  });

  it("countByKey: WASM equals the reference, which equals a JS count", () => {
    fc.assert(
      fc.property(batch, numPartitions, (pairs, n) => {
        const { keys, values } = columns(pairs, kind);
        const expected = ref.countByKey(keys, n);
        expectSamePartitioned(wasm.countByKey(keys, n), expected);
        expectSameMap(toMap(expected), jsReduce(keys, values, "count"));
      }),
      { numRuns: 200 },
    );
  });

  it("merge of map-side partials: WASM equals the reference, and the one-shot reduce", () => {
    fc.assert(
      fc.property(batch, numPartitions, fc.constantFrom(...OPS, "count" as const), fc.integer({ min: 1, max: 4 }), (pairs, n, op, tasks) => {
        const { keys, values } = columns(pairs, kind);
        // Map tasks over contiguous chunks, as a batch's partitions are.
        const chunk = Math.ceil(pairs.length / tasks) || 1;
        const partials: PartitionedAggregate[] = [];
        for (let t = 0; t * chunk < pairs.length || t === 0; t++) {
          const c = columns(pairs.slice(t * chunk, (t + 1) * chunk), kind);
          partials.push(op === "count" ? wasm.countByKey(c.keys, n) : wasm.reduceByKey(c.keys, c.values, op, n));
        }
        const whole = op === "count" ? ref.countByKey(keys, n) : ref.reduceByKey(keys, values, op, n);
        for (let p = 0; p < n; p++) {
          const parts = partials.map((partial) => partial[p]!);
          const merged = wasm.merge(parts, op);
          expectSameAggregate(merged, ref.merge(parts, op));
          // Same keys, same (first-seen) order, same hashes as reducing the batch at once.
          expect(Array.from(merged.hashes)).toEqual(Array.from(whole[p]!.hashes));
          expect(decodeKeys(merged.keys)).toEqual(decodeKeys(whole[p]!.keys));
          merged.values.forEach((v, i) => {
            const w = whole[p]!.values[i]!;
            // Sums of doubles may differ by association; min, max and counts are exact.
            if (op === "sum" && !Object.is(v, w) && Number.isFinite(w)) expect(v).toBeCloseTo(w, 6);
            else if (op === "sum" && !Number.isFinite(w)) expect(Number.isFinite(v)).toBe(false);
            else expect(Object.is(v, w), `${v} vs ${w}`).toBe(true);
          });
        }
      }),
      { numRuns: 200 },
    );
  });

  it("partition: WASM equals the reference; stable groups by hash % n", () => {
    fc.assert(
      fc.property(batch, numPartitions, (pairs, n) => {
        const { keys } = columns(pairs, kind);
        const got = wasm.partition(keys, n);
        const expected = ref.partition(keys, n);
        expect(Array.from(got.partitionOf)).toEqual(Array.from(expected.partitionOf));
        expect(Array.from(got.order)).toEqual(Array.from(expected.order));
        expect(Array.from(got.starts)).toEqual(Array.from(expected.starts));
        const decoded = decodeKeys(keys);
        for (let p = 0; p < n; p++) {
          const members = Array.from(got.order.subarray(got.starts[p]!, got.starts[p + 1]!));
          expect(members).toEqual([...members].sort((a, b) => a - b));
          for (const i of members) expect(hashKey(decoded[i]!) % n).toBe(p);
        }
      }),
      { numRuns: 200 },
    );
  });
});

describe("edge cases", () => {
  it("empty batches give one empty aggregate per partition", () => {
    for (const keys of [encodeStrings([]), encodeNumbers([])]) {
      for (const parts of [wasm.reduceByKey(keys, new Float64Array(0), "sum", 3), wasm.countByKey(keys, 3), wasm.wordCount(new Uint8Array(0), 3)]) {
        expect(parts).toHaveLength(3);
        for (const part of parts) expect(part.values.length).toBe(0);
      }
      expectSamePartitioned(wasm.reduceByKey(keys, new Float64Array(0), "max", 4), ref.reduceByKey(keys, new Float64Array(0), "max", 4));
    }
    expectSameAggregate(wasm.merge([], "sum"), ref.merge([], "sum"));
    const empty = wasm.reduceByKey(encodeStrings([]), new Float64Array(0), "sum", 1)[0]!;
    expectSameAggregate(wasm.merge([empty, empty], "sum"), empty);
  });

  it("one key, repeated", () => {
    const keys = encodeStrings(Array(1000).fill("k"));
    const values = Float64Array.from({ length: 1000 }, (_, i) => i);
    const [part] = wasm.reduceByKey(keys, values, "sum", 1);
    expect(decodeKeys(part!.keys)).toEqual(["k"]);
    expect(part!.values[0]).toBe(499500);
    expectSamePartitioned(wasm.countByKey(keys, 5), ref.countByKey(keys, 5));
  });

  it("all-distinct keys (table growth), strings and numbers", () => {
    const n = 50_000;
    const strings = encodeStrings(Array.from({ length: n }, (_, i) => `key-${i}`));
    const numbers = encodeNumbers(Array.from({ length: n }, (_, i) => i * 1.5 - 7));
    const values = Float64Array.from({ length: n }, (_, i) => (i % 7) - 3);
    for (const keys of [strings, numbers]) {
      const got = wasm.reduceByKey(keys, values, "min", 8);
      expectSamePartitioned(got, ref.reduceByKey(keys, values, "min", 8));
      expect(got.reduce((a, p) => a + p.values.length, 0)).toBe(n);
    }
  });

  it("very long keys (64 KiB), the empty key and __proto__", () => {
    const long1 = "x".repeat(65536);
    const long2 = "x".repeat(65535) + "y";
    const astral = "😀".repeat(16384); // 64 KiB of UTF-8
    const keys = encodeStrings([long1, "", "__proto__", long2, long1, "", astral, "__proto__", astral]);
    const values = Float64Array.of(1, 2, 3, 4, 5, 6, 7, 8, 9);
    const got = wasm.reduceByKey(keys, values, "sum", 3);
    expectSamePartitioned(got, ref.reduceByKey(keys, values, "sum", 3));
    const map = toMap(got);
    expect(map.get(long1)).toBe(6);
    expect(map.get(long2)).toBe(4);
    expect(map.get("")).toBe(8);
    expect(map.get("__proto__")).toBe(11);
    expect(map.get(astral)).toBe(16);
  });

  it("NaN, -0 and ±Infinity as keys and values (Math.min/Math.max semantics)", () => {
    const keys = encodeNumbers([NaN, -0, 0, Infinity, -Infinity, NaN, 0, -0, 5, 5, 5]);
    const values = Float64Array.of(1, -0, 0, NaN, Infinity, 2, -0, 0, -0, 0, -Infinity);
    for (const op of OPS) {
      const got = wasm.reduceByKey(keys, values, op, 2);
      expectSamePartitioned(got, ref.reduceByKey(keys, values, op, 2));
      expectSameMap(toMap(got), jsReduce(keys, values, op));
    }
    const [all] = wasm.reduceByKey(keys, values, "min", 1);
    // Keys come back canonical, in first-seen order: NaN, 0 (for -0 and 0), Infinity, -Infinity, 5.
    expect(Array.from(all!.keys.kind === "number" ? all!.keys.keys : [])).toEqual([NaN, 0, Infinity, -Infinity, 5]);
    expect(Object.is(all!.keys.kind === "number" && all!.keys.keys[1], 0)).toBe(true);
    expect(Object.is(all!.values[1], -0)).toBe(true); // min(-0, 0, -0, 0) = -0
    expect(all!.values[4]).toBe(-Infinity);
    const [maxed] = wasm.reduceByKey(keys, values, "max", 1);
    expect(maxed!.values[2]).toBeNaN(); // Infinity key: NaN value wins
  });

  it("sums of integers below 2^53 are exact", () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.constantFrom("a", "b", "c"), fc.integer({ min: -(2 ** 40), max: 2 ** 40 })), { maxLength: 500 }), (pairs) => {
        const { keys, values } = columns(pairs, "string");
        const map = toMap(wasm.reduceByKey(keys, values, "sum", 2));
        const exact = new Map<string, bigint>();
        for (const [k, v] of pairs) exact.set(k, (exact.get(k) ?? 0n) + BigInt(v));
        for (const [k, v] of exact) expect(BigInt(map.get(k)!)).toBe(v);
      }),
      { numRuns: 100 },
    );
  });

  it("rejects bad arguments with ordinary errors", () => {
    const keys = encodeStrings(["a", "b"]);
    expect(() => wasm.reduceByKey(keys, new Float64Array(1), "sum", 2)).toThrow(RangeError);
    expect(() => wasm.countByKey(keys, 0)).toThrow(RangeError);
    expect(() => wasm.countByKey(keys, 1.5)).toThrow(RangeError);
    expect(() => wasm.hash({ kind: "string", bytes: new Uint8Array(1), offsets: Uint32Array.of(0, 2) })).toThrow(RangeError);
    const a: Aggregate = wasm.countByKey(keys, 1)[0]!;
    const b: Aggregate = wasm.countByKey(encodeNumbers([1]), 1)[0]!;
    expect(() => wasm.merge([a, b], "count")).toThrow(TypeError);
    // The instance still works afterwards.
    expect(toMap(wasm.countByKey(keys, 1))).toEqual(new Map([["a", 1], ["b", 1]]));
  });
});
