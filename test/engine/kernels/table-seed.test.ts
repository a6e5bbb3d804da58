// The aggregation table places keys by the top bits of their MurmurHash3 value times a multiplier
// random per instance. Keys chosen so that their (fixed, public) hashes share the top bits of one
// multiplier's product, as anyone can find offline, pile into one probe run under that
// multiplier; under another they spread, and the results are the same either way.
import { beforeAll, expect, it } from "vitest";
import { murmur3String } from "../../../src/core/hash.ts";
import { encodeStrings } from "../../../src/engine/kernels/columnar.ts";
import { referenceKernels as ref } from "../../../src/engine/kernels/reference.ts";
import { expectSamePartitioned, wasmKernels } from "./support.ts";

const FIB = 0x9e3779b1; // the multiplier the table used before it was seeded
const KEYS = 400; // a table of 1024 slots (10 bits) holds them without growing

let colliding: string[];

beforeAll(() => {
  // Keys whose hashes times FIB share their top 10 bits: one slot, under that multiplier.
  colliding = [];
  const slot = (k: string): number => Math.imul(murmur3String(k), FIB) >>> 22;
  const target = slot("k0");
  for (let i = 0; colliding.length < KEYS; i++) if (slot(`k${i}`) === target) colliding.push(`k${i}`);
});

it("keys made to share a fixed multiplier's slot walk one probe run under it, and spread under the random one", async () => {
  const keys = encodeStrings(colliding);
  const values = Float64Array.from(colliding, (_, i) => i);
  const fixed = await wasmKernels({ tableSeed: FIB });
  const expected = ref.reduceByKey(keys, values, "sum", 3);
  expectSamePartitioned(fixed.reduceByKey(keys, values, "sum", 3), expected);
  expect(fixed.tableProbes()).toBe((KEYS * (KEYS - 1)) / 2); // every lookup past all the keys before it

  const seeded = await wasmKernels(); // the thread's random seed
  expectSamePartitioned(seeded.reduceByKey(keys, values, "sum", 3), expected);
  expect(seeded.tableProbes()).toBeLessThan(KEYS * 2);
});

it("counting words, merging partials: the same results whatever the seed", async () => {
  const text = new TextEncoder().encode(colliding.map((k, i) => `${k} ${k}${i % 3 ? "" : " x"}`).join("\n"));
  const a = await wasmKernels({ tableSeed: FIB });
  const b = await wasmKernels({ tableSeed: 0x12345678 });
  expectSamePartitioned(a.wordCount(text, 4), ref.wordCount(text, 4));
  expectSamePartitioned(b.wordCount(text, 4), ref.wordCount(text, 4));
  const keys = encodeStrings(colliding);
  const values = Float64Array.from(colliding, () => 1);
  const parts = [a.reduceByKey(keys, values, "max", 2), a.reduceByKey(keys, values, "max", 2)];
  expectSamePartitioned(
    [0, 1].map((p) => b.merge([parts[0]![p]!, parts[1]![p]!], "max")),
    [0, 1].map((p) => ref.merge([parts[0]![p]!, parts[1]![p]!], "max")),
  );
});

it("the fused word count's table too: colliding words walk one probe run under the fixed multiplier only", async () => {
  const text = new TextEncoder().encode(colliding.join(" ") + "\n");
  const fixed = await wasmKernels({ tableSeed: FIB });
  expectSamePartitioned(fixed.wordCount(text, 2), ref.wordCount(text, 2));
  expect(fixed.tableProbes()).toBe((KEYS * (KEYS - 1)) / 2); // each word walks past every one before it
  const seeded = await wasmKernels();
  expectSamePartitioned(seeded.wordCount(text, 2), ref.wordCount(text, 2));
  expect(seeded.tableProbes()).toBeLessThan(KEYS * 2);
});
