import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { hashKey, murmur3Bytes, murmur3String } from "../../src/core/hash.ts";

/**
 * Published MurmurHash3_x86_32 test vectors (smhasher-compatible; the set commonly quoted from
 * Ian Boyd's list). Each one was re-checked against an independent reference transcribed from
 * smhasher's MurmurHash3.cpp, which itself reproduces smhasher's verification value 0xB0F57EE3.
 * Keep in sync with test/platform/browser-smoke.browser.test.ts.
 */
const VECTORS: ReadonlyArray<readonly [input: string | readonly number[], seed: number, expected: number]> = [
  ["", 0, 0],
  ["", 1, 0x514e28b7],
  ["", 0xffffffff, 0x81f16f39],
  [[0, 0, 0, 0], 0, 0x2362f9de],
  [[0, 0, 0], 0, 0x85f0b427],
  [[0, 0], 0, 0x30f4c306],
  [[0], 0, 0x514e28b7],
  [[0xff, 0xff, 0xff, 0xff], 0, 0x76293b50],
  [[0x21, 0x43, 0x65, 0x87], 0, 0xf55b516b],
  [[0x21, 0x43, 0x65, 0x87], 0x5082edee, 0x2362f9de],
  [[0x21, 0x43, 0x65], 0, 0x7e4a8634],
  [[0x21, 0x43], 0, 0xa0f7b07a],
  [[0x21], 0, 0x72661cf4],
  ["aaaa", 0x9747b28c, 0x5a97808a],
  ["aaa", 0x9747b28c, 0x283e0130],
  ["aa", 0x9747b28c, 0x5d211726],
  ["a", 0x9747b28c, 0x7fa09ea6],
  ["abcd", 0x9747b28c, 0xf0478627],
  ["abc", 0x9747b28c, 0xc84a62dd],
  ["ab", 0x9747b28c, 0x74875592],
  ["Hello, world!", 0x9747b28c, 0x24884cba],
  ["ππππππππ", 0x9747b28c, 0xd58063c1],
  ["a".repeat(256), 0x9747b28c, 0x37405bdc],
  ["abc", 0, 0xb3dd93fa],
  ["abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", 0, 0xee925b90],
  ["The quick brown fox jumps over the lazy dog", 0x9747b28c, 0x2fa826cd],
];

const encoder = new TextEncoder();
const utf8 = (s: string): Uint8Array => encoder.encode(s);
const label = (input: string | readonly number[]): string =>
  typeof input === "string" ? JSON.stringify(input.length > 24 ? `${input.slice(0, 24)}…` : input) : `[${input.join(",")}]`;

describe("murmur3Bytes / murmur3String: published vectors", () => {
  for (const [input, seed, expected] of VECTORS) {
    const hex = `0x${expected.toString(16).padStart(8, "0")}`;
    it(`${label(input)}, seed 0x${seed.toString(16)} → ${hex}`, () => {
      const bytes = typeof input === "string" ? utf8(input) : Uint8Array.from(input);
      expect(murmur3Bytes(bytes, seed)).toBe(expected);
      if (typeof input === "string") expect(murmur3String(input, seed)).toBe(expected);
    });
  }

  it("smhasher verification value 0xB0F57EE3", () => {
    // smhasher's VerificationTest: hash {}, {0}, {0,1}, ... {0..254} with seed 256-i, hash the
    // 256 little-endian results with seed 0.
    const all = new Uint8Array(256 * 4);
    const view = new DataView(all.buffer);
    const key = Uint8Array.from({ length: 256 }, (_, i) => i);
    for (let i = 0; i < 256; i++) view.setUint32(i * 4, murmur3Bytes(key.subarray(0, i), 256 - i), true);
    expect(murmur3Bytes(all, 0)).toBe(0xb0f57ee3);
  });

  it("hashes a [start, end) window like the subarray", () => {
    const bytes = utf8("xxThe quick brown fox jumps over the lazy dogyyy");
    expect(murmur3Bytes(bytes, 0x9747b28c, 2, bytes.length - 3)).toBe(0x2fa826cd);
  });

  it("results are unsigned 32-bit integers", () => {
    for (const [input, seed] of VECTORS) {
      const h = typeof input === "string" ? murmur3String(input, seed) : murmur3Bytes(Uint8Array.from(input), seed);
      expect(Number.isInteger(h) && h >= 0 && h <= 0xffffffff).toBe(true);
    }
  });
});

/** One UTF-16 code unit or code point, weighted towards the cases the string path special-cases. */
const unit: fc.Arbitrary<string> = fc.oneof(
  fc.integer({ min: 0, max: 0x7f }).map((c) => String.fromCharCode(c)), // 1 UTF-8 byte
  fc.integer({ min: 0x80, max: 0x7ff }).map((c) => String.fromCharCode(c)), // 2 bytes
  fc.integer({ min: 0x800, max: 0xffff }).map((c) => String.fromCharCode(c)), // 3 bytes, incl. lone surrogates
  fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c)), // lone (or accidentally paired) surrogates
  fc.integer({ min: 0x10000, max: 0x10ffff }).map((c) => String.fromCodePoint(c)), // astral: a surrogate pair, 4 bytes
  fc.constantFrom("\ud800", "\udbff", "\udc00", "\udfff", "\ufffd", "\uffff", "\u0000", "\u07ff", "\u0800"),
);
const unicodeString = fc.oneof(fc.string({ unit, maxLength: 40 }), fc.string({ unit: "binary", maxLength: 40 }));

describe("murmur3String agrees with murmur3Bytes over TextEncoder's UTF-8", () => {
  it("for arbitrary strings, including lone surrogates", () => {
    fc.assert(
      fc.property(unicodeString, fc.integer({ min: 0, max: 0xffffffff }), (s, seed) => {
        expect(murmur3String(s, seed)).toBe(murmur3Bytes(utf8(s), seed));
        expect(murmur3String(s)).toBe(murmur3Bytes(utf8(s)));
      }),
      { numRuns: 2000 },
    );
  });

  it("for hand-picked edge cases", () => {
    const cases = [
      "\ud800", // lone high surrogate at the end
      "\udc00x", // lone low surrogate
      "\udc00\ud800", // reversed pair: two lone surrogates
      "\ud83d\ude00", // a valid pair (😀)
      "a\ud83dbc", // high surrogate followed by a non-surrogate
      "𝄞𝄞𝄞", // astral, 12 bytes = 3 full blocks
      "é漢字🙂ß",
      "\u0000\u007f\u0080\u07ff\u0800\uffff",
    ];
    for (const s of cases) expect(murmur3String(s), JSON.stringify(s)).toBe(murmur3Bytes(utf8(s)));
  });
});

describe("hashKey", () => {
  it("hashes -0 like 0", () => {
    expect(hashKey(-0)).toBe(hashKey(0));
    expect(Object.is(-0, 0)).toBe(false); // the test is meaningful: they are different values
  });

  it("hashes every NaN bit pattern alike", () => {
    const view = new DataView(new ArrayBuffer(8));
    const nanFrom = (hi: number, lo: number): number => {
      view.setUint32(0, hi);
      view.setUint32(4, lo);
      return view.getFloat64(0);
    };
    const nans = [
      NaN,
      0 / 0,
      Number.NaN,
      nanFrom(0x7ff80000, 0x00000000), // canonical quiet NaN
      nanFrom(0xfff80000, 0x00000000), // negative quiet NaN
      nanFrom(0x7ff00000, 0x00000001), // signalling NaN, smallest payload
      nanFrom(0x7fffffff, 0xffffffff), // all-ones payload
      nanFrom(0xffffffff, 0xffffffff),
      nanFrom(0x7ff80000, 0xdeadbeef),
    ];
    const canonical = murmur3Bytes(Uint8Array.of(0, 0, 0, 0, 0, 0, 0xf8, 0x7f));
    for (const x of nans) {
      expect(Number.isNaN(x)).toBe(true);
      expect(hashKey(x)).toBe(canonical);
    }
  });

  it("is stable: the same key gives the same hash, and number keys use their float64 bytes", () => {
    const view = new DataView(new ArrayBuffer(8));
    fc.assert(
      fc.property(fc.double(), (x) => {
        if (Number.isNaN(x) || x === 0) return;
        view.setFloat64(0, x, true);
        expect(hashKey(x)).toBe(murmur3Bytes(new Uint8Array(view.buffer)));
        expect(hashKey(x)).toBe(hashKey(x));
      }),
      { numRuns: 500 },
    );
  });

  it("hashes strings with murmur3String and booleans distinctly", () => {
    expect(hashKey("Hello, world!")).toBe(murmur3String("Hello, world!"));
    expect(hashKey(true)).not.toBe(hashKey(false));
    expect(hashKey(true)).toBe(hashKey(true));
    expect(hashKey(1n)).toBe(hashKey(BigInt(1)));
  });
});
