import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { crc32 } from "../../src/state/crc32.ts";

const ascii = (s: string): Uint8Array => new TextEncoder().encode(s);

/** Bit at a time, straight from the definition: the oracle for the table-driven version. */
function crc32Reference(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const byte of bytes) {
    c ^= byte;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0xedb88320 : c >>> 1;
  }
  return (c ^ 0xffffffff) >>> 0;
}

describe("crc32 (CRC-32/ISO-HDLC)", () => {
  it("gives the catalogue check value and other published vectors", () => {
    expect(crc32(ascii("123456789"))).toBe(0xcbf43926);
    expect(crc32(new Uint8Array(0))).toBe(0);
    expect(crc32(ascii("a"))).toBe(0xe8b7be43);
    expect(crc32(ascii("The quick brown fox jumps over the lazy dog"))).toBe(0x414fa339);
    expect(crc32(new Uint8Array(32))).toBe(0x190a55ad);
    expect(crc32(new Uint8Array(32).fill(0xff))).toBe(0xff6cab0b);
  });

  it("matches the bitwise definition for every length and offset (property)", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 100 }), fc.nat(7), (bytes, offset) => {
        const view = bytes.subarray(Math.min(offset, bytes.length));
        expect(crc32(view)).toBe(crc32Reference(view));
      }),
      { numRuns: 500 },
    );
  });

  it("continues over pieces", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), fc.uint8Array({ maxLength: 64 }), (a, b) => {
        const whole = new Uint8Array(a.length + b.length);
        whole.set(a);
        whole.set(b, a.length);
        expect(crc32(b, crc32(a))).toBe(crc32(whole));
      }),
    );
  });
});
