// The narrow family (src/dstream/mapped.ts), as Spark's BasicOperationsSuite: input batches in,
// expected output batches out, under a ManualClock. Narrow operators keep record order, so the
// expected batches are compared exactly, not sorted.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Batch, DStream } from "../../src/index.ts";
import { runOperation, sorted } from "../support/spark-suite.ts";

const range = (from: number, to: number): number[] => Array.from({ length: to - from + 1 }, (_, i) => from + i);

describe("map", () => {
  it("maps every record, keeping order (Spark: map)", async () => {
    const out = await runOperation([range(1, 4), range(5, 8), range(9, 12)], (s) => s.map((x) => String(x)));
    expect(out).toEqual([range(1, 4).map(String), range(5, 8).map(String), range(9, 12).map(String)]);
  });

  it("keeps record order across partitions", async () => {
    const input = [range(1, 1000)];
    const out = await runOperation(input, (s) => s.map((x) => x * 3), { parallelism: 7 });
    expect(out).toEqual([range(1, 1000).map((x) => x * 3)]);
  });

  it("gives an empty batch for an empty input batch", async () => {
    const out = await runOperation<number, number>([[], [1], []], (s) => s.map((x) => x + 1));
    expect(out).toEqual([[], [2], []]);
  });

  it("can map to undefined and null records", async () => {
    const out = await runOperation([[1, 2, 3]], (s) => s.map((x) => (x === 2 ? null : undefined)));
    expect(out).toEqual([[undefined, null, undefined]]);
  });

  it("does not run the function when no output reads the batch (lazy, as an RDD)", async () => {
    let calls = 0;
    const out = await runOperation([[1, 2, 3]], (s) => {
      s.map((x) => {
        calls++;
        return x;
      });
      return s; // the mapped stream has no output
    });
    expect(out).toEqual([[1, 2, 3]]);
    expect(calls).toBe(0);
  });
});

describe("flatMap", () => {
  it("expands every record in order (Spark: flatMap)", async () => {
    const out = await runOperation([range(1, 4), range(5, 8), range(9, 12)], (s) => s.flatMap((x) => [x, x * 2]));
    expect(out).toEqual([range(1, 4), range(5, 8), range(9, 12)].map((b) => b.flatMap((x) => [x, x * 2])));
  });

  it("accepts a generator (a non-array iterable)", async () => {
    function* upTo(n: number): Generator<number> {
      for (let i = 0; i < n; i++) yield i;
    }
    const out = await runOperation([[3, 0, 2], [1]], (s) => s.flatMap((n) => upTo(n)));
    expect(out).toEqual([[0, 1, 2, 0, 1], [0]]);
  });

  it("accepts a Set, a Map's keys and a string as iterables", async () => {
    const out = await runOperation([["ab", "", "c"]], (s) => s.flatMap((w) => w)); // string: its characters
    expect(out).toEqual([["a", "b", "c"]]);
    const out2 = await runOperation([[[1, 1, 2], [3]]], (s) => s.flatMap((xs) => new Set(xs)));
    expect(out2).toEqual([[1, 2, 3]]);
    const out3 = await runOperation([["x", "y"]], (s) => s.flatMap((k) => new Map([[k, 1], [k + k, 2]]).keys()));
    expect(out3).toEqual([["x", "xx", "y", "yy"]]);
  });

  it("can drop every record", async () => {
    const out = await runOperation([[1, 2], [3]], (s) => s.flatMap((): number[] => []));
    expect(out).toEqual([[], []]);
  });
});

describe("filter", () => {
  it("keeps the records for which the predicate holds, in order (Spark: filter)", async () => {
    const out = await runOperation([range(1, 4), range(5, 8), range(9, 12)], (s) => s.filter((x) => x % 2 === 0));
    expect(out).toEqual([[2, 4], [6, 8], [10, 12]]);
  });

  it("treats the predicate's result by truthiness", async () => {
    const out = await runOperation([[0, 1, 2, 3]], (s) => s.filter((x) => x % 3));
    expect(out).toEqual([[1, 2]]);
  });
});

describe("mapPartitions", () => {
  it("runs once per partition (Spark: mapPartitions summing each partition)", async () => {
    const out = await runOperation([range(1, 4), range(5, 8), range(9, 12)], (s) =>
      s.mapPartitions((records) => [records.reduce((a, b) => a + b, 0)]),
    );
    expect(out).toEqual([[3, 7], [11, 15], [19, 23]]);
  });

  it("receives the partition index and may return any iterable", async () => {
    const out = await runOperation([range(1, 6)], (s) =>
      s.mapPartitions(function* (records, index) {
        for (const r of records) yield `${index}:${r}`;
      }),
      { parallelism: 3 },
    );
    expect(out).toEqual([["0:1", "0:2", "1:3", "1:4", "2:5", "2:6"]]);
  });

  it("sees empty partitions of an empty batch", async () => {
    const out = await runOperation<number, number>([[]], (s) => s.mapPartitions((records) => [records.length]), { parallelism: 3 });
    expect(out).toEqual([[0, 0, 0]]);
  });

  it("keeps a shuffled batch's partitioning only with preservePartitioning (Spark: mapPartitions(f, preservePartitioning))", async () => {
    const flags: boolean[] = [];
    const double = (records: readonly (readonly [string, number])[]) => records.map(([k, v]): [string, number] => [k, v * 2]);
    const out = await runOperation([["a", "b", "a"]], (s) => {
      const counts = s.map((w): [string, number] => [w, 1]).reduceByKey((a, b) => a + b, 2);
      const seen = (b: Batch<[string, number]>) => (flags.push(b.hashPartitioned), b);
      counts.mapPartitions(double).transform(seen).foreachRDD(() => undefined);
      return counts.mapPartitions(double, true).transform(seen);
    });
    expect(sorted(out[0]!)).toEqual([["a", 4], ["b", 2]]);
    expect(flags).toEqual([false, true]);
  });
});

describe("glom", () => {
  it("gives each partition as one record (Spark: glom, 2 partitions)", async () => {
    const out = await runOperation([range(1, 4), range(5, 8), range(9, 12)], (s) => s.glom());
    expect(out).toEqual([
      [[1, 2], [3, 4]],
      [[5, 6], [7, 8]],
      [[9, 10], [11, 12]],
    ]);
  });

  it("cuts a batch into `parallelism` contiguous slices, as Spark's makeRDD", async () => {
    const out = await runOperation([range(1, 5), range(1, 2)], (s) => s.glom(), { parallelism: 3 });
    // ParallelCollectionRDD.slice: partition i holds [i*len/n, (i+1)*len/n).
    expect(out).toEqual([
      [[1], [2, 3], [4, 5]],
      [[], [1], [2]],
    ]);
  });
});

describe("mapValues and flatMapValues", () => {
  it("mapValues keeps keys and order (Spark: mapValues after reduceByKey)", async () => {
    const out = await runOperation([["a", "a", "b"], ["", ""], []], (s) =>
      s
        .map((x): [string, number] => [x, 1])
        .reduceByKey((a, b) => a + b)
        .mapValues((v) => v + 10),
    );
    expect(out.map(sorted)).toEqual([[["a", 12], ["b", 11]], [["", 12]], []]);
  });

  it("mapValues on an unshuffled stream keeps record order", async () => {
    const out = await runOperation([[["x", 1], ["y", 2], ["x", 3]] as [string, number][]], (s) => s.mapValues((v) => v * 10));
    expect(out).toEqual([[["x", 10], ["y", 20], ["x", 30]]]);
  });

  it("flatMapValues pairs every produced value with its key (Spark: flatMapValues)", async () => {
    const out = await runOperation([["a", "a", "b"], ["", ""], []], (s) =>
      s
        .map((x): [string, number] => [x, 1])
        .reduceByKey((a, b) => a + b)
        .flatMapValues((x) => [x, x + 10]),
    );
    expect(out.map(sorted)).toEqual([[["a", 12], ["a", 2], ["b", 1], ["b", 11]], [["", 12], ["", 2]], []].map(sorted));
  });

  it("flatMapValues accepts a generator and keeps order", async () => {
    const out = await runOperation([[["k", 2], ["j", 0], ["k", 1]] as [string, number][]], (s) =>
      s.flatMapValues(function* (n) {
        for (let i = 0; i < n; i++) yield i;
      }),
    );
    expect(out).toEqual([[["k", 0], ["k", 1], ["k", 0]]]);
  });
});

describe("fusion of narrow chains", () => {
  it("a chain of 200 maps and filters gives what the array methods give", async () => {
    const input = [range(1, 300), range(301, 350), []];
    const op = (s: DStream<number>): DStream<number> => {
      let t = s;
      for (let i = 0; i < 100; i++) t = t.map((x) => x + 1).filter((x) => x % 97 !== i);
      return t;
    };
    const expected = input.map((b) => {
      let t = b;
      for (let i = 0; i < 100; i++) t = t.map((x) => x + 1).filter((x) => x % 97 !== i);
      return t;
    });
    expect(await runOperation(input, op, { parallelism: 3 })).toEqual(expected);
  });

  it("any chain of map, filter and flatMap equals the same chain on arrays (property)", async () => {
    type Op = { kind: "map"; k: number } | { kind: "filter"; m: number } | { kind: "flatMap"; n: number };
    const opArb: fc.Arbitrary<Op> = fc.oneof(
      fc.record({ kind: fc.constant("map" as const), k: fc.integer({ min: -5, max: 5 }) }),
      fc.record({ kind: fc.constant("filter" as const), m: fc.integer({ min: 2, max: 4 }) }),
      fc.record({ kind: fc.constant("flatMap" as const), n: fc.integer({ min: 0, max: 2 }) }),
    );
    const onArray = (xs: number[], op: Op): number[] =>
      op.kind === "map"
        ? xs.map((x) => x * 2 + op.k)
        : op.kind === "filter"
          ? xs.filter((x) => Math.abs(x) % op.m !== 0)
          : xs.flatMap((x) => Array.from({ length: op.n }, (_, i) => x + i));
    const onStream = (s: DStream<number>, op: Op): DStream<number> =>
      op.kind === "map"
        ? s.map((x) => x * 2 + op.k)
        : op.kind === "filter"
          ? s.filter((x) => Math.abs(x) % op.m !== 0)
          : // a generator, so both the array and the iterable path of flatMap are exercised
            s.flatMap(function* (x) {
              for (let i = 0; i < op.n; i++) yield x + i;
            });
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(fc.integer({ min: -1000, max: 1000 }), { maxLength: 20 }), { minLength: 1, maxLength: 3 }),
        fc.array(opArb, { maxLength: 12 }),
        fc.integer({ min: 1, max: 4 }),
        async (input, ops, parallelism) => {
          const expected = input.map((b) => ops.reduce(onArray, b));
          const out = await runOperation(input, (s) => ops.reduce(onStream, s), { parallelism });
          expect(out).toEqual(expected);
        },
      ),
      { numRuns: 40 },
    );
  });
});
