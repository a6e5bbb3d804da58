// Keys that share one full MurmurHash3 value (made at will: see test/support/murmur-collisions.ts)
// would each walk the whole probe run of the ones before: n^2 / 2 slots. The kernels stop at
// their probe budget and the call is redone by the reference kernels: the same results, in time
// proportional to the batch. The reference itself finds number keys by their text, as a Map
// hashes numbers with no seed.
import { beforeAll, expect, it } from "vitest";
import { murmur3Bytes } from "../../../src/core/hash.ts";
import { encodeNumbers, encodeStrings } from "../../../src/engine/kernels/columnar.ts";
import { referenceKernels as ref } from "../../../src/engine/kernels/reference.ts";
import type { PartitionedAggregate, StringKeyColumn } from "../../../src/engine/kernels/types.ts";
import { mapKeyTypes } from "../../support/map-key-types.ts";
import { murmurCollisions } from "../../support/murmur-collisions.ts";
import { v8BucketCollisions } from "../../support/v8-number-collisions.ts";
import { expectSameAggregate, expectSamePartitioned, toMap, wasmKernels } from "./support.ts";

const UNITS = 12; // 4096 keys: 8M slots stepped over without a budget, 1M the budget's slack

let colliding: Uint8Array[];
let keys: StringKeyColumn;

beforeAll(() => {
  colliding = murmurCollisions(UNITS);
  // Each key twice, so lookups find keys as well as place them.
  const all = [...colliding, ...colliding];
  const offsets = new Uint32Array(all.length + 1);
  all.forEach((k, i) => (offsets[i + 1] = offsets[i]! + k.length));
  const bytes = new Uint8Array(offsets[all.length]!);
  all.forEach((k, i) => bytes.set(k, offsets[i]!));
  keys = { kind: "string", bytes, offsets };
});

it("the keys share one hash, under any seed", () => {
  expect(new Set(colliding.map((k) => k.join())).size).toBe(2 ** UNITS);
  expect(new Set(colliding.map((k) => murmur3Bytes(k))).size).toBe(1);
  expect(new Set(colliding.map((k) => murmur3Bytes(k, 0x5eed))).size).toBe(1);
});

it("reduceByKey and countByKey over them: redone by the reference, the same results", async () => {
  const wasm = await wasmKernels();
  const values = Float64Array.from({ length: keys.offsets.length - 1 }, (_, i) => i % 7);
  expectSamePartitioned(wasm.reduceByKey(keys, values, "sum", 3), ref.reduceByKey(keys, values, "sum", 3));
  expect(wasm.collisionFallbacks).toBe(1);
  expect(wasm.tableProbes()).toBeLessThan(2 ** 21); // stopped at the budget, far from 8M
  expectSamePartitioned(wasm.countByKey(keys, 2), ref.countByKey(keys, 2));
  expect(wasm.collisionFallbacks).toBe(2);
});

it("the fused word count over them: redone by the reference, the same counts", async () => {
  const wasm = await wasmKernels();
  const text = new Uint8Array(keys.bytes.length + keys.offsets.length - 1); // each key and a space
  let at = 0;
  for (let i = 0; i + 1 < keys.offsets.length; i++) {
    text.set(keys.bytes.subarray(keys.offsets[i]!, keys.offsets[i + 1]!), at);
    at += keys.offsets[i + 1]! - keys.offsets[i]!;
    text[at++] = 0x20;
  }
  const counted = wasm.wordCount(text, 4);
  expectSamePartitioned(counted, ref.wordCount(text, 4));
  expect(counted.reduce((n, part) => n + part.values.length, 0)).toBe(2 ** UNITS);
  expect(wasm.collisionFallbacks).toBe(1);
});

it("merging partials of them: redone by the reference, the same merge", async () => {
  const wasm = await wasmKernels();
  const values = Float64Array.from({ length: keys.offsets.length - 1 }, (_, i) => i);
  const parts = [ref.reduceByKey(keys, values, "max", 1)[0]!, ref.reduceByKey(keys, values, "min", 1)[0]!];
  expectSameAggregate(wasm.merge(parts, "max"), ref.merge(parts, "max"));
  expect(wasm.collisionFallbacks).toBe(1);
});

it("ordinary keys, many and repeated, never reach the budget", async () => {
  const wasm = await wasmKernels();
  const words = Array.from({ length: 200_000 }, (_, i) => `w${(i * 7919) % 50_000}`);
  const strings = encodeStrings(words);
  const ones = new Float64Array(words.length).fill(1);
  expectSamePartitioned(wasm.reduceByKey(strings, ones, "sum", 4), ref.reduceByKey(strings, ones, "sum", 4));
  const numbers = encodeNumbers(words.map((_, i) => (i * 7919) % 50_000));
  expectSamePartitioned(wasm.countByKey(numbers, 4), ref.countByKey(numbers, 4));
  const text = new TextEncoder().encode(words.join(" "));
  expectSamePartitioned(wasm.wordCount(text, 4), ref.wordCount(text, 4));
  expect(wasm.collisionFallbacks).toBe(0);
});

it("the reference, where those calls go, keys no number in a Map (a Map hashes numbers with no seed)", () => {
  const crafted = v8BucketCollisions(2000);
  const numbers = encodeNumbers([...crafted, ...crafted, NaN, -0, 0]);
  let counted: PartitionedAggregate = [];
  expect(mapKeyTypes(() => (counted = ref.countByKey(numbers, 2))).has("number")).toBe(false);
  expect(toMap(counted)).toEqual(new Map([...crafted.map((k): [number, number] => [k, 2]), [NaN, 1], [0, 2]]));
});
