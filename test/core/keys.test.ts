// Key equality (src/core/keys.ts): primitives by value as `Map` does (NaN equals NaN, -0 equals 0),
// arrays structurally as Scala tuples, objects and symbols by reference; `__proto__`, `constructor` and
// `hasOwnProperty` are keys like any other, end to end through the shuffles.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Batch } from "../../src/core/batch.ts";
import type { Pair } from "../../src/core/executor.ts";
import { canonicalKey, KeyMap } from "../../src/core/keys.ts";
import { sum } from "../../src/core/reducers.ts";
import { LocalExecutor } from "../../src/engine/local-executor.ts";
import { runOperation, runOperation2, sorted } from "../support/spark-suite.ts";
import { mapKeyTypes } from "../support/map-key-types.ts";
import { v8BucketCollisions } from "../support/v8-number-collisions.ts";

const executor = new LocalExecutor(3);
const batch = <T>(records: readonly T[], n = 3): Batch<T> => Batch.fromRecords(records, n, executor);

/** The reduced batch as a Map (keys compared by value, as the batch should have compared them). */
async function reduced<K>(pairs: readonly Pair<K, number>[], numPartitions = 4): Promise<Map<K, number>> {
  const out = await batch(pairs).reduceByKey(sum, numPartitions).collect();
  const m = new Map(out);
  expect(m.size).toBe(out.length); // no key twice in the output
  return m;
}

const OBJECT_PROTOTYPE_NAMES = ["__proto__", "constructor", "hasOwnProperty", "toString", "valueOf", "isPrototypeOf", "__defineGetter__"];

describe("KeyMap", () => {
  it("compares strings, numbers, booleans, bigints, null and undefined by value", () => {
    const m = new KeyMap<string>();
    m.set("a", "s");
    m.set("a".concat(""), "s2");
    m.set(1, "n");
    m.set(1.0, "n2");
    m.set(true, "t");
    m.set(10n ** 20n, "big");
    m.set(BigInt("100000000000000000000"), "big2");
    m.set(null, "null");
    m.set(undefined, "undefined");
    expect(m.size).toBe(6);
    expect(m.get("a")).toBe("s2");
    expect(m.get(1)).toBe("n2");
    expect(m.get(true)).toBe("t");
    expect(m.get(false)).toBeUndefined();
    expect(m.get(10n ** 20n)).toBe("big2");
    expect(m.get(null)).toBe("null");
    expect(m.get(undefined)).toBe("undefined");
    // values of different types never meet
    expect(m.has("1")).toBe(false);
    expect(m.has(1n)).toBe(false);
    expect(m.has("true")).toBe(false);
    expect(m.has("null")).toBe(false);
    expect(m.has(0)).toBe(false);
  });

  it("treats NaN as equal to NaN and -0 as equal to 0", () => {
    const m = new KeyMap<number>();
    m.set(NaN, 1);
    m.set(0 / 0, 2);
    m.set(-0, 3);
    m.set(0, 4);
    expect(m.size).toBe(2);
    expect(m.get(Number("x"))).toBe(2);
    expect(m.get(-0)).toBe(4);
    expect(m.get(0)).toBe(4);
  });

  it("compares arrays structurally and keeps the first-seen key", () => {
    const m = new KeyMap<number>();
    const first = ["a", 1];
    m.set(first, 1);
    m.set(["a", 1], 2);
    m.set(["a", "1"], 3);
    m.set([["a"], 1], 4);
    m.set([], 5);
    m.set([[]], 6);
    m.set([NaN, -0], 7);
    m.set([NaN, 0], 8);
    expect(m.size).toBe(6);
    expect(m.get(["a", 1])).toBe(2);
    expect(m.get(["a", "1"])).toBe(3);
    expect(m.get([["a"], 1])).toBe(4);
    expect(m.get([])).toBe(5);
    expect(m.get([[]])).toBe(6);
    expect(m.get([0, NaN])).toBeUndefined();
    expect(m.get([NaN, 0])).toBe(8);
    const keys: unknown[] = [];
    m.forEach((_v, k) => keys.push(k));
    expect(keys[0]).toBe(first);
  });

  it("compares other objects by reference", () => {
    const m = new KeyMap<number>();
    const o = { a: 1 };
    m.set(o, 1);
    m.set({ a: 1 }, 2);
    expect(m.size).toBe(2);
    expect(m.get(o)).toBe(1);
    expect(m.get([o])).toBeUndefined();
    m.set([o], 3);
    expect(m.get([o])).toBe(3);
    expect(m.get([{ a: 1 }])).toBeUndefined();
  });

  it("compares symbols by identity, alone and in tuples; a registered symbol is one per registry key", () => {
    const m = new KeyMap<number>();
    const local = Symbol("s");
    m.set(Symbol.for("s"), 1);
    m.set(Symbol.for("s"), 2);
    m.set(local, 3);
    m.set(Symbol("s"), 4);
    m.set([Symbol.for("s"), 1], 5);
    m.set([Symbol.for("s"), 1], 6);
    m.set([local, 1], 7);
    m.set([Symbol("s"), 1], 8);
    expect(m.size).toBe(6);
    expect(m.get(Symbol.for("s"))).toBe(2);
    expect(m.get(local)).toBe(3);
    expect(m.get(Symbol("s"))).toBeUndefined();
    expect(m.get([Symbol.for("s"), 1])).toBe(6);
    expect(m.get([local, 1])).toBe(7);
    expect(m.get([Symbol("s"), 1])).toBeUndefined();
    expect(m.get(["s", 1])).toBeUndefined();
  });

  it("deletes plain and array keys by the same equality", () => {
    const m = new KeyMap<number>();
    m.set(-0, 1);
    m.set(["a", NaN], 2);
    m.set("b", 3);
    expect(m.delete(0)).toBe(true);
    expect(m.delete(["a", 0 / 0])).toBe(true);
    expect(m.delete(["a", 0 / 0])).toBe(false);
    expect(m.delete("c")).toBe(false);
    expect(m.size).toBe(1);
    expect(m.get(-0)).toBeUndefined();
    expect(m.get("b")).toBe(3);
  });

  it("stores Object.prototype's names as ordinary keys", () => {
    const m = new KeyMap<number>();
    OBJECT_PROTOTYPE_NAMES.forEach((k, i) => m.set(k, i));
    expect(m.size).toBe(OBJECT_PROTOTYPE_NAMES.length);
    OBJECT_PROTOTYPE_NAMES.forEach((k, i) => expect(m.get(k)).toBe(i));
    expect(m.has("propertyIsEnumerable")).toBe(false);
    expect(Object.prototype.hasOwnProperty.call(Object.prototype, "polluted")).toBe(false);
  });

  it("never hands a number or a bigint to a Map, whose hashes of them are unseeded (keys made to share a bucket)", () => {
    const crafted = v8BucketCollisions(2000);
    const bigints = Array.from({ length: 2000 }, (_, i) => (BigInt(i) << 64n) + 1n); // alike in their low 64 bits
    const ints = Array.from({ length: 2000 }, (_, i) => i * 7919 - 5000);
    const m = new KeyMap<number>();
    const seen = mapKeyTypes(() => {
      for (const keys of [crafted, bigints, ints, [NaN, -0, 0, Infinity]] as unknown[][]) {
        keys.forEach((k) => m.fold(k, 1, (v) => v, (a, b) => a + b));
        keys.forEach((k) => m.set(k, (m.get(k) ?? 0) + 1));
      }
      expect(m.delete(crafted[7]!) && m.delete(bigints[7]!) && m.delete(-0) && m.has(ints[7])).toBe(true);
    });
    expect([...seen].filter((t) => t === "number" || t === "bigint")).toEqual([]);
    expect([m.has(crafted[7]), m.has(bigints[7]), m.has(0), m.size]).toEqual([false, false, false, 6000]);
    for (const k of [...crafted.slice(8), ...bigints.slice(8), ...ints, Infinity]) expect(m.get(k)).toBe(2);
    expect(m.get(NaN)).toBe(2);
  });
});

describe("canonicalKey", () => {
  const primitive = fc.oneof(
    fc.string({ maxLength: 4 }),
    fc.constantFrom("", ",", '"', "[", "]", "n", "NaN", "null", "undefined", "true", "0", "1n", "#1"),
    fc.integer({ min: -3, max: 3 }),
    fc.constantFrom(NaN, -0, 0.5, Infinity, -Infinity),
    fc.boolean(),
    fc.bigInt({ min: -3n, max: 3n }),
    fc.constantFrom(null, undefined),
  );
  const tupleKey = fc.letrec((tie) => ({
    key: fc.oneof({ depthSize: "small" }, primitive, fc.array(tie("key"), { maxLength: 3 })),
  })).key;

  /** Structural equality with SameValueZero at the leaves: the equality keys should have. */
  function sameKey(a: unknown, b: unknown): boolean {
    if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => sameKey(x, b[i]));
    if (Array.isArray(a) || Array.isArray(b)) return false;
    return a === b || (Number.isNaN(a) && Number.isNaN(b));
  }

  it("is equal exactly for keys that are equal (property)", () => {
    fc.assert(
      fc.property(tupleKey, tupleKey, (a, b) => {
        expect(canonicalKey(a) === canonicalKey(b)).toBe(sameKey(a, b));
      }),
      { numRuns: 3000 },
    );
  });

  it("writes the same text as ever: the hash partitioner hashes it, so tuple keys keep their partitions", () => {
    expect(canonicalKey(["a", -0, NaN, [1.5, true, null, undefined], 2n, new Array(1), 'q"\\', -Infinity, 1e21])).toBe(
      '["a",0,NaN,[1.5,true,null,undefined],2n,[undefined],"q\\"\\\\",-Infinity,1e+21]',
    );
    // The text as first written (Array.from, map, join), for every primitive and nesting.
    const first = (key: unknown): string => {
      if (Array.isArray(key)) return `[${Array.from(key, first).join(",")}]`;
      if (typeof key === "number") return Number.isNaN(key) ? "NaN" : Object.is(key, -0) ? "0" : String(key);
      return typeof key === "string" ? JSON.stringify(key) : typeof key === "bigint" ? `${key}n` : String(key);
    };
    const text = fc.oneof(
      fc.string({ maxLength: 6, unit: "binary" }),
      fc.constantFrom('"', "\\", "\u0000", "\u001f", "\u007f", "\ud800", "\udc00", "\ud83d\ude00", "\u2028", "é"),
    );
    const anyKey = fc.letrec((tie) => ({
      key: fc.oneof({ depthSize: "small" }, text, tupleKey, fc.array(tie("key"), { maxLength: 3 })),
    })).key;
    fc.assert(
      fc.property(anyKey, (k) => {
        expect(canonicalKey(k)).toBe(first(k));
      }),
      { numRuns: 3000 },
    );
  });

  it("treats a hole in a sparse array key as undefined, not as a missing element", () => {
    // `new Array(1)` is a tuple of one element, undefined: its canonical form must be that of
    // `[undefined]`, never that of the empty tuple `[]`. (Fails today: canonicalKey maps with
    // `key.map(...)`, which skips holes, and `join` writes them as empty strings, so
    // `new Array(1)` and `[]` both become "[]".)
    expect(canonicalKey(new Array(1))).not.toBe(canonicalKey([]));
    expect(canonicalKey(new Array(1))).toBe(canonicalKey([undefined]));
    expect(canonicalKey([1, , 2])).toBe(canonicalKey([1, undefined, 2])); // eslint-disable-line no-sparse-arrays
  });

  it("names a registered symbol by its registry key and an unregistered one by its identity", () => {
    const local = Symbol("s");
    expect(canonicalKey([Symbol.for("s")])).toBe(canonicalKey([Symbol.for("s")]));
    expect(canonicalKey([Symbol.for("s")])).not.toBe(canonicalKey([Symbol.for("t")]));
    expect(canonicalKey([Symbol.for("__proto__")])).toBe(canonicalKey([Symbol.for("__proto__")]));
    expect(canonicalKey([local, [local]])).toBe(canonicalKey([local, [local]]));
    expect(canonicalKey([local])).not.toBe(canonicalKey([Symbol("s")]));
    expect(canonicalKey(Symbol.for("s"))).toBe(canonicalKey(Symbol.for("s")));
    // Never equal to a string, a registered symbol or an object of the same name.
    const forms = [[Symbol.for("s")], [local], ["s"], ['$"s"'], [{}], [Symbol.for("")], [""]].map(canonicalKey);
    expect(new Set(forms).size).toBe(forms.length);
  });

  it("is equal for a key and its structural copy (property)", () => {
    fc.assert(
      fc.property(tupleKey, (a) => {
        expect(canonicalKey(structuredClone(a))).toBe(canonicalKey(a));
      }),
    );
  });
});

describe("keys through the shuffles", () => {
  it("reduceByKey compares number keys by value: NaN with NaN, -0 with 0", async () => {
    const m = await reduced<number>([
      [NaN, 1],
      [0, 10],
      [Number("nope"), 2],
      [-0, 20],
      [1, 100],
      [1.0, 200],
      [Infinity, 5],
      [-Infinity, 7],
    ]);
    expect(m.size).toBe(5);
    expect(m.get(NaN)).toBe(3);
    expect(m.get(0)).toBe(30);
    expect(m.get(1)).toBe(300);
    expect(m.get(Infinity)).toBe(5);
    expect(m.get(-Infinity)).toBe(7);
  });

  it("reduceByKey compares strings, booleans and bigints by value, and keeps types apart", async () => {
    const m = await reduced<unknown>([
      ["a", 1],
      ["ab".slice(0, 1), 2],
      [true, 4],
      [1 < 2, 8],
      [2n ** 70n, 16],
      [BigInt("1180591620717411303424"), 32],
      ["true", 64],
      [1, 128],
      [1n, 256],
      ["1", 512],
      [null, 1024],
      [undefined, 2048],
      ["", 4096],
    ]);
    expect(m.size).toBe(10);
    expect(m.get("a")).toBe(3);
    expect(m.get(true)).toBe(12);
    expect(m.get(2n ** 70n)).toBe(48);
    expect(m.get("true")).toBe(64);
    expect(m.get(1)).toBe(128);
    expect(m.get(1n)).toBe(256);
    expect(m.get("1")).toBe(512);
    expect(m.get(null)).toBe(1024);
    expect(m.get(undefined)).toBe(2048);
    expect(m.get("")).toBe(4096);
  });

  it("reduceByKey and groupByKey treat __proto__, constructor and hasOwnProperty as ordinary keys", async () => {
    const pairs: Pair<string, number>[] = [];
    OBJECT_PROTOTYPE_NAMES.forEach((k, i) => pairs.push([k, i + 1], ["x", 1000], [k, 10 * (i + 1)]));
    const m = await reduced(pairs);
    expect([...m.keys()].sort()).toEqual([...OBJECT_PROTOTYPE_NAMES, "x"].sort());
    OBJECT_PROTOTYPE_NAMES.forEach((k, i) => expect(m.get(k)).toBe(11 * (i + 1)));
    expect(m.get("x")).toBe(1000 * OBJECT_PROTOTYPE_NAMES.length);

    const groups = await batch(pairs).groupByKey(2).collect();
    expect(sorted(groups.map(([k, vs]) => [k, vs.slice().sort((a, b) => a - b)]))).toEqual(
      sorted([...OBJECT_PROTOTYPE_NAMES.map((k, i) => [k, [i + 1, 10 * (i + 1)]]), ["x", OBJECT_PROTOTYPE_NAMES.map(() => 1000)]]),
    );
    expect(Object.prototype.hasOwnProperty.call(Object.prototype, "1")).toBe(false);
    expect(({} as Record<string, unknown>)["x"]).toBeUndefined();
  });

  it("a DStream's reduceByKey, groupByKey, countByValue and join treat them as ordinary keys", async () => {
    const words = [["__proto__", "constructor", "__proto__", "hasOwnProperty"], ["constructor", "toString"]];
    const counted = await runOperation(words, (s) => s.map((w) => [w, 1] as const).reduceByKey(sum));
    expect(counted.map(sorted)).toEqual([
      [["__proto__", 2], ["constructor", 1], ["hasOwnProperty", 1]],
      [["constructor", 1], ["toString", 1]],
    ]);
    const byValue = await runOperation(words, (s) => s.countByValue());
    expect(byValue.map(sorted)).toEqual(counted.map(sorted));

    const grouped = await runOperation(words, (s) => s.map((w) => [w, w.length] as [string, number]).groupByKey());
    expect(grouped.map(sorted)).toEqual([
      [["__proto__", [9, 9]], ["constructor", [11]], ["hasOwnProperty", [14]]],
      [["constructor", [11]], ["toString", [8]]],
    ]);

    const joined = await runOperation2(
      [[["__proto__", 1], ["constructor", 2], ["hasOwnProperty", 3], ["plain", 4]] as [string, number][]],
      [[["__proto__", "p"], ["constructor", "c"], ["toString", "t"]] as [string, string][]],
      (a, b) => a.fullOuterJoin(b),
      { parallelism: 3 },
    );
    expect(sorted(joined[0]!)).toEqual(
      sorted([
        ["__proto__", [1, "p"]],
        ["constructor", [2, "c"]],
        ["hasOwnProperty", [3, undefined]],
        ["plain", [4, undefined]],
        ["toString", [undefined, "t"]],
      ]),
    );
  });

  it("updateStateByKey keeps state for __proto__ and constructor like any key", async () => {
    const out = await runOperation([["__proto__", "constructor"], ["__proto__"], []], (s) =>
      s.map((w) => [w, 1] as const).updateStateByKey<string, 1, number>((vs, st) => vs.length + (st ?? 0)),
    );
    expect(out.map(sorted)).toEqual([
      [["__proto__", 1], ["constructor", 1]],
      [["__proto__", 2], ["constructor", 1]],
      [["__proto__", 2], ["constructor", 1]],
    ]);
  });

  it("tuple (array) keys compare structurally through reduceByKey, groupByKey and join", async () => {
    const m = new Map<string, number>();
    const out = await batch<Pair<unknown[], number>>([
      [["a", 1], 1],
      [["a", 1], 2],
      [["a", "1"], 4],
      [[NaN, -0], 8],
      [[NaN, 0], 16],
      [[["nested", [1, 2]], 3n], 32],
      [[["nested", [1, 2]], 3n], 64],
      [[["nested", [1, 2]], 3], 128],
      [[], 256],
    ])
      .reduceByKey(sum, 4)
      .collect();
    for (const [k, v] of out) m.set(canonicalKey(k), v);
    expect(out).toHaveLength(6);
    expect(m.get(canonicalKey(["a", 1]))).toBe(3);
    expect(m.get(canonicalKey(["a", "1"]))).toBe(4);
    expect(m.get(canonicalKey([NaN, 0]))).toBe(24);
    expect(m.get(canonicalKey([["nested", [1, 2]], 3n]))).toBe(96);
    expect(m.get(canonicalKey([["nested", [1, 2]], 3]))).toBe(128);
    expect(m.get(canonicalKey([]))).toBe(256);

    const grouped = await batch<Pair<[string, number], string>>([
      [["u", 1], "a"],
      [["u", 2], "b"],
      [["u", 1], "c"],
      [["u", 1], "d"],
    ])
      .groupByKey(2)
      .collect();
    expect(sorted(grouped.map(([k, vs]) => [k, vs.slice().sort()]))).toEqual([
      [["u", 1], ["a", "c", "d"]],
      [["u", 2], ["b"]],
    ]);

    const joined = await batch<Pair<[string, number], number>>([
      [["k", 1], 10],
      [["k", 2], 20],
    ])
      .join(batch<Pair<[string, number], string>>([[["k", 1], "one"], [["k", 3], "three"]], 2), 3)
      .collect();
    expect(joined).toEqual([[["k", 1], [10, "one"]]]);
  });

  it("tuple keys holding symbols go through countByKey and the shuffles", async () => {
    // As Scala tuples, compared element by element whatever the elements: a registered symbol by
    // its registry key, an unregistered one by identity.
    const local = Symbol("s");
    const counts = await batch<Pair<unknown, number>>([[[Symbol.for("s")], 1], [[Symbol.for("s")], 2]], 1).countByKey();
    expect([...counts.values()]).toEqual([2]);
    const out = await batch<Pair<[symbol, number], number>>([
      [[Symbol.for("s"), 1], 1],
      [[local, 1], 2],
      [[Symbol.for("s"), 1], 4],
      [[Symbol("s"), 1], 8],
      [[local, 1], 16],
    ])
      .reduceByKey(sum, 2)
      .collect();
    expect(out.map(([, v]) => v).sort((a, b) => a - b)).toEqual([5, 8, 18]);
    expect(out.find(([, v]) => v === 5)![0][0]).toBe(Symbol.for("s"));
    expect(out.find(([, v]) => v === 18)![0][0]).toBe(local);
    const alone = await batch<Pair<symbol, number>>([[Symbol.for("t"), 1], [local, 2], [Symbol.for("t"), 4]]).reduceByKey(sum, 2).collect();
    expect(new Map(alone)).toEqual(new Map([[Symbol.for("t"), 5], [local, 2]]));
  });

  it("tuple keys of a DStream compare structurally", async () => {
    const out = await runOperation(
      [[["ad", "home"], ["ad", "home"], ["ad", "cart"], ["search", "home"]]],
      (s) => s.map((k) => [k, 1] as [string[], number]).reduceByKey(sum),
      { parallelism: 3 },
    );
    expect(sorted(out[0]!)).toEqual(
      sorted([
        [["ad", "home"], 2],
        [["ad", "cart"], 1],
        [["search", "home"], 1],
      ]),
    );
  });
});

describe("KeyMap against a Map (plain keys) and structural tuples", () => {
  it("gets, sets, deletes and iterates as the reference does, through its compactions", () => {
    const plain = fc.oneof(
      fc.string({ maxLength: 3 }),
      fc.string({ unit: "binary", maxLength: 24 }),
      fc.constantFrom("__proto__", "constructor", "sixteen-chars-ok", "seventeen-chars-x", "0"),
      fc.integer({ min: -3, max: 3 }),
      fc.constantFrom(NaN, -0, 0, null, undefined, true, false, 1n),
    );
    const key = fc.oneof(plain, fc.tuple(fc.constantFrom("x", "y"), fc.nat(2)));
    const op = fc.oneof(
      fc.tuple(fc.constant("set" as const), key, fc.integer()),
      fc.tuple(fc.constant("delete" as const), key, fc.constant(0)),
      fc.tuple(fc.constant("get" as const), key, fc.constant(0)),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 600 }), (ops) => {
        const map = new KeyMap<number>();
        const reference = new Map<unknown, number>(); // tuples by canonical text
        const id = (k: unknown): unknown => (Array.isArray(k) ? `tuple:${canonicalKey(k)}` : k);
        const originals = new Map<unknown, unknown>();
        for (const [what, k, v] of ops) {
          if (what === "set") {
            if (!reference.has(id(k))) originals.set(id(k), Object.is(k, -0) ? 0 : k); // a Map keeps -0 as 0
            reference.set(id(k), v);
            map.set(k, v);
          } else if (what === "delete") {
            expect(map.delete(k)).toBe(reference.delete(id(k)));
            originals.delete(id(k));
          } else {
            expect(map.get(k)).toBe(reference.get(id(k)));
            expect(map.has(k)).toBe(reference.has(id(k)));
          }
          expect(map.size).toBe(reference.size);
        }
        const got: [unknown, number][] = [];
        map.forEach((v, k) => got.push([k, v]));
        // Plain keys in insertion order (a Map's), then tuples in theirs, each as first seen.
        const entries = [...reference].map(([k, v]): [unknown, number] => [originals.get(k), v]);
        expect(got).toEqual([...entries.filter(([k]) => !Array.isArray(k)), ...entries.filter(([k]) => Array.isArray(k))]);
        got.forEach(([k]) => expect(Object.is(k, -0)).toBe(false));
      }),
      { numRuns: 300 },
    );
  });

  it("sets what a get or has just looked up, whatever changed in between (removals, growth)", () => {
    // get k, then any operation (often on another key, inserting or removing), then set k: the
    // set may reuse the lookup only when the table has not changed since.
    const key = fc.oneof(fc.nat(40).map((n) => `k${n}`), fc.constantFrom("a", "__proto__", "a much longer key than sixteen", 7));
    const step = fc.tuple(key, fc.constantFrom("get", "has"), fc.constantFrom("set", "delete", "get", "fold"), key, fc.integer());
    fc.assert(
      fc.property(fc.array(step, { maxLength: 400 }), (steps) => {
        const map = new KeyMap<number>();
        const reference = new Map<unknown, number>();
        for (const [k, look, between, other, v] of steps) {
          if (look === "get") expect(map.get(k)).toBe(reference.get(k));
          else expect(map.has(k)).toBe(reference.has(k));
          if (between === "set") {
            map.set(other, v);
            reference.set(other, v);
          } else if (between === "delete") {
            expect(map.delete(other)).toBe(reference.delete(other));
          } else if (between === "fold") {
            map.fold(other, v, (w) => w, (c, w) => c + w);
            reference.set(other, (reference.get(other) ?? 0) + v);
          } else {
            expect(map.get(other)).toBe(reference.get(other));
          }
          map.set(k, v);
          reference.set(k, v);
        }
        const got: [unknown, number][] = [];
        map.forEach((value, k) => got.push([k, value]));
        expect(got).toEqual([...reference]);
      }),
      { numRuns: 300 },
    );
  });

  it("keeps its order and size across many removals (compaction), and under forEach", () => {
    const map = new KeyMap<number>();
    for (let i = 0; i < 5000; i++) map.set(`k${i}`, i);
    for (let i = 0; i < 5000; i++) if (i % 10 !== 0) map.delete(`k${i}`);
    const seen: string[] = [];
    map.forEach((v, k) => {
      seen.push(k as string);
      if (v === 0) for (let i = 1; i < 5000; i += 10) map.delete(`k${i - 1 + 10}`); // removals during forEach
    });
    expect(seen[0]).toBe("k0");
    expect(map.size).toBe(1);
    expect(map.get("k0")).toBe(0);
    map.set("k0", 7);
    map.set("new", 1);
    const after: [unknown, number][] = [];
    map.forEach((v, k) => after.push([k, v]));
    expect(after).toEqual([["k0", 7], ["new", 1]]);
    for (let i = 0; i < 200; i++) map.set(i, i);
    for (let i = 0; i < 200; i++) map.delete(i); // compacts
    map.set(-0, 3);
    const last: [unknown, number][] = [];
    map.forEach((v, k) => last.push([k, v]));
    expect(last).toEqual([["k0", 7], ["new", 1], [0, 3]]);
    expect(Object.is(last[2]![0], 0)).toBe(true);
  });
});
