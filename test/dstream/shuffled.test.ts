// The shuffle family (src/dstream/shuffled.ts), as Spark's BasicOperationsSuite. Records within a
// shuffled batch come in no specified order, so those batches are compared sorted.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type Batch, type DStream, max, min, sum } from "../../src/index.ts";
import { runOperation, sorted } from "../support/spark-suite.ts";

const range = (from: number, to: number): number[] => Array.from({ length: to - from + 1 }, (_, i) => from + i);
const pairsOf = (s: DStream<string>): DStream<[string, number]> => s.map((x): [string, number] => [x, 1]);

/** The number of partitions of every batch of a stream, seen from inside a transform. */
function partitionCounts<T>(seen: number[]): (b: Batch<T>) => Batch<T> {
  return (b) => {
    seen.push(b.numPartitions);
    return b;
  };
}

describe("repartition", () => {
  it("spreads every batch over more partitions, losing no record (Spark: repartition (more partitions))", async () => {
    const input = [range(1, 100), range(101, 200), range(201, 300)];
    const out = await runOperation(input, (s) => s.repartition(5).glom(), { parallelism: 2 });
    expect(out).toHaveLength(3);
    out.forEach((parts, i) => {
      expect(parts).toHaveLength(5);
      expect(parts.flat().sort((a, b) => a - b)).toEqual(input[i]);
      for (const p of parts) expect(p.length).toBe(20); // 100 records over 5 partitions, evenly
    });
  });

  it("gathers every batch into fewer partitions (Spark: repartition (fewer partitions))", async () => {
    const input = [range(1, 100), range(101, 200), range(201, 300)];
    const out = await runOperation(input, (s) => s.repartition(2).glom(), { parallelism: 5 });
    out.forEach((parts, i) => {
      expect(parts).toHaveLength(2);
      expect(parts.flat().sort((a, b) => a - b)).toEqual(input[i]);
    });
  });

  it("keeps duplicates (a multiset, not a set) and handles an empty batch", async () => {
    const out = await runOperation([[1, 1, 1, 2, 2], []], (s) => s.repartition(3).glom());
    expect(out[0]).toHaveLength(3);
    expect(out[0]!.flat().sort()).toEqual([1, 1, 1, 2, 2]);
    expect(out[1]).toEqual([[], [], []]);
  });
});

describe("count", () => {
  it("gives one record per batch, 0 for an empty batch (Spark: count)", async () => {
    const input = [[], range(1, 1), range(1, 2), range(1, 3), range(1, 4), range(1, 10), range(1, 100)];
    const out = await runOperation(input, (s) => s.count());
    expect(out).toEqual([[0], [1], [2], [3], [4], [10], [100]]);
  });

  it("counts 0 for the empty batches after the queue runs dry", async () => {
    const out = await runOperation([["a", "b"]], (s) => s.count(), { numBatches: 3 });
    expect(out).toEqual([[2], [0], [0]]);
  });
});

describe("reduce", () => {
  it("folds each batch into one record (Spark: reduce)", async () => {
    const out = await runOperation([range(1, 4), range(5, 8), range(9, 12)], (s) => s.reduce((a, b) => a + b));
    expect(out).toEqual([[10], [26], [42]]);
  });

  it("gives an empty output batch for an empty batch", async () => {
    const out = await runOperation([[], [7], []], (s) => s.reduce((a, b) => a + b), { parallelism: 3 });
    expect(out).toEqual([[], [7], []]);
  });

  it("works with the built-in reducers and with non-numeric records", async () => {
    expect(await runOperation([[3, -1, 7], [2]], (s) => s.reduce(max))).toEqual([[7], [2]]);
    expect(await runOperation([[3, -1, 7], [2]], (s) => s.reduce(min))).toEqual([[-1], [2]]);
    expect(await runOperation([["b", "a", "c"]], (s) => s.reduce((a, b) => (a < b ? a : b)))).toEqual([["a"]]);
  });
});

describe("countByValue", () => {
  it("counts each distinct record (Spark: countByValue)", async () => {
    const out = await runOperation([["a", "a", "b"], ["", ""], []], (s) => s.countByValue());
    expect(out.map(sorted)).toEqual([[["a", 2], ["b", 1]], [["", 2]], []]);
  });

  it("honours numPartitions", async () => {
    const seen: number[] = [];
    const out = await runOperation([range(1, 20).map((x) => x % 7)], (s) => s.countByValue(4).transform(partitionCounts(seen)).glom());
    expect(seen).toEqual([4]);
    expect(out[0]).toHaveLength(4);
    expect(sorted(out[0]!.flat())).toEqual(sorted([[0, 2], [1, 3], [2, 3], [3, 3], [4, 3], [5, 3], [6, 3]]));
  });
});

describe("reduceByKey", () => {
  it("reduces the values of each key (Spark: reduceByKey)", async () => {
    const out = await runOperation([["a", "a", "b"], ["", ""], []], (s) => pairsOf(s).reduceByKey((a, b) => a + b));
    expect(out.map(sorted)).toEqual([[["a", 2], ["b", 1]], [["", 2]], []]);
  });

  it("runs the built-in sum, min and max with the same results as JS reducers (property)", async () => {
    const pairs = fc.array(fc.tuple(fc.constantFrom("a", "b", "c", "d", "e", "f"), fc.integer({ min: -1_000_000, max: 1_000_000 })), {
      maxLength: 40,
    });
    await fc.assert(
      fc.asyncProperty(fc.array(pairs, { minLength: 1, maxLength: 3 }), fc.integer({ min: 1, max: 4 }), async (input, parallelism) => {
        const options = { parallelism };
        const reducers = [
          [sum, (a: number, b: number) => a + b],
          [min, (a: number, b: number) => Math.min(a, b)],
          [max, (a: number, b: number) => Math.max(a, b)],
        ] as const;
        for (const [builtIn, js] of reducers) {
          const viaBuiltIn = await runOperation(input, (s) => s.reduceByKey(builtIn), options);
          const viaJs = await runOperation(input, (s) => s.reduceByKey(js), options);
          expect(viaBuiltIn.map(sorted)).toEqual(viaJs.map(sorted));
          // and both equal a plain fold
          const expected = input.map((batch) => {
            const m = new Map<string, number>();
            for (const [k, v] of batch) m.set(k, m.has(k) ? js(m.get(k)!, v) : v);
            return sorted([...m]);
          });
          expect(viaBuiltIn.map(sorted)).toEqual(expected);
        }
      }),
      { numRuns: 15 },
    );
  });

  it("sums integers exactly, whatever the partitioning", async () => {
    const input = [range(1, 1000).map((i): [number, number] => [i % 3, 2 ** 40 + i])];
    const expected = [0, 1, 2].map((k) => [k, range(1, 1000).filter((i) => i % 3 === k).reduce((a, i) => a + 2 ** 40 + i, 0)]);
    for (const parallelism of [1, 3, 8]) {
      const out = await runOperation(input, (s) => s.reduceByKey(sum), { parallelism });
      expect(sorted(out[0]!)).toEqual(sorted(expected));
    }
  });

  it("accepts `[w, 1] as const` pairs with the built-in sum", async () => {
    const out = await runOperation([["x", "y", "x"]], (s) => s.map((w) => [w, 1] as const).reduceByKey(sum));
    expect(sorted(out[0]!)).toEqual([["x", 2], ["y", 1]]);
  });

  it("honours numPartitions (and defaults to the parallelism)", async () => {
    const seen: number[] = [];
    const input = [range(1, 50).map((i): [number, number] => [i % 10, 1]), []];
    const out = await runOperation(input, (s) => s.reduceByKey(sum, 3).transform(partitionCounts(seen)).glom(), { parallelism: 2 });
    expect(seen).toEqual([3, 3]);
    expect(out.map((b) => b.length)).toEqual([3, 3]);
    expect(sorted(out[0]!.flat())).toEqual(sorted(range(0, 9).map((k) => [k, 5])));

    const defaults: number[] = [];
    await runOperation(input, (s) => s.reduceByKey(sum).transform(partitionCounts(defaults)), { parallelism: 5 });
    expect(defaults).toEqual([5, 5]);
  });

  it("puts each key in exactly one output partition", async () => {
    const input = [range(1, 200).map((i): [string, number] => [`k${i % 17}`, i])];
    const out = await runOperation(input, (s) => s.reduceByKey(sum, 4).glom(), { parallelism: 3 });
    const keys = out[0]!.flatMap((p) => p.map(([k]) => k));
    expect(new Set(keys).size).toBe(keys.length);
    expect(keys).toHaveLength(17);
  });
});

describe("combineByKey", () => {
  it("folds values into combiners (Spark: combineByKey)", async () => {
    const out = await runOperation([["a", "a", "b"], ["", ""], []], (s) =>
      pairsOf(s).combineByKey(
        (v) => v,
        (c, v) => c + v,
        (a, b) => a + b,
        2,
      ),
    );
    expect(out.map(sorted)).toEqual([[["a", 2], ["b", 1]], [["", 2]], []]);
  });

  it("builds a different combiner type (sum and count for an average), with and without map-side combine", async () => {
    const input = [range(1, 12).map((i): [string, number] => [i % 2 === 0 ? "even" : "odd", i])];
    type Acc = [total: number, n: number];
    const op = (mapSideCombine: boolean) => (s: DStream<[string, number]>) =>
      s
        .combineByKey<string, number, Acc>(
          (v) => [v, 1],
          ([t, n], v) => [t + v, n + 1],
          ([t1, n1], [t2, n2]) => [t1 + t2, n1 + n2],
          3,
          mapSideCombine,
        )
        .mapValues(([t, n]) => t / n);
    const expected = [["even", 7], ["odd", 6]];
    expect(sorted((await runOperation(input, op(true), { parallelism: 4 }))[0]!)).toEqual(expected);
    expect(sorted((await runOperation(input, op(false), { parallelism: 4 }))[0]!)).toEqual(expected);
  });

  it("calls createCombiner once per key per input partition with map-side combine", async () => {
    let created = 0;
    const input = [range(1, 40).map((i): [number, number] => [i % 4, i])];
    const out = await runOperation(
      input,
      (s) =>
        s.combineByKey(
          (v) => (created++, v),
          (c, v) => c + v,
          (a, b) => a + b,
        ),
      { parallelism: 2 },
    );
    expect(sorted(out[0]!)).toEqual(sorted([0, 1, 2, 3].map((k) => [k, range(1, 40).filter((i) => i % 4 === k).reduce((a, b) => a + b)])));
    expect(created).toBe(8); // 4 keys in each of the 2 input partitions
  });
});

describe("groupByKey", () => {
  it("groups the values of each key (Spark: groupByKey)", async () => {
    const out = await runOperation([["a", "a", "b"], ["", ""], []], (s) => pairsOf(s).groupByKey());
    expect(out.map(sorted)).toEqual([[["a", [1, 1]], ["b", [1]]], [["", [1, 1]]], []]);
  });

  it("keeps every value, duplicates included, and honours numPartitions", async () => {
    const seen: number[] = [];
    const input = [range(1, 30).map((i): [string, number] => [`k${i % 3}`, i % 5])];
    const out = await runOperation(input, (s) => s.groupByKey(4).transform(partitionCounts(seen)), { parallelism: 3 });
    expect(seen).toEqual([4]);
    const groups = new Map(out[0]!.map(([k, vs]) => [k, vs.slice().sort()]));
    expect(groups.size).toBe(3);
    for (let r = 0; r < 3; r++) {
      expect(groups.get(`k${r}`)).toEqual(range(1, 30).filter((i) => i % 3 === r).map((i) => i % 5).sort());
    }
  });

  it("groups a hot key with many values spread over partitions", async () => {
    // One key with 400 000 values over 2 input partitions: the reduce side merges two groups of
    // 200 000 values. (Fails today: Batch.groupByKey merges with `a.push(...b)`, which passes every
    // value as a call argument and overflows the stack past ~130 000 values.)
    const n = 400_000;
    const input = [Array.from({ length: n }, (_, i): [string, number] => ["hot", i])];
    const out = await runOperation(input, (s) => s.groupByKey().mapValues((vs) => [vs.length, vs.reduce((a, b) => a + b, 0)]), {
      parallelism: 2,
    });
    expect(out).toEqual([[["hot", [n, (n * (n - 1)) / 2]]]]);
  });
});
