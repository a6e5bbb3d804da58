import { describe, expect, it } from "vitest";
import { hashKey, murmur3Bytes, murmur3String } from "../../src/core/hash.ts";

/**
 * Runs in real (headless) Chromium: the browser project of vitest.config.ts. Checks that the hash
 * gives the same published MurmurHash3_x86_32 values there as in Node, so partitioning and
 * checkpoints agree across runtimes. Vectors as in test/core/hash.test.ts.
 */
const VECTORS: ReadonlyArray<readonly [input: string | readonly number[], seed: number, expected: number]> = [
  ["", 0, 0],
  ["", 1, 0x514e28b7],
  ["", 0xffffffff, 0x81f16f39],
  [[0, 0, 0, 0], 0, 0x2362f9de],
  [[0xff, 0xff, 0xff, 0xff], 0, 0x76293b50],
  [[0x21, 0x43, 0x65, 0x87], 0x5082edee, 0x2362f9de],
  [[0x21, 0x43, 0x65], 0, 0x7e4a8634],
  [[0x21, 0x43], 0, 0xa0f7b07a],
  [[0x21], 0, 0x72661cf4],
  ["aaaa", 0x9747b28c, 0x5a97808a],
  ["abc", 0, 0xb3dd93fa],
  ["Hello, world!", 0x9747b28c, 0x24884cba],
  ["ππππππππ", 0x9747b28c, 0xd58063c1],
  ["a".repeat(256), 0x9747b28c, 0x37405bdc],
  ["The quick brown fox jumps over the lazy dog", 0x9747b28c, 0x2fa826cd],
];

describe("hash in the browser", () => {
  it("runs in a browser", () => {
    expect(typeof window).not.toBe("undefined");
    expect(typeof document).toBe("object");
    expect(typeof process === "undefined" || !(process as { versions?: { node?: string } }).versions?.node).toBe(true);
    expect(navigator.userAgent).toMatch(/Chrome\//);
  });

  for (const [input, seed, expected] of VECTORS) {
    it(`${typeof input === "string" ? JSON.stringify(input.slice(0, 24)) : `[${input.join(",")}]`}, seed 0x${seed.toString(16)} → 0x${expected.toString(16)}`, () => {
      const bytes = typeof input === "string" ? new TextEncoder().encode(input) : Uint8Array.from(input);
      expect(murmur3Bytes(bytes, seed)).toBe(expected);
      if (typeof input === "string") expect(murmur3String(input, seed)).toBe(expected);
    });
  }

  it("murmur3String matches murmur3Bytes over TextEncoder for non-ASCII, astral and lone-surrogate strings", () => {
    const encoder = new TextEncoder();
    const cases = ["é", "ß漢字", "🙂", "a🙂b", "𝄞𝄞𝄞", "Ünïcödé 🚀 テスト", "\ud800", "x\udc00y", "\udc00\ud800", "\uffff\u0800\u07ff\u0080"];
    for (const s of cases) {
      expect(murmur3String(s), JSON.stringify(s)).toBe(murmur3Bytes(encoder.encode(s)));
      expect(murmur3String(s, 0x9747b28c), JSON.stringify(s)).toBe(murmur3Bytes(encoder.encode(s), 0x9747b28c));
    }
  });

  it("hashKey canonicalises -0 and NaN bit patterns", () => {
    expect(hashKey(-0)).toBe(hashKey(0));
    const view = new DataView(new ArrayBuffer(8));
    view.setUint32(0, 0xfff00000);
    view.setUint32(4, 1);
    const oddNaN = view.getFloat64(0);
    expect(Number.isNaN(oddNaN)).toBe(true);
    expect(hashKey(oddNaN)).toBe(hashKey(NaN));
    expect(hashKey(NaN)).toBe(murmur3Bytes(Uint8Array.of(0, 0, 0, 0, 0, 0, 0xf8, 0x7f)));
  });
});
