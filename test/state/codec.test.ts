import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { RivuletError } from "../../src/core/errors.ts";
import { decodeValue, encodeValue } from "../../src/state/codec.ts";
import { difference } from "./same-value.ts";

const utf8 = new TextEncoder();

function roundTrip(value: unknown): unknown {
  return decodeValue(encodeValue(value));
}

function expectRoundTrip(value: unknown): void {
  expect(difference(value, roundTrip(value))).toBeUndefined();
}

/** Decodes hand-written wire JSON, as a damaged or hostile checkpoint could hold. */
function decodeJson(json: string): unknown {
  return decodeValue(utf8.encode(json));
}

function rivuletError(fn: () => unknown): RivuletError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(RivuletError);
    return error as RivuletError;
  }
  throw new Error("expected a RivuletError, nothing was thrown");
}

// Lone surrogates and astral characters too, not just what a UTF-8 string can hold.
const anyCodeUnits = fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)) });
const awkwardKeys = fc.oneof(
  fc.constantFrom("__proto__", "constructor", "prototype", "toString", "hasOwnProperty", "$", "v", "k", "0", "1", "-1", ""),
  anyCodeUnits,
);

/** Every kind of value the codec supports, nested, the way fc.anything builds them. */
const supported = fc.anything({
  key: awkwardKeys,
  values: [
    fc.constant(undefined),
    fc.constant(null),
    fc.boolean(),
    fc.integer(),
    fc.double(),
    fc.constantFrom(NaN, Infinity, -Infinity, -0, 0, Number.MAX_VALUE, Number.MIN_VALUE, Number.EPSILON),
    anyCodeUnits,
    fc.string({ unit: "binary" }),
    fc.bigInt(),
  ],
  withBigInt: true,
  withMap: true,
  withSet: true,
  withDate: true,
  withTypedArray: true,
  withSparseArray: true,
  withNullPrototype: true,
  withBoxedValues: false,
  withObjectString: false,
  maxDepth: 4,
});

describe("codec round-trips", () => {
  it("every supported value (property)", () => {
    fc.assert(
      fc.property(supported, (value) => {
        expect(difference(value, roundTrip(value))).toBeUndefined();
      }),
      { numRuns: 500 },
    );
  });

  it("undefined, null and booleans", () => {
    for (const v of [undefined, null, true, false]) expectRoundTrip(v);
    expectRoundTrip([undefined, null, true, false]);
  });

  it("special numbers, alone and inside containers", () => {
    const numbers = [NaN, Infinity, -Infinity, -0, 0, 1.5, -1e-300, 5e-324, Number.MAX_SAFE_INTEGER, 1e21, 2 ** 53 + 2];
    for (const n of numbers) expectRoundTrip(n);
    expectRoundTrip(numbers);
    expectRoundTrip({ n: -0, m: NaN });
    expect(Object.is(roundTrip(-0), -0)).toBe(true);
    expect(Object.is((roundTrip([-0]) as number[])[0], -0)).toBe(true);
  });

  it("strings, including lone surrogates and astral characters", () => {
    const strings = ["", "plain", "\u0000\u001f\"\\", "\ud800", "\udfff", "a\ud800b", "\udc00\ud800", "😀", "\u2028\u2029", "é"];
    for (const s of strings) expectRoundTrip(s);
    expectRoundTrip(strings);
    // The bytes are valid UTF-8 (the surrogate is an escape, not a replaced character).
    expect(new TextDecoder("utf-8", { fatal: true }).decode(encodeValue("\ud800"))).toContain("\\ud800");
  });

  it("bigints", () => {
    for (const b of [0n, -1n, 1n, 2n ** 64n, -(2n ** 200n) + 7n]) expectRoundTrip(b);
  });

  it("arrays: nested, empty, and holes (which come back as undefined)", () => {
    expectRoundTrip([]);
    expectRoundTrip([[], [[]], [1, ["a", [true]]]]);
    // eslint-disable-next-line no-sparse-arrays
    const sparse = [1, , 3];
    const decoded = roundTrip(sparse) as unknown[];
    expect(decoded).toHaveLength(3);
    expect(1 in decoded).toBe(true);
    expect(decoded[1]).toBeUndefined();
  });

  it("plain objects, with awkward keys in order", () => {
    expectRoundTrip({});
    expectRoundTrip({ b: 1, a: 2, 10: "x", 2: "y", $: "tag-like", v: [1] });
    expectRoundTrip({ $: "u" });
    expectRoundTrip({ $: "n", v: "NaN" });
    expectRoundTrip({ nested: { deeper: { deepest: [{}] } } });
  });

  it("objects with a null prototype stay so", () => {
    const bare = Object.assign(Object.create(null) as Record<string, unknown>, { a: 1 });
    const decoded = roundTrip(bare) as object;
    expect(Object.getPrototypeOf(decoded)).toBeNull();
    expectRoundTrip(bare);
  });

  it("keys named __proto__, constructor and prototype are own data properties", () => {
    const value: Record<string, unknown> = {};
    Object.defineProperty(value, "__proto__", { value: { polluted: true }, enumerable: true, writable: true, configurable: true });
    value["constructor"] = "not a function";
    value["prototype"] = 1;
    const decoded = roundTrip(value) as Record<string, unknown>;
    expect(Object.getPrototypeOf(decoded)).toBe(Object.prototype);
    expect(Object.hasOwn(decoded, "__proto__")).toBe(true);
    expect(Object.getOwnPropertyDescriptor(decoded, "__proto__")?.value).toEqual({ polluted: true });
    expect(decoded.polluted).toBeUndefined();
    expect(decoded.constructor).toBe("not a function");
    expectRoundTrip(value);
  });

  it("decoding a hostile __proto__ key pollutes nothing", () => {
    const decoded = decodeJson('{"$":"o","v":["__proto__",{"$":"o","v":["polluted",true]},"a",1]}') as Record<string, unknown>;
    expect(Object.getPrototypeOf(decoded)).toBe(Object.prototype);
    expect(decoded.polluted).toBeUndefined();
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.keys(decoded)).toEqual(["__proto__", "a"]);
    // A raw JSON object with a __proto__ key is not a tag at all: refused, not merged.
    const error = rivuletError(() => decodeJson('{"__proto__":{"$":"u"},"x":1}'));
    expect(error.code).toBe("CHECKPOINT_CORRUPT");
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  });

  it("a tag on Object.prototype is not read", () => {
    const proto = Object.prototype as Record<string, unknown>;
    proto.$ = "u";
    try {
      expect(rivuletError(() => decodeJson("{}")).code).toBe("CHECKPOINT_CORRUPT");
    } finally {
      delete proto.$;
    }
  });

  it("Map and Set, with any keys, in insertion order", () => {
    expectRoundTrip(new Map());
    expectRoundTrip(new Set());
    expectRoundTrip(new Map<unknown, unknown>([["b", 1], ["a", 2], [1, "num"], [NaN, -0], [{ k: 1 }, [1]], [undefined, null]]));
    expectRoundTrip(new Set<unknown>(["b", "a", 3, NaN, undefined, [1, 2]]));
    expectRoundTrip(new Map([["m", new Map([["s", new Set([new Date(0)])]])]]));
  });

  it("Date, valid and invalid", () => {
    expectRoundTrip(new Date(0));
    expectRoundTrip(new Date(-8.64e15));
    expectRoundTrip(new Date(1_700_000_000_123));
    const invalid = roundTrip(new Date(NaN)) as Date;
    expect(invalid).toBeInstanceOf(Date);
    expect(invalid.getTime()).toBeNaN();
  });

  it("typed arrays of every kind, also views into a larger buffer", () => {
    const arrays = [
      new Int8Array([-128, 0, 127]),
      new Uint8Array([0, 1, 255]),
      new Uint8ClampedArray([0, 255]),
      new Int16Array([-32768, 1, 32767]),
      new Uint16Array([65535]),
      new Int32Array([-(2 ** 31), 2 ** 31 - 1]),
      new Uint32Array([2 ** 32 - 1]),
      new Float32Array([1.5, NaN, -0, Infinity]),
      new Float64Array([Math.PI, NaN, -0, -Infinity, 5e-324]),
      new BigInt64Array([-(2n ** 63n), 2n ** 63n - 1n]),
      new BigUint64Array([2n ** 64n - 1n]),
      new Float64Array(0),
    ];
    for (const a of arrays) expectRoundTrip(a);
    const view = new Float64Array(new Float64Array([1, 2, 3, 4]).buffer, 8, 2);
    const decoded = roundTrip(view) as Float64Array;
    expect(Array.from(decoded)).toEqual([2, 3]);
    expect(decoded.byteOffset).toBe(0);
    expect(decoded.buffer.byteLength).toBe(16);
  });

  it("the common state: many [string, number] pairs", () => {
    const pairs: [string, number][] = Array.from({ length: 10_000 }, (_, i) => [`key-${i}`, i % 3 === 0 ? i * 0.5 : i]);
    pairs.push(["nan", NaN], ["neg-zero", -0]);
    expectRoundTrip(pairs);
  });

  it("does not change the value it encodes", () => {
    const value = [["a", 1], ["b", NaN], [undefined], new Map([["k", [-0]]])];
    const before = encodeValue(value);
    encodeValue(value);
    expect(encodeValue(value)).toEqual(before);
    expect(Number.isNaN((value[1] as unknown[])[1])).toBe(true);
    expect((value[2] as unknown[])[0]).toBeUndefined();
  });

  it("shared references are written twice and come back as copies", () => {
    const shared = { n: 1 };
    const decoded = roundTrip([shared, shared]) as object[];
    expect(decoded[0]).toEqual(shared);
    expect(decoded[0]).not.toBe(decoded[1]);
  });
});

describe("unsupported values", () => {
  class Point {
    constructor(readonly x: number) {}
  }

  const cases: [label: string, value: unknown, message: RegExp][] = [
    ["a function", function update() {}, /a function \(update\) at value:/],
    ["a nested function", { a: [1, { f: () => 1 }] }, /a function \(f\) at value\.a\[1\]\.f:/],
    ["a symbol", [Symbol("s")], /a symbol \(Symbol\(s\)\) at value\[0\]/],
    ["a class instance", { p: new Point(1) }, /an instance of Point at value\.p/],
    ["a RegExp", /x/, /an instance of RegExp at value:/],
    ["an Error", new Error("e"), /an instance of Error at value/],
    ["a boxed number", Object(1), /an instance of Number at value/],
    ["a WeakMap", new WeakMap(), /an instance of WeakMap at value/],
    ["a Promise", Promise.resolve(), /an instance of Promise at value/],
    ["an ArrayBuffer", new ArrayBuffer(1), /an instance of ArrayBuffer at value/],
    ["a DataView", new DataView(new ArrayBuffer(1)), /an instance of DataView at value/],
    ["an array subclass", new (class Tuple extends Array {})(), /an instance of Tuple at value/],
    ["a typed array subclass", new (class Bytes extends Uint8Array {})(2), /an instance of Bytes at value/],
    ["a symbol key", { [Symbol("k")]: 1 }, /symbol key Symbol\(k\) at value/],
    ["a function in a Map value", new Map([["key", () => 1]]), /at value\.get\("key"\)/],
    ["a function as a Map key", new Map<unknown, number>([[1, 1], [() => 1, 2]]), /at value\.keys\(\)\[1\]/],
    ["a function in a Set", new Set([1, () => 1]), /at value\.values\(\)\[1\]/],
    ["an awkward key", { "a b": [() => 1] }, /at value\["a b"\]\[0\]/],
  ];

  for (const [label, value, message] of cases) {
    it(`refuses ${label}, naming type and path`, () => {
      const error = rivuletError(() => encodeValue(value));
      expect(error.code).toBe("CHECKPOINT_FAILED");
      expect(error.message).toMatch(message);
    });
  }

  it("refuses circular references instead of overflowing the stack", () => {
    const a: unknown[] = [1];
    a.push({ back: a });
    const error = rivuletError(() => encodeValue(a));
    expect(error.code).toBe("CHECKPOINT_FAILED");
    expect(error.message).toMatch(/a circular reference at value\[1\]\.back/);
    const m = new Map<string, unknown>();
    m.set("self", m);
    expect(rivuletError(() => encodeValue(m)).message).toMatch(/circular reference at value\.get\("self"\)/);
  });

  it("refuses values nested too deeply with a typed error", () => {
    let deep: unknown[] = [];
    for (let i = 0; i < 200_000; i++) deep = [deep];
    const error = rivuletError(() => encodeValue(deep));
    expect(error.code).toBe("CHECKPOINT_FAILED");
  });
});

describe("decoding damaged payloads", () => {
  const corrupt: [label: string, bytes: Uint8Array][] = [
    ["invalid UTF-8", new Uint8Array([0x22, 0xff, 0x22])],
    ["not JSON", utf8.encode("[1,")],
    ["empty", new Uint8Array(0)],
    ["a plain JSON object", utf8.encode('{"a":1}')],
    ["an unknown tag", utf8.encode('{"$":"q"}')],
    ["a bad special number", utf8.encode('{"$":"n","v":"1"}')],
    ["a bad bigint", utf8.encode('{"$":"b","v":"1.5"}')],
    ["an empty bigint", utf8.encode('{"$":"b","v":""}')],
    ["an odd object entry list", utf8.encode('{"$":"o","v":["a"]}')],
    ["a non-string key", utf8.encode('{"$":"o","v":[1,2]}')],
    ["an odd Map entry list", utf8.encode('{"$":"m","v":[1]}')],
    ["a Set without values", utf8.encode('{"$":"s"}')],
    ["a Date of a string", utf8.encode('{"$":"d","v":"x"}')],
    ["an unknown typed array kind", utf8.encode('{"$":"t","k":"Float16Array","v":""}')],
    ["an inherited typed array kind", utf8.encode('{"$":"t","k":"__proto__","v":""}')],
    ["a typed array of bad base64", utf8.encode('{"$":"t","k":"Uint8Array","v":"!!!!"}')],
    ["a typed array of a partial element", utf8.encode('{"$":"t","k":"Float64Array","v":"AAAA"}')],
  ];

  for (const [label, bytes] of corrupt) {
    it(`refuses ${label} with CHECKPOINT_CORRUPT`, () => {
      expect(rivuletError(() => decodeValue(bytes)).code).toBe("CHECKPOINT_CORRUPT");
    });
  }
});
