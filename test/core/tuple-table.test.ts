// TupleTable (src/core/tuple-table.ts), the tuple keys of a KeyMap: the same equality, order and
// kept keys as a Map keyed by canonicalKey, checked on random operations (fast-check), with
// deletions, growth and compaction; a key array changed after it was stored keeps its entry.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { canonicalKey, KeyMap } from "../../src/core/keys.ts";
import { hashTuple, TupleTable } from "../../src/core/tuple-table.ts";

const obj = {};
const sym = Symbol("local");
const primitive = fc.oneof(
  fc.string({ maxLength: 3 }),
  fc.constantFrom("", "a", "__proto__", "1", "NaN", "\ud800", "é"),
  fc.integer({ min: -3, max: 3 }),
  fc.constantFrom(NaN, -0, 0, 0.5, 1e21, Infinity, -Infinity, 2 ** 31, -(2 ** 31) - 1),
  fc.boolean(),
  fc.bigInt({ min: -2n, max: 2n }),
  fc.constantFrom(null, undefined, obj, sym, Symbol.for("reg")),
);
const tuple: fc.Arbitrary<unknown[]> = fc.letrec((tie) => ({
  key: fc.array(fc.oneof({ depthSize: "small" }, primitive, tie("key")), { maxLength: 3 }),
})).key as fc.Arbitrary<unknown[]>;

type Op = { kind: "set"; key: unknown[]; value: number } | { kind: "delete"; key: unknown[] } | { kind: "get"; key: unknown[] };
const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant("set" as const), key: tuple, value: fc.integer() }),
  fc.record({ kind: fc.constant("delete" as const), key: tuple }),
  fc.record({ kind: fc.constant("get" as const), key: tuple }),
);

/** The reference: a Map by canonical text, holding the first-seen key. */
class Reference {
  readonly map = new Map<string, [unknown[], number]>();
  set(key: unknown[], value: number): void {
    const id = canonicalKey(key);
    const entry = this.map.get(id);
    if (entry) entry[1] = value;
    else this.map.set(id, [key, value]);
  }
}

describe("TupleTable", () => {
  it("agrees with a Map keyed by canonicalKey on any sequence of sets, deletes and gets (property)", () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 120 }), (ops) => {
        const table = new TupleTable<number>();
        const ref = new Reference();
        for (const o of ops) {
          const id = canonicalKey(o.key);
          if (o.kind === "set") {
            table.set(o.key, o.value);
            ref.set(o.key, o.value);
          } else if (o.kind === "delete") {
            expect(table.delete(o.key)).toBe(ref.map.delete(id));
          } else {
            expect(table.get(o.key)).toBe(ref.map.get(id)?.[1]);
            expect(table.has(o.key)).toBe(ref.map.has(id));
          }
        }
        const entries: [unknown, number][] = [];
        table.forEach((v, k) => entries.push([k, v]));
        // Same order, same values, and the very first-seen key arrays.
        expect(entries.length).toBe(ref.map.size);
        expect(table.size).toBe(ref.map.size);
        [...ref.map.values()].forEach(([k, v], i) => {
          expect(entries[i]![0]).toBe(k);
          expect(entries[i]![1]).toBe(v);
        });
      }),
      { numRuns: 500 },
    );
  });

  it("hashes equal keys alike: NaN, -0, holes, registered symbols, equal nested tuples", () => {
    expect(hashTuple([NaN, -0])).toBe(hashTuple([0 / 0, 0]));
    expect(hashTuple(new Array(2))).toBe(hashTuple([undefined, undefined]));
    expect(hashTuple([Symbol.for("s"), [1, ["a"]]])).toBe(hashTuple([Symbol.for("s"), [1, ["a"]]]));
    expect(hashTuple([1])).not.toBe(hashTuple(["1"]));
    expect(hashTuple([1])).not.toBe(hashTuple([1n]));
  });

  it("keeps thousands of keys through growth and deletion of most, in insertion order", () => {
    const table = new TupleTable<number>();
    for (let i = 0; i < 5000; i++) table.set([`u${i % 500}`, Math.floor(i / 500)], i);
    expect(table.size).toBe(5000);
    for (let i = 0; i < 5000; i++) if (i % 10 !== 0) expect(table.delete([`u${i % 500}`, Math.floor(i / 500)])).toBe(true);
    expect(table.size).toBe(500);
    const seen: number[] = [];
    table.forEach((v) => seen.push(v));
    expect(seen).toEqual(Array.from({ length: 500 }, (_, i) => i * 10));
    expect(table.get(["u10", 0])).toBe(10);
    expect(table.get(["u11", 0])).toBeUndefined();
  });

  it("keeps an entry where it was when its key array is changed afterwards, as the canonical text did", () => {
    const m = new KeyMap<number>();
    const buffer: unknown[] = ["a", 1];
    m.set(buffer, 1);
    buffer[1] = 2; // a reused buffer, filled for the next record
    m.set(buffer, 2);
    expect(m.get(["a", 1])).toBe(1);
    expect(m.get(["a", 2])).toBe(2);
    expect(m.size).toBe(2);
  });
});

it("hashes from the tables' random seed: tuples made to collide in a table's bits under one seed spread under this one", () => {
  const colliding: unknown[][] = [];
  const target = hashTuple(["u", 0], 0) & 0xfff;
  for (let i = 0; colliding.length < 200; i++) if ((hashTuple(["u", i], 0) & 0xfff) === target) colliding.push(["u", i]);
  expect(new Set(colliding.map((k) => hashTuple(k) & 0xfff)).size).toBeGreaterThan(150);
});
