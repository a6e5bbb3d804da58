// LocalExecutor (src/engine/local-executor.ts), the reference semantics of the shuffles: for any
// partitioning of any input, the same result as a plain Map-based fold.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Aggregator, Pair, Partitions } from "../../src/core/executor.ts";
import { HashPartitioner } from "../../src/core/partitioner.ts";
import { arrayFeed, type Feed, FILTER, MAP, pipelineFeed } from "../../src/core/pipeline.ts";
import { sum } from "../../src/core/reducers.ts";
import { LocalExecutor } from "../../src/engine/local-executor.ts";

/** Primitive keys: equal under SameValueZero exactly when the executor must merge them. */
const primitiveKey = fc.oneof(
  fc.string({ maxLength: 2 }),
  fc.integer({ min: -4, max: 4 }),
  fc.constantFrom(NaN, -0, 0.5, "__proto__", "constructor", "hasOwnProperty", true, false, 7n, null, undefined),
);
const value = fc.integer({ min: -1_000_000, max: 1_000_000 });

/** Records cut at random points into partitions (some possibly empty). */
function partitioned<T>(records: fc.Arbitrary<T>): fc.Arbitrary<T[][]> {
  return fc
    .tuple(fc.array(records, { maxLength: 60 }), fc.array(fc.nat(), { minLength: 0, maxLength: 5 }))
    .map(([rs, cuts]) => {
      const points = cuts.map((c) => (rs.length === 0 ? 0 : c % (rs.length + 1))).sort((a, b) => a - b);
      const parts: T[][] = [];
      let start = 0;
      for (const p of points) {
        parts.push(rs.slice(start, p));
        start = p;
      }
      parts.push(rs.slice(start));
      return parts;
    });
}

/** Each partition as a feed, as a batch hands its partitions to the executor. */
const feeds = <T>(parts: readonly (readonly T[])[]): Feed<T>[] => parts.map((p) => arrayFeed(p));

const sumAggregator: Aggregator<number, number> = {
  createCombiner: (v) => v,
  mergeValue: (c, v) => c + v,
  mergeCombiners: (a, b) => a + b,
};

const listAggregator: Aggregator<number, number[]> = {
  createCombiner: (v) => [v],
  mergeValue: (c, v) => [...c, v],
  mergeCombiners: (a, b) => [...a, ...b],
};

/** Checks the shape every shuffle output must have; returns the records as a Map. */
function checkShuffleOutput<K, C>(out: Partitions<[K, C]>, partitioner: HashPartitioner): Map<K, C> {
  expect(out).toHaveLength(partitioner.numPartitions);
  const m = new Map<K, C>();
  out.forEach((records, p) => {
    for (const [k, c] of records) {
      expect(m.has(k)).toBe(false); // each key once
      expect(partitioner.getPartition(k)).toBe(p); // in its hash partition
      m.set(k, c);
    }
  });
  return m;
}

describe("LocalExecutor.combineByKey", () => {
  it("sums like a Map-based reference for any partitioning (property)", async () => {
    const executor = new LocalExecutor(2);
    await fc.assert(
      fc.asyncProperty(
        partitioned(fc.tuple(primitiveKey, value)),
        fc.integer({ min: 1, max: 6 }),
        fc.boolean(),
        fc.boolean(),
        async (input, n, mapSideCombine, tagged) => {
          const reference = new Map<unknown, number>();
          for (const [k, v] of input.flat()) reference.set(k, (reference.get(k) ?? 0) + v);
          const partitioner = new HashPartitioner(n);
          const aggregator = tagged ? { ...sumAggregator, reducerTag: "sum" as const } : sumAggregator;
          const out = await executor.combineByKey(feeds(input), aggregator, partitioner, mapSideCombine);
          expect(checkShuffleOutput(out, partitioner)).toEqual(reference);
        },
      ),
      { numRuns: 300 },
    );
  });

  it("gives the same result whether partitions come as arrays or through a fused chain (property)", async () => {
    const executor = new LocalExecutor(2);
    await fc.assert(
      fc.asyncProperty(partitioned(fc.tuple(primitiveKey, value)), fc.integer({ min: 1, max: 5 }), fc.boolean(), async (input, n, mapSideCombine) => {
        const partitioner = new HashPartitioner(n);
        // The chain doubles every value and drops the odd original ones.
        const ops = [
          { kind: FILTER, f: (r: unknown) => (r as Pair<unknown, number>)[1] % 2 === 0 },
          { kind: MAP, f: (r: unknown) => [(r as Pair<unknown, number>)[0], (r as Pair<unknown, number>)[1] * 2] },
        ] as const;
        const piped = input.map((p, i) => pipelineFeed(p, ops, i) as Feed<Pair<unknown, number>>);
        const arrays = input.map((p) => p.filter(([, v]) => v % 2 === 0).map(([k, v]): Pair<unknown, number> => [k, v * 2]));
        const viaChain = await executor.combineByKey(piped, sumAggregator, partitioner, mapSideCombine);
        const viaArrays = await executor.combineByKey(feeds(arrays), sumAggregator, partitioner, mapSideCombine);
        expect(checkShuffleOutput(viaChain, partitioner)).toEqual(checkShuffleOutput(viaArrays, partitioner));
      }),
      { numRuns: 100 },
    );
  });

  it("gives the same result as the built-in sum reducer used as an aggregator (property)", async () => {
    const executor = new LocalExecutor(3);
    await fc.assert(
      fc.asyncProperty(partitioned(fc.tuple(primitiveKey, value)), fc.integer({ min: 1, max: 5 }), async (input, n) => {
        const partitioner = new HashPartitioner(n);
        const builtIn: Aggregator<number, number> = { createCombiner: (v) => v, mergeValue: sum, mergeCombiners: sum, reducerTag: "sum" };
        const viaBuiltIn = await executor.combineByKey(feeds(input), builtIn, partitioner, true);
        const viaJs = await executor.combineByKey(feeds(input), sumAggregator, partitioner, true);
        expect(checkShuffleOutput(viaBuiltIn, partitioner)).toEqual(checkShuffleOutput(viaJs, partitioner));
      }),
      { numRuns: 150 },
    );
  });

  it("keeps each key's values in input order when combining into lists (property)", async () => {
    const executor = new LocalExecutor(2);
    await fc.assert(
      fc.asyncProperty(partitioned(fc.tuple(primitiveKey, value)), fc.integer({ min: 1, max: 6 }), fc.boolean(), async (input, n, mapSideCombine) => {
        const reference = new Map<unknown, number[]>();
        for (const [k, v] of input.flat()) reference.set(k, [...(reference.get(k) ?? []), v]);
        const partitioner = new HashPartitioner(n);
        const out = await executor.combineByKey(feeds(input), listAggregator, partitioner, mapSideCombine);
        expect(checkShuffleOutput(out, partitioner)).toEqual(reference);
      }),
      { numRuns: 200 },
    );
  });

  it("merges tuple keys structurally (property)", async () => {
    const executor = new LocalExecutor(2);
    const tupleKey = fc.tuple(fc.constantFrom("a", "b"), fc.integer({ min: 0, max: 2 }));
    await fc.assert(
      fc.asyncProperty(partitioned(fc.tuple(tupleKey, value)), fc.integer({ min: 1, max: 4 }), fc.boolean(), async (input, n, mapSideCombine) => {
        const reference = new Map<string, number>();
        for (const [k, v] of input.flat()) reference.set(JSON.stringify(k), (reference.get(JSON.stringify(k)) ?? 0) + v);
        const out = await executor.combineByKey(feeds(input), sumAggregator, new HashPartitioner(n), mapSideCombine);
        const flat = out.flat();
        expect(flat).toHaveLength(reference.size);
        expect(new Map(flat.map(([k, c]) => [JSON.stringify(k), c]))).toEqual(reference);
      }),
      { numRuns: 150 },
    );
  });

  it("supports undefined combiners", async () => {
    const executor = new LocalExecutor(2);
    let merges = 0;
    const aggregator: Aggregator<number, undefined> = {
      createCombiner: () => undefined,
      mergeValue: () => (merges++, undefined),
      mergeCombiners: () => undefined,
    };
    const out = await executor.combineByKey(feeds([[["a", 1], ["a", 2]], [["a", 3], ["b", 4]]] as Pair<string, number>[][]), aggregator, new HashPartitioner(2), true);
    expect(out.flat().map(([k]) => k).sort()).toEqual(["a", "b"]);
    expect(merges).toBe(1); // "a" twice in the first partition: created, then merged once
  });

  it("does not call the combiner functions for an empty input", async () => {
    const executor = new LocalExecutor(2);
    const fail = (): never => {
      throw new Error("called");
    };
    const out = await executor.combineByKey<string, number, number>(feeds<Pair<string, number>>([[], []]), { createCombiner: fail, mergeValue: fail, mergeCombiners: fail }, new HashPartitioner(3), true);
    expect(out).toEqual([[], [], []]);
  });
});

describe("LocalExecutor.cogroup", () => {
  it("groups both sides like a Map-based reference, values in input order (property)", async () => {
    const executor = new LocalExecutor(2);
    await fc.assert(
      fc.asyncProperty(
        partitioned(fc.tuple(primitiveKey, value)),
        partitioned(fc.tuple(primitiveKey, fc.string({ maxLength: 2 }))),
        fc.integer({ min: 1, max: 6 }),
        async (left, right, n) => {
          const reference = new Map<unknown, [number[], string[]]>();
          for (const [k, v] of left.flat()) {
            if (!reference.has(k)) reference.set(k, [[], []]);
            reference.get(k)![0].push(v);
          }
          for (const [k, w] of right.flat()) {
            if (!reference.has(k)) reference.set(k, [[], []]);
            reference.get(k)![1].push(w);
          }
          const partitioner = new HashPartitioner(n);
          const out = await executor.cogroup<unknown>([left, right], partitioner);
          expect(checkShuffleOutput(out, partitioner)).toEqual(reference);
        },
      ),
      { numRuns: 300 },
    );
  });

  it("groups any number of inputs (property)", async () => {
    const executor = new LocalExecutor(2);
    await fc.assert(
      fc.asyncProperty(fc.array(partitioned(fc.tuple(primitiveKey, value)), { minLength: 1, maxLength: 4 }), fc.integer({ min: 1, max: 4 }), async (inputs, n) => {
        const reference = new Map<unknown, number[][]>();
        inputs.forEach((input, side) => {
          for (const [k, v] of input.flat()) {
            if (!reference.has(k)) reference.set(k, inputs.map(() => []));
            reference.get(k)![side]!.push(v);
          }
        });
        const partitioner = new HashPartitioner(n);
        const out = await executor.cogroup<unknown>(inputs, partitioner);
        expect(checkShuffleOutput(out, partitioner)).toEqual(reference);
      }),
      { numRuns: 150 },
    );
  });

  it("gives every partition, empty ones included", async () => {
    const executor = new LocalExecutor(2);
    const out = await executor.cogroup<string>([[[["a", 1]]], [[]]], new HashPartitioner(4));
    expect(out).toHaveLength(4);
    expect(out.flat()).toEqual([["a", [[1], []]]]);
  });
});
