// HashPartitioner (src/core/partitioner.ts): deterministic, in range, equal keys together.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { hashKey, murmur3String } from "../../src/core/hash.ts";
import { HashPartitioner } from "../../src/core/partitioner.ts";

const anyKey = fc.oneof(
  fc.string(),
  fc.double(),
  fc.integer(),
  fc.boolean(),
  fc.bigInt(),
  fc.constantFrom(null, undefined, "__proto__", "constructor", -0, NaN),
  fc.array(fc.oneof(fc.string({ maxLength: 3 }), fc.integer(), fc.double()), { maxLength: 3 }),
);

/** A NaN with a non-canonical payload (a signalling NaN bit pattern). */
function otherNaN(): number {
  const view = new DataView(new ArrayBuffer(8));
  view.setUint32(0, 0x7ff00000);
  view.setUint32(4, 0x00000001);
  return view.getFloat64(0);
}

describe("HashPartitioner", () => {
  it("puts every key in a partition in [0, numPartitions) (property)", () => {
    fc.assert(
      fc.property(anyKey, fc.integer({ min: 1, max: 1000 }), (key, n) => {
        const p = new HashPartitioner(n).getPartition(key);
        expect(Number.isInteger(p)).toBe(true);
        expect(p).toBeGreaterThanOrEqual(0);
        expect(p).toBeLessThan(n);
      }),
      { numRuns: 2000 },
    );
  });

  it("is deterministic: the same key gives the same partition on every call and every instance (property)", () => {
    fc.assert(
      fc.property(anyKey, fc.integer({ min: 1, max: 64 }), (key, n) => {
        const a = new HashPartitioner(n);
        const b = new HashPartitioner(n);
        expect(a.getPartition(key)).toBe(a.getPartition(key));
        expect(b.getPartition(key)).toBe(a.getPartition(key));
      }),
      { numRuns: 1000 },
    );
  });

  it("is the system MurmurHash3 of the key modulo numPartitions, so it is the same on every runtime", () => {
    for (const n of [2, 3, 7, 16, 1000]) {
      const p = new HashPartitioner(n);
      for (const s of ["", "a", "hello", "ünïcödé", "😀", "__proto__"]) expect(p.getPartition(s)).toBe(murmur3String(s) % n);
      for (const x of [0, 1, -1, 0.5, 1e300, Infinity]) expect(p.getPartition(x)).toBe(hashKey(x) % n);
    }
    // A pinned value: MurmurHash3_x86_32("hello", seed 0) = 0x248bfa47.
    expect(new HashPartitioner(1000).getPartition("hello")).toBe(0x248bfa47 % 1000);
  });

  it("gives equal keys the same partition: -0 and 0, every NaN", () => {
    for (const n of [2, 3, 5, 8, 13, 1024]) {
      const p = new HashPartitioner(n);
      expect(p.getPartition(-0)).toBe(p.getPartition(0));
      expect(p.getPartition(0 / 0)).toBe(p.getPartition(NaN));
      expect(p.getPartition(Number("x"))).toBe(p.getPartition(NaN));
      expect(p.getPartition(otherNaN())).toBe(p.getPartition(NaN));
      expect(p.getPartition(Math.sqrt(-1))).toBe(p.getPartition(NaN));
      expect(p.getPartition(10n ** 30n)).toBe(p.getPartition(BigInt("1000000000000000000000000000000")));
      expect(p.getPartition(["a", -0, NaN])).toBe(p.getPartition(["a", 0, otherNaN()]));
      expect(p.getPartition([["x", 1], 2n])).toBe(p.getPartition([["x", 1], 2n]));
    }
    expect(Number.isNaN(otherNaN())).toBe(true);
  });

  it("gives structurally equal tuple keys the same partition (property)", () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.string(), fc.integer(), fc.double(), fc.boolean())), fc.integer({ min: 2, max: 50 }), (key, n) => {
        const p = new HashPartitioner(n);
        expect(p.getPartition(structuredClone(key))).toBe(p.getPartition(key));
      }),
    );
  });

  it("spreads distinct keys over all partitions", () => {
    const p = new HashPartitioner(8);
    const counts = new Array<number>(8).fill(0);
    for (let i = 0; i < 8000; i++) counts[p.getPartition(`key-${i}`)]!++;
    for (const c of counts) expect(c).toBeGreaterThan(800); // 1000 expected per partition
    const numbers = new Array<number>(8).fill(0);
    for (let i = 0; i < 8000; i++) numbers[p.getPartition(i)]!++;
    for (const c of numbers) expect(c).toBeGreaterThan(800);
  });

  it("puts everything in partition 0 when there is one partition", () => {
    const p = new HashPartitioner(1);
    for (const k of ["a", 1, NaN, true, 5n, null, undefined, ["t"], { o: 1 }]) expect(p.getPartition(k)).toBe(0);
  });

  it("refuses a partition count that is not a positive integer", () => {
    for (const n of [0, -1, 1.5, NaN, Infinity]) expect(() => new HashPartitioner(n)).toThrow(/positive integer/);
    expect(new HashPartitioner(3).numPartitions).toBe(3);
  });
});
