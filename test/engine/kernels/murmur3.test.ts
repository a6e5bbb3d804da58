// The WASM murmur3 against the published MurmurHash3_x86_32 vectors and against src/core/hash.ts.
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { canonicalNumberBytes, hashKey, murmur3Bytes } from "../../../src/core/hash.ts";
import { encodeStrings } from "../../../src/engine/kernels/columnar.ts";
import { referenceKernels } from "../../../src/engine/kernels/reference.ts";
import type { WasmKernels } from "../../../src/engine/kernels/wasm.ts";
import { wasmKernels } from "./support.ts";

let kernels: WasmKernels;
beforeAll(async () => {
  kernels = await wasmKernels();
});

const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);

// Published MurmurHash3_x86_32 vectors (SMHasher's reference implementation).
const VECTORS: readonly [Uint8Array, number, number][] = [
  [new Uint8Array([]), 0, 0],
  [new Uint8Array([]), 1, 0x514e28b7],
  [new Uint8Array([]), 0xffffffff, 0x81f16f39],
  [new Uint8Array([0xff, 0xff, 0xff, 0xff]), 0, 0x76293b50],
  [new Uint8Array([0x21, 0x43, 0x65, 0x87]), 0, 0xf55b516b],
  [new Uint8Array([0x21, 0x43, 0x65, 0x87]), 0x5082edee, 0x2362f9de],
  [new Uint8Array([0x21, 0x43, 0x65]), 0, 0x7e4a8634],
  [new Uint8Array([0x21, 0x43]), 0, 0xa0f7b07a],
  [new Uint8Array([0x21]), 0, 0x72661cf4],
  [new Uint8Array([0, 0, 0, 0]), 0, 0x2362f9de],
  [new Uint8Array([0, 0, 0]), 0, 0x85f0b427],
  [new Uint8Array([0, 0]), 0, 0x30f4c306],
  [new Uint8Array([0]), 0, 0x514e28b7],
  [utf8("aaaa"), 0x9747b28c, 0x5a97808a],
  [utf8("aaa"), 0x9747b28c, 0x283e0130],
  [utf8("aa"), 0x9747b28c, 0x5d211726],
  [utf8("a"), 0x9747b28c, 0x7fa09ea6],
  [utf8("abcd"), 0x9747b28c, 0xf0478627],
  [utf8("abc"), 0x9747b28c, 0xc84a62dd],
  [utf8("ab"), 0x9747b28c, 0x74875592],
  [utf8("Hello, world!"), 0x9747b28c, 0x24884cba],
  [utf8("ππππππππ"), 0x9747b28c, 0xd58063c1],
  [utf8("abc"), 0, 0xb3dd93fa],
  [utf8("The quick brown fox jumps over the lazy dog"), 0, 0x2e4ff723],
  [utf8("The quick brown fox jumps over the lazy dog"), 0x9747b28c, 0x2fa826cd],
];

describe("murmur3 in WASM", () => {
  it.each(VECTORS.map(([bytes, seed, hash]) => [Array.from(bytes).join(","), seed, hash, bytes] as const))(
    "bytes [%s] seed %d → %d",
    (_, seed, hash, bytes) => {
      expect(kernels.murmur3(bytes, seed)).toBe(hash);
      expect(murmur3Bytes(bytes, seed)).toBe(hash);
    },
  );

  it("matches src/core/hash.ts on random bytes and seeds", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.integer({ min: 0, max: 0xffffffff }), (bytes, seed) => {
        expect(kernels.murmur3(bytes, seed)).toBe(murmur3Bytes(bytes, seed));
      }),
      { numRuns: 500 },
    );
  });

  it("hashes string key columns as hashKey does (UTF-8, lone surrogates as U+FFFD)", () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: "binary", maxLength: 40 }), { maxLength: 60 }), (keys) => {
        const column = encodeStrings(keys);
        const expected = Uint32Array.from(keys, (k) => hashKey(k));
        expect(Array.from(kernels.hash(column))).toEqual(Array.from(expected));
        expect(Array.from(referenceKernels.hash(column))).toEqual(Array.from(expected));
      }),
      { numRuns: 200 },
    );
  });

  it("hashes number keys by canonical bytes: -0 as 0, one NaN, ±Infinity", () => {
    const specials = [0, -0, NaN, -NaN, Infinity, -Infinity, 1, -1, 0.1, 2 ** 53, -(2 ** 53), Number.MIN_VALUE, Number.MAX_VALUE];
    const payloadNaN = new Float64Array(new BigUint64Array([0x7ff8000000000001n, 0xfff0000000000001n]).buffer);
    const keys = Float64Array.from([...specials, ...payloadNaN]);
    const hashes = kernels.hash({ kind: "number", keys });
    keys.forEach((k, i) => expect(hashes[i], String(k)).toBe(hashKey(k)));
    expect(hashes[0]).toBe(hashes[1]); // 0 and -0
    expect(hashes[2]).toBe(hashes[specials.length]); // NaN payloads
    expect(hashes[2]).toBe(hashes[specials.length + 1]);
    expect(hashes[2]).toBe(murmur3Bytes(canonicalNumberBytes(NaN)));
    fc.assert(
      fc.property(fc.array(fc.double(), { maxLength: 100 }), (xs) => {
        const column = { kind: "number" as const, keys: Float64Array.from(xs) };
        expect(Array.from(kernels.hash(column))).toEqual(xs.map((x) => hashKey(x)));
      }),
      { numRuns: 200 },
    );
  });

  it("hashes a 64 KiB key and an empty key", () => {
    const long = "ü".repeat(32 * 1024) + "x".repeat(7);
    const column = encodeStrings([long, "", "__proto__"]);
    expect(Array.from(kernels.hash(column))).toEqual([hashKey(long), hashKey(""), hashKey("__proto__")]);
  });
});
