import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { RivuletError } from "../../src/core/errors.ts";
import { frame, HEADER_BYTES, unframe } from "../../src/state/format.ts";

function corruption(bytes: Uint8Array): RivuletError {
  try {
    unframe(bytes);
  } catch (error) {
    expect(error).toBeInstanceOf(RivuletError);
    expect((error as RivuletError).code).toBe("CHECKPOINT_CORRUPT");
    return error as RivuletError;
  }
  throw new Error("expected CHECKPOINT_CORRUPT, the bytes were accepted");
}

const payload = new TextEncoder().encode('[["a",1],["b",2]]');

describe("checkpoint frame", () => {
  it("is RVCK, version 1, length, CRC-32, payload", () => {
    const framed = frame(new TextEncoder().encode("123456789"));
    expect(Array.from(framed.subarray(0, HEADER_BYTES))).toEqual([
      0x52, 0x56, 0x43, 0x4b, 1, 0, 0, 0, 9, 0, 0, 0, 0x26, 0x39, 0xf4, 0xcb,
    ]);
    expect(new TextDecoder().decode(framed.subarray(HEADER_BYTES))).toBe("123456789");
  });

  it("round-trips any payload, also one inside a larger buffer (property)", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.nat(5), (bytes, pad) => {
        const framed = frame(bytes);
        const host = new Uint8Array(framed.length + 2 * pad);
        host.set(framed, pad);
        expect(unframe(host.subarray(pad, pad + framed.length))).toEqual(bytes);
      }),
    );
  });

  it("refuses anything shorter than the header", () => {
    const framed = frame(payload);
    for (let n = 0; n < HEADER_BYTES; n++) expect(corruption(framed.subarray(0, n)).message).toMatch(/truncated/);
  });

  it("refuses every truncation", () => {
    const framed = frame(payload);
    for (let n = HEADER_BYTES; n < framed.length; n++) {
      expect(corruption(framed.subarray(0, n)).message).toMatch(/truncated: the header announces/);
    }
  });

  it("refuses trailing garbage", () => {
    const framed = frame(payload);
    for (const extra of [[0], [0x52, 0x56, 0x43, 0x4b], Array.from(framed)]) {
      const longer = new Uint8Array([...framed, ...extra]);
      expect(corruption(longer).message).toMatch(new RegExp(`${extra.length} bytes of trailing garbage`));
    }
  });

  it("refuses bad magic, with a message that says so", () => {
    const framed = frame(payload);
    framed[0] = 0x50;
    expect(corruption(framed).message).toMatch(/Not a Rivulet checkpoint/);
    expect(corruption(new TextEncoder().encode('{"not": "a checkpoint"}')).message).toMatch(/Not a Rivulet checkpoint/);
  });

  it("refuses other format versions", () => {
    for (const version of [0, 2, 0x01000000]) {
      const framed = frame(payload);
      new DataView(framed.buffer).setUint32(4, version, true);
      expect(corruption(framed).message).toMatch(new RegExp(`Unsupported checkpoint format version ${version}`));
    }
  });

  it("refuses a checksum mismatch", () => {
    const framed = frame(payload);
    framed[framed.length - 1]! ^= 1;
    expect(corruption(framed).message).toMatch(/checksum mismatch/);
  });

  it("refuses a change to any single byte (property)", () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 0, maxLength: 200 }),
        fc.nat(),
        fc.integer({ min: 1, max: 255 }),
        (bytes, at, xor) => {
          const framed = frame(bytes);
          framed[at % framed.length]! ^= xor;
          corruption(framed);
        },
      ),
      { numRuns: 1000 },
    );
  });

  it("refuses a change to every byte position of a real checkpoint", () => {
    const framed = frame(payload);
    for (let i = 0; i < framed.length; i++) {
      for (const xor of [0x01, 0x80, 0xff]) {
        const damaged = framed.slice();
        damaged[i]! ^= xor;
        corruption(damaged);
      }
    }
  });
});
