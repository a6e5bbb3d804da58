// StringTable (src/core/string-table.ts) against a Map, on random strings (short and long,
// non-ASCII, lone surrogates, prototype names): locate, insert and remove in any interleaving,
// across its growth and its rehashes without removed marks, with each entry's tag following it.
import fc from "fast-check";
import { expect, it } from "vitest";
import { hashString, StringTable } from "../../src/core/string-table.ts";

/** A table and, by tag, where each entry is: what KeyMap keeps in its order. */
function tracked() {
  const table = new StringTable<number>();
  const positions: number[] = [];
  const moved = (tag: number, at: number): void => void (positions[tag] = at);
  const add = (key: string, value: number): void => {
    const at = table.locate(key);
    expect(at).toBeLessThan(0);
    positions.push(~at);
    table.insert(~at, key, value, positions.length - 1, moved);
  };
  return { table, positions, add };
}

it("locates, inserts and removes as a Map does, in any interleaving, entries' tags following them", () => {
  const key = fc.oneof(
    fc.string({ maxLength: 2 }),
    fc.string({ unit: "binary", maxLength: 16 }),
    fc.constantFrom("a", "b", "__proto__", "constructor", "", "toString"),
    fc.nat(60).map((n) => `k${n}`),
  );
  const op = fc.tuple(fc.constantFrom("set" as const, "get" as const, "remove" as const), key, fc.integer());
  fc.assert(
    fc.property(fc.array(op, { maxLength: 2000 }), (ops) => {
      const { table, positions, add } = tracked();
      const reference = new Map<string, { value: number; tag: number }>();
      for (const [what, k, v] of ops) {
        const expected = reference.get(k);
        const at = table.locate(k);
        expect(at >= 0).toBe(expected !== undefined);
        if (expected !== undefined) {
          expect(at).toBe(positions[expected.tag]);
          expect(table.keyAt(at)).toBe(k);
          expect(table.valueAt(at)).toBe(expected.value);
        }
        if (what === "set") {
          if (expected !== undefined) {
            table.setValueAt(at, v);
            expected.value = v;
          } else {
            add(k, v);
            reference.set(k, { value: v, tag: positions.length - 1 });
          }
        } else if (what === "remove" && expected !== undefined) {
          expect(table.removeAt(at)).toBe(expected.tag);
          reference.delete(k);
        }
      }
      for (const [k, { value, tag }] of reference) expect(table.valueAt(table.locate(k))).toBe(value), expect(table.locate(k)).toBe(positions[tag]);
    }),
    { numRuns: 200 },
  );
});

it("finds each of 100,000 distinct strings made again as new string objects", () => {
  const { table, positions, add } = tracked();
  for (let i = 0; i < 100_000; i++) add(`w${i}`, i);
  for (let i = 99_999; i >= 0; i -= 7) {
    const at = table.locate(["w", String(i)].join(""));
    expect(at).toBe(positions[i]);
    expect(table.valueAt(at)).toBe(i);
  }
});

it("stays small when keys come and go: removed marks are dropped, not grown over", () => {
  const { table, positions, add } = tracked();
  for (let round = 0; round < 200; round++) {
    for (let i = 0; i < 10; i++) add(`r${round}-${i}`, i);
    for (let i = 0; i < 10; i++) table.removeAt(table.locate(`r${round}-${i}`));
  }
  add("last", 1);
  expect(table.valueAt(positions[positions.length - 1]!)).toBe(1);
  // 10 live keys at most: the table never needed more than 64 positions.
  expect(Math.max(...positions)).toBeLessThan(64);
});

it("hashes from a random seed: keys made to collide in a table's bits under one seed spread under this one", () => {
  // 200 keys whose hashes share their low 12 bits under seed 0 (what an attacker who knew a fixed
  // seed would send to make every lookup walk one long probe run).
  const colliding: string[] = [];
  const target = hashString("k0", 0) & 0xfff;
  for (let i = 0; colliding.length < 200; i++) if ((hashString(`k${i}`, 0) & 0xfff) === target) colliding.push(`k${i}`);
  const buckets = new Set(colliding.map((k) => hashString(k) & 0xfff));
  expect(buckets.size).toBeGreaterThan(150); // about 195 for a seed unrelated to 0
  const { table, positions, add } = tracked();
  colliding.forEach((k, i) => add(k, i));
  colliding.forEach((k, i) => expect(table.locate(k)).toBe(positions[i]));
});

it("tells a string from the same string with a NUL after it", () => {
  expect(hashString("a", 1)).not.toBe(hashString("a\0", 1));
  const { table, add } = tracked();
  add("a", 1);
  add("a\0", 2);
  expect(table.valueAt(table.locate("a"))).toBe(1);
  expect(table.valueAt(table.locate("a\0"))).toBe(2);
});
