// StringSlots (src/core/string-slots.ts) against a Map from string to slot, on random strings
// (short and long, non-ASCII, lone surrogates, prototype names), with slots taken by other keys in
// between (the keys array it shares with a Map in the tagged fold), across its growth.
import fc from "fast-check";
import { expect, it } from "vitest";
import { hashString, StringSlots } from "../../src/core/string-slots.ts";
import { placedInOrder } from "../support/placed-in-order.ts";

it("gives the slot a Map would, for any sequence of strings and foreign slots", () => {
  const key = fc.oneof(
    fc.string({ maxLength: 3 }),
    fc.string({ unit: "binary", maxLength: 20 }),
    fc.constantFrom("__proto__", "constructor", "", "toString"),
    fc.nat(300).map((n) => `k${n}`),
  );
  fc.assert(
    fc.property(fc.array(fc.oneof(key, fc.constant(null)), { maxLength: 3000 }), (sequence) => {
      const table = new StringSlots();
      const reference = new Map<string, number>();
      const keys: unknown[] = [];
      for (const k of sequence) {
        if (k === null) {
          keys.push({}); // a slot the table did not place
          continue;
        }
        const expected = reference.get(k) ?? -1;
        expect(table.slotOf(k, keys)).toBe(expected);
        if (expected < 0) {
          reference.set(k, keys.length);
          keys.push(k);
        }
      }
    }),
  );
});

it("finds each of 100,000 distinct strings made again as new string objects", () => {
  const table = new StringSlots();
  const keys: string[] = [];
  for (let i = 0; i < 100_000; i++) {
    expect(table.slotOf(`w${i}`, keys)).toBe(-1);
    keys.push(`w${i}`);
  }
  for (let i = 99_999; i >= 0; i -= 7) expect(table.slotOf(["w", String(i)].join(""), keys)).toBe(i);
});

it("finds, places and removes as a Map does, in any interleaving (a set after a get reuses its probe)", () => {
  const key = fc.oneof(fc.string({ maxLength: 2 }), fc.constantFrom("a", "b", "__proto__"), fc.nat(40).map((n) => `k${n}`));
  const op = fc.tuple(fc.constantFrom("slotOf" as const, "find" as const, "remove" as const), key);
  fc.assert(
    fc.property(fc.array(op, { maxLength: 2000 }), (ops) => {
      const table = new StringSlots();
      const reference = new Map<string, number>();
      const keys: unknown[] = [];
      for (const [what, k] of ops) {
        const expected = reference.get(k) ?? -1;
        if (what === "find") {
          expect(table.find(k, keys)).toBe(expected);
        } else if (what === "remove") {
          expect(table.remove(k, keys)).toBe(expected);
          if (expected >= 0) {
            reference.delete(k);
            keys[expected] = undefined; // as KeyMap marks a removed entry
          }
        } else {
          expect(table.slotOf(k, keys)).toBe(expected);
          if (expected < 0) {
            reference.set(k, keys.length);
            keys.push(k);
          }
        }
      }
    }),
    { numRuns: 200 },
  );
});

it("hashes from a random seed: keys made to collide in a table's bits under one seed spread under this one", () => {
  // 200 keys whose hashes share their low 12 bits under seed 0 (what an attacker who knew a fixed
  // seed would send to make every lookup walk one long probe run).
  const colliding: string[] = [];
  const target = hashString("k0", 0) & 0xfff;
  for (let i = 0; colliding.length < 200; i++) if ((hashString(`k${i}`, 0) & 0xfff) === target) colliding.push(`k${i}`);
  const buckets = new Set(colliding.map((k) => hashString(k) & 0xfff));
  expect(buckets.size).toBeGreaterThan(150); // about 195 for a seed unrelated to 0
  placedInOrder(new StringSlots(), colliding);
});

it("keys sharing a hash under every seed (top bits flipped in pairs of steps): 128 at most, each found in its own slot", () => {
  const base = "abcdefghijklmnop";
  const same: string[] = [];
  for (let flips = 0; flips < 256; flips++) {
    let ones = 0;
    for (let b = 0; b < 8; b++) ones += (flips >>> b) & 1;
    if (ones % 2 === 1) continue; // an odd number of flips leaves the top bit flipped
    let s = "";
    for (let i = 0; i < 16; i++) s += String.fromCharCode(base.charCodeAt(i) ^ (i % 2 === 1 && (flips >>> (i >> 1)) & 1 ? 0x8000 : 0));
    same.push(s);
  }
  expect(same).toHaveLength(128);
  for (const seed of [0, 0x5eed, 0xdeadbeef]) expect(new Set(same.map((k) => hashString(k, seed))).size).toBe(1);
  const [table, keys] = placedInOrder(new StringSlots(), same);
  expect(table.find("abcdefghijklmnoq", keys)).toBe(-1);
});
