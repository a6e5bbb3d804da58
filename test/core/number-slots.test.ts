// NumberSlots (src/core/number-slots.ts) against a Map from number to slot (the same equality:
// NaN with NaN, -0 with 0), with removals and slots taken by other keys in between, across growth;
// and keys made to share a bucket of V8's Map, which its seeded hash spreads.
import fc from "fast-check";
import { expect, it } from "vitest";
import { hashNumber, NumberSlots } from "../../src/core/number-slots.ts";
import { placedInOrder } from "../support/placed-in-order.ts";
import { v8BucketCollisions } from "../support/v8-number-collisions.ts";

const number = fc.oneof(
  fc.constantFrom(0, -0, NaN, Infinity, -Infinity, 1, -1, 0.5, 2 ** 31, -(2 ** 31), 2 ** 53, Number.MIN_VALUE, Number.MAX_VALUE),
  fc.integer({ min: -300, max: 300 }),
  fc.double(),
);

it("gives the slot a Map would, for any sequence of numbers, removals and foreign slots", () => {
  const step = fc.oneof(
    fc.record({ op: fc.constant("slot" as const), key: number }),
    fc.record({ op: fc.constant("remove" as const), key: number }),
    fc.record({ op: fc.constant("foreign" as const) }),
  );
  fc.assert(
    fc.property(fc.array(step, { maxLength: 2000 }), (steps) => {
      const table = new NumberSlots();
      const reference = new Map<number, number>();
      const keys: unknown[] = [];
      for (const s of steps) {
        if (s.op === "foreign") {
          keys.push({}); // a slot the table did not place
        } else if (s.op === "remove") {
          expect(table.remove(s.key, keys)).toBe(reference.get(s.key) ?? -1);
          reference.delete(s.key);
        } else {
          const expected = reference.get(s.key) ?? -1;
          expect(table.slotOf(s.key, keys)).toBe(expected);
          if (expected < 0) {
            reference.set(s.key, keys.length);
            keys.push(s.key === 0 ? 0 : s.key);
          }
          expect(table.find(s.key, keys)).toBe(reference.get(s.key));
        }
      }
    }),
  );
});

it("hashes NaN as NaN, -0 as 0, and an integer-valued double as the integer", () => {
  expect(hashNumber(NaN, 7)).toBe(hashNumber(-NaN, 7));
  expect(hashNumber(-0, 7)).toBe(hashNumber(0, 7));
  expect(hashNumber(3, 7)).toBe(hashNumber(3.0, 7));
  expect(hashNumber(3, 7)).not.toBe(hashNumber(3, 8));
});

it("keys made to share one bucket of V8's Map spread over the table, and each is found", () => {
  const crafted = v8BucketCollisions(4000);
  expect(new Set(crafted).size).toBe(crafted.length);
  expect(new Set(crafted.map((k) => hashNumber(k) & 0xfff)).size).toBeGreaterThan(2500); // about 2530 of 4096 at random
  placedInOrder(new NumberSlots(), crafted);
});
