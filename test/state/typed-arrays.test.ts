import { describe, expect, it } from "vitest";
import { swapBytes, typedArrayBytes, typedArrayFromBytes, typedArrayKind } from "../../src/state/typed-arrays.ts";

describe("typed arrays in the codec", () => {
  it("knows exactly the standard kinds, not subclasses", () => {
    expect(typedArrayKind(Float64Array.prototype)).toBe("Float64Array");
    expect(typedArrayKind(BigUint64Array.prototype)).toBe("BigUint64Array");
    expect(typedArrayKind(Buffer.prototype)).toBeUndefined();
    expect(typedArrayKind(Object.prototype)).toBeUndefined();
    expect(typedArrayKind(null)).toBeUndefined();
  });

  it("writes little-endian bytes", () => {
    expect(Array.from(typedArrayBytes(new Uint32Array([0x01020304])))).toEqual([4, 3, 2, 1]);
    expect(Array.from(typedArrayBytes(new Float64Array([1])))).toEqual([0, 0, 0, 0, 0, 0, 0xf0, 0x3f]);
  });

  it("refuses unknown kinds and partial elements", () => {
    expect(typedArrayFromBytes("Float16Array", new Uint8Array(2))).toBeUndefined();
    expect(typedArrayFromBytes("toString", new Uint8Array(0))).toBeUndefined();
    expect(typedArrayFromBytes("Int32Array", new Uint8Array(6))).toBeUndefined();
    expect(Array.from(typedArrayFromBytes("Int16Array", new Uint8Array([1, 0, 0xff, 0xff])) as Int16Array)).toEqual([1, -1]);
  });

  it("aligns a view that starts at an odd offset", () => {
    const bytes = new Uint8Array(9).subarray(1);
    bytes[7] = 0x3f;
    bytes[6] = 0xf0;
    const array = typedArrayFromBytes("Float64Array", bytes) as Float64Array;
    expect(Array.from(array)).toEqual([1]);
  });

  // Only big-endian machines take this path; it is tested here since CI has none.
  it("swaps the bytes of each element", () => {
    const bytes = new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]);
    swapBytes(bytes, 4);
    expect(Array.from(bytes)).toEqual([4, 3, 2, 1, 8, 7, 6, 5]);
    swapBytes(bytes, 8);
    expect(Array.from(bytes)).toEqual([5, 6, 7, 8, 1, 2, 3, 4]);
    swapBytes(bytes, 1);
    expect(Array.from(bytes)).toEqual([5, 6, 7, 8, 1, 2, 3, 4]);
  });
});
