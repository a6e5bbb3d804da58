import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { RivuletError } from "../../src/core/errors.ts";
import { decodeValue, encodeValue } from "../../src/state/codec.ts";
import { EncodingCache, Piece } from "../../src/state/encoding-cache.ts";

// Values the codec supports, nested (strings of any code units, so lone surrogates too).
const value = fc.anything({
  values: [fc.constant(undefined), fc.double(), fc.string({ unit: "binary" }), fc.bigInt(), fc.constant("rivulet-piece-0")],
  withBigInt: true,
  withMap: true,
  withSet: true,
  withDate: true,
  withTypedArray: true,
  withNullPrototype: true,
});

describe("EncodingCache", () => {
  it("gives exactly the bytes of encoding the whole value, and encodes each piece once", () => {
    fc.assert(
      fc.property(value, value, value, (a, b, c) => {
        const shared = [b];
        const alone = [c];
        const plain = [a, shared, { x: alone, y: [shared] }];
        const withPieces = (): unknown => [a, new Piece(shared), { x: new Piece(alone), y: [new Piece(shared)] }];
        const expected = encodeValue(plain);
        const cache = new EncodingCache();
        expect(encodeValue(withPieces(), cache)).toEqual(expected);
        expect([cache.made, cache.reused]).toEqual([2, 1]);
        // The next checkpoint holding the same values reuses their bytes.
        expect(encodeValue(withPieces(), cache)).toEqual(expected);
        expect([cache.made, cache.reused]).toEqual([2, 4]);
        expect(encodeValue(withPieces())).toEqual(expected);
      }),
      { numRuns: 200 },
    );
  });

  it("is not fooled by strings that look like its markers", () => {
    const cache = new EncodingCache();
    const piece = [1, 2];
    const value = { s: `"${cache.marker}0"`, t: `${cache.marker}0`, p: new Piece(piece), u: cache.marker };
    const bytes = encodeValue(value, cache);
    expect(decodeValue(bytes)).toEqual({ s: `"${cache.marker}0"`, t: `${cache.marker}0`, p: [1, 2], u: cache.marker });
  });

  it("names where a value it cannot checkpoint sits, as without the cache", () => {
    const value = { streams: [[1, new Piece([["k", () => 1]])]] };
    const message = (fn: () => unknown): string => {
      try {
        fn();
      } catch (error) {
        expect(error).toBeInstanceOf(RivuletError);
        return (error as Error).message;
      }
      throw new Error("nothing was thrown");
    };
    const plain = message(() => encodeValue({ streams: [[1, [["k", () => 1]]]] }));
    expect(message(() => encodeValue(value, new EncodingCache()))).toBe(plain);
    expect(plain).toMatch(/a function at value\.streams\[0\]\[1\]\[0\]\[1\]/);
  });

  it("uses a different marker in every cache", () => {
    expect(new EncodingCache().marker).not.toBe(new EncodingCache().marker);
  });
});
