// Random subsets of a batch (src/core/batch-sampling.ts): takeSample and randomSplit, seeded as
// sample is, so the same seed gives the same result.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Batch } from "../../src/core/batch.ts";
import { fractionForSampleSize } from "../../src/core/batch-sampling.ts";
import { RivuletError } from "../../src/core/errors.ts";
import { LocalExecutor } from "../../src/engine/local-executor.ts";

const executor = new LocalExecutor(2);
const of = <T>(records: readonly T[], n = 2): Batch<T> => Batch.fromRecords(records, n, executor);
const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);
const ascending = (xs: readonly number[]): number[] => xs.slice().sort((a, b) => a - b);

async function rejection(p: Promise<unknown>): Promise<RivuletError> {
  const error = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(RivuletError);
  return error as RivuletError;
}

describe("Spark's SamplingUtils.computeFractionForSampleSize", () => {
  it("uses Poisson bounds with replacement and binomial bounds without", () => {
    // With: (num + k sqrt(num)) / total, k = 12 below 6, 9 below 16, else 6.
    expect(fractionForSampleSize(5, 100, true)).toBeCloseTo(0.31832815729997477, 15);
    expect(fractionForSampleSize(20, 50, true)).toBeCloseTo(0.9366563145999496, 15);
    // Without: num/total + gamma + sqrt(gamma^2 + 2 gamma num/total), gamma = -ln(1e-4) / total, at most 1.
    expect(fractionForSampleSize(10, 1000, false)).toBeCloseTo(0.03561269316684003, 15);
    expect(fractionForSampleSize(90, 100, false)).toBe(1);
  });
});

describe("Batch.takeSample", () => {
  it("gives num distinct records without replacement, the same for the same seed", async () => {
    const batch = of(range(1000), 4);
    const a = await batch.takeSample(false, 10, 42);
    expect(a).toHaveLength(10);
    expect(new Set(a).size).toBe(10);
    for (const x of a) expect(x >= 0 && x < 1000).toBe(true);
    expect(await batch.takeSample(false, 10, 42)).toEqual(a);
    expect(await of(range(1000), 4).takeSample(false, 10, 42)).toEqual(a);
    expect(await batch.takeSample(false, 10, 43)).not.toEqual(a);
  });

  it("gives the whole batch shuffled when num is at least its count, without replacement", async () => {
    const batch = of(range(20), 3);
    const all = await batch.takeSample(false, 20, 7);
    expect(ascending(all)).toEqual(range(20));
    expect(all).not.toEqual(range(20));
    expect(ascending(await batch.takeSample(false, 1000, 7))).toEqual(range(20));
  });

  it("gives exactly num records with replacement, repeats allowed, even more than the batch holds", async () => {
    const batch = of(["a", "b", "c"], 2);
    const picked = await batch.takeSample(true, 50, 1);
    expect(picked).toHaveLength(50);
    expect(new Set(picked)).toEqual(new Set(["a", "b", "c"]));
    expect(await batch.takeSample(true, 50, 1)).toEqual(picked);
    expect(await of(range(100), 4).takeSample(true, 30, 5)).toHaveLength(30);
  });

  it("gives nothing for num 0 or an empty batch, and refuses a num that is not a count", async () => {
    expect(await of(range(10)).takeSample(false, 0, 1)).toEqual([]);
    expect(await of<number>([]).takeSample(true, 5, 1)).toEqual([]);
    expect(await Batch.fromPartitions<number>([], executor).takeSample(false, 5, 1)).toEqual([]);
    for (const num of [-1, 1.5, NaN]) expect((await rejection(of(range(10)).takeSample(false, num, 1))).code).toBe("INVALID_ARGUMENT");
  });

  it("computes the batch once", async () => {
    let calls = 0;
    const batch = of(range(100), 4).map((x) => (calls++, x));
    await batch.takeSample(false, 5, 3);
    expect(calls).toBe(100);
  });

  it("gives min(num, count) records of the batch, distinct positions without replacement (property)", async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 60 }), fc.integer({ min: 1, max: 4 }), fc.nat(70), fc.boolean(), fc.integer(), async (size, n, num, withReplacement, seed) => {
        const records = range(size);
        const out = await of(records, n).takeSample(withReplacement, num, seed);
        expect(out.length).toBe(size === 0 ? 0 : withReplacement ? num : Math.min(num, size));
        for (const x of out) expect(x >= 0 && x < size).toBe(true);
        if (!withReplacement) expect(new Set(out).size).toBe(out.length);
        expect(await of(records, n).takeSample(withReplacement, num, seed)).toEqual(out);
      }),
    );
  });
});

describe("Batch.randomSplit", () => {
  it("splits the records into disjoint batches covering them, each in its partition and order", async () => {
    const batch = of(range(1000), 4);
    const splits = batch.randomSplit([1, 2, 7], 11);
    expect(splits).toHaveLength(3);
    const contents = await Promise.all(splits.map((s) => s.partitions()));
    for (const s of splits) expect(s.numPartitions).toBe(4);
    const original = await batch.partitions();
    // Each partition of the input is the merge of that partition of the splits, order kept.
    original.forEach((p, i) => {
      const pieces = contents.map((c) => c[i]!);
      expect(ascending(pieces.flat())).toEqual(p);
      for (const piece of pieces) expect(piece).toEqual(ascending(piece));
    });
    // Sizes near the weights' shares (0.1, 0.2, 0.7 of 1000) for this seed.
    const sizes = contents.map((c) => c.flat().length);
    expect(sizes[0]).toBeGreaterThan(60);
    expect(sizes[0]).toBeLessThan(140);
    expect(sizes[1]).toBeGreaterThan(150);
    expect(sizes[1]).toBeLessThan(250);
    expect(sizes[2]).toBeGreaterThan(640);
    expect(sizes[2]).toBeLessThan(760);
  });

  it("gives the same splits for the same seed, and each split the same records when computed again", async () => {
    const a = await Promise.all(of(range(200), 3).randomSplit([0.5, 0.5], 5).map((s) => s.collect()));
    const b = await Promise.all(of(range(200), 3).randomSplit([3, 3], 5).map((s) => s.collect()));
    expect(b).toEqual(a);
    const [first] = of(range(200), 3).randomSplit([0.5, 0.5], 5);
    expect(await first!.collect()).toEqual(await first!.collect());
    const c = await Promise.all(of(range(200), 3).randomSplit([0.5, 0.5], 6).map((s) => s.collect()));
    expect(c).not.toEqual(a);
  });

  it("gives an empty split for a weight of 0, keeps hash partitioning, and refuses bad weights", async () => {
    const [none, all] = of(range(50)).randomSplit([0, 1], 2);
    expect(await none!.collect()).toEqual([]);
    expect(await all!.collect()).toEqual(range(50));
    const shuffled = of<[number, number]>(range(20).map((x) => [x, x])).partitionBy(3);
    for (const s of shuffled.randomSplit([1, 1], 3)) expect(s.hashPartitioned).toBe(true);
    for (const weights of [[], [0, 0], [-1, 2], [NaN, 1], [Infinity, 1]]) {
      expect(() => of(range(5)).randomSplit(weights, 1)).toThrow(RivuletError);
    }
  });

  it("puts every record in exactly one split (property)", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 80 }),
        fc.integer({ min: 1, max: 4 }),
        fc.array(fc.double({ min: 0, max: 10, noNaN: true }), { minLength: 1, maxLength: 5 }).filter((ws) => ws.reduce((a, b) => a + b, 0) > 0),
        fc.integer(),
        async (size, n, weights, seed) => {
          const splits = await Promise.all(of(range(size), n).randomSplit(weights, seed).map((s) => s.collect()));
          expect(ascending(splits.flat())).toEqual(range(size));
        },
      ),
    );
  });
});
