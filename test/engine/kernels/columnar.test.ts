// Columnar encoding: both string strategies give TextEncoder's bytes; decoding round-trips.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  aggregateEntries,
  decodeKeys,
  decodeStrings,
  encodeKeys,
  encodePairs,
  encodeStrings,
  encodeStringsJoined,
  encodeStringsLoop,
  encodeValues,
  utf8Length,
} from "../../../src/engine/kernels/columnar.ts";

const encoder = new TextEncoder();
/** What the kernels must see: each key as TextEncoder writes it (lone surrogates as U+FFFD). */
function expected(keys: readonly string[]): { bytes: number[]; offsets: number[] } {
  const bytes: number[] = [];
  const offsets = [0];
  for (const k of keys) {
    bytes.push(...encoder.encode(k));
    offsets.push(bytes.length);
  }
  return { bytes, offsets };
}
/** What decoding gives back: the key after a UTF-8 round trip. */
const wellFormed = (s: string): string => new TextDecoder("utf-8", { ignoreBOM: true }).decode(encoder.encode(s));

const key = fc.oneof(
  fc.string({ unit: "binary", maxLength: 30 }),
  fc.string({ unit: "grapheme", maxLength: 30 }),
  fc.string({ maxLength: 80 }),
  fc.constantFrom("\ud800", "\udc00", "\ufeff", "\ufeffx", "", "__proto__", "a".repeat(100), "ü".repeat(70)),
);

describe("string keys", () => {
  it("every strategy writes TextEncoder's bytes, and decoding round-trips", () => {
    fc.assert(
      fc.property(fc.array(key, { maxLength: 50 }), (keys) => {
        const want = expected(keys);
        const units = keys.reduce((a, k) => a + k.length, 0);
        for (const column of [encodeStrings(keys), encodeStringsLoop(keys, units), encodeStringsJoined(keys, units)]) {
          expect(Array.from(column.bytes)).toEqual(want.bytes);
          expect(Array.from(column.offsets)).toEqual(want.offsets);
          expect(decodeStrings(column.bytes, column.offsets)).toEqual(keys.map(wellFormed));
        }
        keys.forEach((k) => expect(utf8Length(k)).toBe(encoder.encode(k).length));
      }),
      { numRuns: 500 },
    );
  });

  it("lone surrogates that would pair up across keys stay U+FFFD", () => {
    const keys = ["a\ud83d", "\ude00b", "x".repeat(40) + "\ud83d", "\ude00"];
    const units = keys.reduce((a, k) => a + k.length, 0);
    for (const column of [encodeStringsLoop(keys, units), encodeStringsJoined(keys, units)]) {
      expect(Array.from(column.bytes)).toEqual(expected(keys).bytes);
      expect(decodeStrings(column.bytes, column.offsets)).toEqual(["a\ufffd", "\ufffdb", "x".repeat(40) + "\ufffd", "\ufffd"]);
    }
  });

  it("decodes long keys, a leading BOM and invalid UTF-8 (as U+FFFD)", () => {
    const long = "é".repeat(40000);
    const column = encodeStrings(["\ufeff", long, "\ufeffa", "b"]);
    expect(decodeStrings(column.bytes, column.offsets)).toEqual(["\ufeff", long, "\ufeffa", "b"]);
    const invalid = Uint8Array.of(0x61, 0xff, 0x62, 0xe2, 0x80, 0x63);
    expect(decodeStrings(invalid, Uint32Array.of(0, 2, 3, 5, 6))).toEqual(["a\ufffd", "b", "\ufffd", "c"]);
    expect(decodeStrings(new Uint8Array(0), Uint32Array.of(0))).toEqual([]);
    // Offsets need not start at 0.
    expect(decodeStrings(encoder.encode("xxhello"), Uint32Array.of(2, 4, 7))).toEqual(["he", "llo"]);
  });
});

describe("keys, values and pairs", () => {
  it("encodeKeys: all strings or all numbers, else undefined", () => {
    expect(encodeKeys(["a", "b"])?.kind).toBe("string");
    expect(encodeKeys([1, NaN, -0])?.kind).toBe("number");
    expect(encodeKeys([])?.kind).toBe("string");
    expect(encodeKeys(["a", 1])).toBeUndefined();
    expect(encodeKeys([true])).toBeUndefined();
    expect(encodeKeys([1n])).toBeUndefined();
    expect(encodeKeys([null])).toBeUndefined();
    expect(encodeValues([1, 2.5, NaN])).toEqual(Float64Array.of(1, 2.5, NaN));
    expect(encodeValues([1, "2"])).toBeUndefined();
  });

  it("encodePairs and aggregateEntries", () => {
    const pairs = encodePairs([["a", 1], ["ü", 2], ["a", 3]]);
    expect(pairs).toBeDefined();
    expect(decodeKeys(pairs!.keys)).toEqual(["a", "ü", "a"]);
    expect(Array.from(pairs!.values)).toEqual([1, 2, 3]);
    expect(encodePairs([["a", "x"]])).toBeUndefined();
    expect(encodePairs([[1, 1], ["a", 1]])).toBeUndefined();
    expect(
      aggregateEntries({ keys: { kind: "number", keys: Float64Array.of(1, 2) }, values: Float64Array.of(3, 4), hashes: new Uint32Array(2) }),
    ).toEqual([[1, 3], [2, 4]]);
  });
});
