import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  type DStream,
  type Duration,
  HashPartitioner,
  ManualClock,
  Milliseconds,
  type Partitioner,
  RivuletError,
  Seconds,
  StreamingContext,
  sum,
} from "../../src/index.ts";
import { runOperation, runOperation2, sorted } from "../support/spark-suite.ts";

// Spark's WindowOperationsSuite, in miniature: batch interval 1 s.
const input = [[1], [2], [3], [4], [5], [6]];

const bigInput = [
  [["a", 1]],
  [["a", 1], ["b", 1]],
  [["a", 1], ["b", 1], ["c", 1]],
  [["a", 1], ["b", 1]],
  [["a", 1]],
  [],
  [["a", 1]],
  [["a", 1], ["b", 1]],
  [["a", 1], ["b", 1], ["c", 1]],
  [["a", 1], ["b", 1]],
  [["a", 1]],
  [],
] as [string, number][][];
const bigReduceOutput = [
  [["a", 1]],
  [["a", 2], ["b", 1]],
  [["a", 2], ["b", 2], ["c", 1]],
  [["a", 2], ["b", 2], ["c", 1]],
  [["a", 2], ["b", 1]],
  [["a", 1]],
  [["a", 1]],
  [["a", 2], ["b", 1]],
  [["a", 2], ["b", 2], ["c", 1]],
  [["a", 2], ["b", 2], ["c", 1]],
  [["a", 2], ["b", 1]],
  [["a", 1]],
];
const bigReduceInvOutput = [
  [["a", 1]],
  [["a", 2], ["b", 1]],
  [["a", 2], ["b", 2], ["c", 1]],
  [["a", 2], ["b", 2], ["c", 1]],
  [["a", 2], ["b", 1], ["c", 0]],
  [["a", 1], ["b", 0], ["c", 0]],
  [["a", 1], ["b", 0], ["c", 0]],
  [["a", 2], ["b", 1], ["c", 0]],
  [["a", 2], ["b", 2], ["c", 1]],
  [["a", 2], ["b", 2], ["c", 1]],
  [["a", 2], ["b", 1], ["c", 0]],
  [["a", 1], ["b", 0], ["c", 0]],
];
const largerSlideInput = [[["a", 1]], [["a", 2]], [["a", 3]], [["a", 4]], [["a", 5]], [["a", 6]], [], []] as [string, number][][];

describe("window", () => {
  it("covers the batches in (t - L, t], sliding by the batch interval by default", async () => {
    const out = await runOperation(input, (s) => s.window(Seconds(2)));
    expect(out.map((b) => b.sort())).toEqual([[1], [1, 2], [2, 3], [3, 4], [4, 5], [5, 6]]);
  });

  it("slides by its slide", async () => {
    const out = await runOperation(input, (s) => s.window(Seconds(3), Seconds(2)));
    expect(out.map((b) => b.sort())).toEqual([[1, 2], [2, 3, 4], [4, 5, 6]]);
  });

  it("rejects lengths and slides that are not multiples of the batch interval, naming it", async () => {
    await expect(runOperation(input, (s) => s.window(Milliseconds(1500)))).rejects.toThrow(/multiple of the batch interval \(1000 ms\)/);
    await expect(runOperation(input, (s) => s.window(Seconds(2), Milliseconds(500)))).rejects.toThrow(RivuletError);
  });

  it("windows of windows are checked against the parent's slide", async () => {
    await expect(runOperation(input, (s) => s.window(Seconds(2), Seconds(2)).window(Seconds(3)))).rejects.toThrow(/parent stream's slide \(2000 ms\)/);
  });
});

describe("window aggregations", () => {
  it("countByWindow", async () => {
    const out = await runOperation([[1, 1], [2], [], [3, 3, 3]], (s) => s.countByWindow(Seconds(2)));
    expect(out).toEqual([[2], [3], [1], [3]]);
  });

  it("reduceByWindow with and without an inverse", async () => {
    const plain = await runOperation(input, (s) => s.reduceByWindow((a, b) => a + b, Seconds(3), Seconds(1)));
    const incremental = await runOperation(input, (s) => s.reduceByWindow((a, b) => a + b, (a, b) => a - b, Seconds(3), Seconds(1)));
    expect(plain).toEqual([[1], [3], [6], [9], [12], [15]]);
    expect(incremental).toEqual(plain);
  });

  it("countByValueAndWindow drops values whose count falls to zero", async () => {
    const out = await runOperation([["a", "b"], ["a"], [], []], (s) => s.countByValueAndWindow(Seconds(2)));
    expect(out.map(sorted)).toEqual([[["a", 1], ["b", 1]], [["a", 2], ["b", 1]], [["a", 1]], []]);
  });

  it("reduceByKeyAndWindow with and without invFn, with filterFn", async () => {
    const data = [[["a", 1], ["b", 1]], [["a", 2]], [["b", 3]], [], [["a", 1]]] as [string, number][][];
    const expected = [[["a", 1], ["b", 1]], [["a", 3], ["b", 1]], [["a", 2], ["b", 3]], [["b", 3]], [["a", 1]]];
    const plain = await runOperation(data, (s) => s.reduceByKeyAndWindow(sum, Seconds(2)));
    const inc = await runOperation(data, (s) =>
      s.reduceByKeyAndWindow(sum, Seconds(2), Seconds(1), { invFn: (a, b) => a - b, filterFn: ([, v]) => v !== 0 }),
    );
    expect(plain.map(sorted)).toEqual(expected);
    expect(inc.map(sorted)).toEqual(expected);
  });

  it("groupByKeyAndWindow", async () => {
    const data = [[["a", 1]], [["a", 2], ["b", 3]], [["b", 4]]] as [string, number][][];
    const out = await runOperation(data, (s) => s.groupByKeyAndWindow(Seconds(2)));
    expect(out.map((b) => sorted(b.map(([k, vs]) => [k, vs.sort()] as const)))).toEqual([
      [["a", [1]]],
      [["a", [1, 2]], ["b", [3]]],
      [["a", [2]], ["b", [3, 4]]],
    ]);
  });

  it("joins two windowed streams", async () => {
    const left = [[["a", 1]], [["b", 2]], []] as [string, number][][];
    const right = [[["b", "x"]], [], [["a", "y"]]] as [string, string][][];
    const out = await runOperation2(left, right, (l, r) => l.window(Seconds(2)).join(r.window(Seconds(2))));
    expect(out.map(sorted)).toEqual([[], [["b", [2, "x"]]], []]);
  });
});

describe("incremental windows equal recomputed windows", () => {
  const pairs = fc.array(fc.array(fc.tuple(fc.constantFrom("a", "b", "c", "__proto__"), fc.integer({ min: -3, max: 5 })), { maxLength: 6 }), {
    minLength: 1,
    maxLength: 10,
  });

  it("for random batches, window lengths and slides, with keys reaching zero", async () => {
    await fc.assert(
      fc.asyncProperty(pairs, fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 3 }), async (batches, lengthIn, slideIn) => {
        const length = Seconds(lengthIn * slideIn);
        const slide = Seconds(slideIn);
        const nonZero = ([, v]: readonly [string, number]) => v !== 0;
        const run = (f: (s: DStream<[string, number]>) => DStream<[string, number]>) =>
          runOperation(batches, f, { numBatches: batches.length + lengthIn * slideIn });
        const recomputed = await run((s) => s.reduceByKeyAndWindow(sum, length, slide).filter(nonZero));
        const incremental = await run((s) => s.reduceByKeyAndWindow(sum, length, slide, { invFn: (a, b) => a - b, filterFn: nonZero }));
        expect(incremental.map(sorted)).toEqual(recomputed.map(sorted));
      }),
      { numRuns: 60 },
    );
  });
});

describe("window operations (Spark's WindowOperationsSuite)", () => {
  it("countByWindow counts 0 once the window holds no record (Spark: countByWindow)", async () => {
    const out = await runOperation([[1], [1], [1, 2], [0], [], []], (s) => s.countByWindow(Seconds(2), Seconds(1)));
    expect(out).toEqual([[1], [2], [3], [3], [1], [0]]);
  });
  it("reduceByWindow with an inverse keeps the value the inverse leaves, as Spark", async () => {
    const out = await runOperation([[1], [2], [], []], (s) => s.reduceByWindow((a, b) => a + b, (a, b) => a - b, Seconds(2), Seconds(1)));
    expect(out).toEqual([[1], [3], [2], [0]]);
  });
  it("reduceByKeyAndWindow with invFn and no filterFn keeps a key after its batches leave", async () => {
    const out = await runOperation([[["a", 1]], [["a", 1]], [], []] as [string, number][][], (s) => s.reduceByKeyAndWindow(sum, Seconds(2), Seconds(1), { invFn: (a, b) => a - b }));
    expect(out).toEqual([[["a", 1]], [["a", 2]], [["a", 1]], [["a", 0]]]);
  });
  it("reduceByKeyAndWindow with invFn (Spark: bigReduceInvOutput)", async () => {
    const out = await runOperation(bigInput, (s) => s.reduceByKeyAndWindow(sum, Seconds(2), Seconds(1), { invFn: (a, b) => a - b }));
    expect(out.map(sorted)).toEqual(bigReduceInvOutput);
  });
  it("reduceByKeyAndWindow with invFn and filterFn, and without invFn (Spark: bigReduceOutput)", async () => {
    const out = await runOperation(bigInput, (s) => s.reduceByKeyAndWindow(sum, Seconds(2), Seconds(1), { invFn: (a, b) => a - b, filterFn: ([, v]) => v !== 0 }));
    expect(out.map(sorted)).toEqual(bigReduceOutput);
    const out2 = await runOperation(bigInput, (s) => s.reduceByKeyAndWindow(sum, Seconds(2), Seconds(1)));
    expect(out2.map(sorted)).toEqual(bigReduceOutput);
  });
  it("reduceByKeyAndWindow with a slide of two batches, with and without invFn", async () => {
    const out = await runOperation(largerSlideInput, (s) => s.reduceByKeyAndWindow(sum, Seconds(4), Seconds(2), { invFn: (a, b) => a - b }));
    expect(out).toEqual([[["a", 3]], [["a", 10]], [["a", 18]], [["a", 11]]]);
    const out2 = await runOperation(largerSlideInput, (s) => s.reduceByKeyAndWindow(sum, Seconds(4), Seconds(2)));
    expect(out2).toEqual([[["a", 3]], [["a", 10]], [["a", 18]], [["a", 11]]]);
  });
  it("window with slides longer, shorter than and equal to the length", async () => {
    const inp = [[0], [1], [2], [3], [4], [5]];
    expect((await runOperation(inp, (s) => s.window(Seconds(2), Seconds(3)))).map((b) => b.sort())).toEqual([[1, 2], [4, 5]]);
    expect((await runOperation(inp, (s) => s.window(Seconds(4), Seconds(2)), { numBatches: 8 })).map((b) => b.sort())).toEqual([[0, 1], [0, 1, 2, 3], [2, 3, 4, 5], [4, 5]]);
    expect((await runOperation(inp, (s) => s.window(Seconds(2), Seconds(2)))).map((b) => b.sort())).toEqual([[0, 1], [2, 3], [4, 5]]);
  });
  it("groupByKeyAndWindow (Spark: bigGroupByOutput as counts)", async () => {
    const out = await runOperation(bigInput, (s) => s.groupByKeyAndWindow(Seconds(2), Seconds(1)));
    expect(out.map((b) => sorted(b.map(([k, v]) => [k, v.length])))).toEqual(bigReduceOutput);
  });
  it("countByValueAndWindow (Spark: countByValueAndWindow)", async () => {
    const out = await runOperation([["a"], ["b", "b"], ["a", "b"]], (s) => s.countByValueAndWindow(Seconds(2), Seconds(1)));
    expect(out.map(sorted)).toEqual([[["a", 1]], [["a", 1], ["b", 2]], [["a", 1], ["b", 3]]]);
  });
  it("an incremental window read only every other slide still steps through every slide", async () => {
    const out = await runOperation([["a"], ["a"], ["a"], ["a"]], (s) =>
      s.countByValueAndWindow(Seconds(2), Seconds(1)).window(Seconds(1), Seconds(2)),
    );
    expect(out).toEqual([[["a", 2]], [["a", 2]]]);
  });

  it("windows sliding 3 batches over a cached, checkpointed or stateful stream see every batch", async () => {
    const input = [["a"], ["b"], ["c"], ["d"], ["e"], ["f"]];
    const run = async (op: (s: DStream<string>) => DStream<unknown>) => (await runOperation(input, op)).map((b) => sorted(b));
    // A kept stream read by a window sliding 3 batches is made only when the window reads it, up to
    // 2 batches late: its parents must still hold those batches.
    expect(await run((s) => s.map((x) => x).cache().window(Seconds(3), Seconds(3)))).toEqual([["a", "b", "c"], ["d", "e", "f"]]);
    expect(await run((s) => s.map((x) => [x, 1] as const).reduceByKeyAndWindow(sum, Seconds(3), Seconds(3)) as DStream<unknown>)).toEqual([
      [["a", 1], ["b", 1], ["c", 1]],
      [["d", 1], ["e", 1], ["f", 1]],
    ]);
    expect(await run((s) => s.countByValueAndWindow(Seconds(3), Seconds(3)) as DStream<unknown>)).toEqual([
      [["a", 1], ["b", 1], ["c", 1]],
      [["d", 1], ["e", 1], ["f", 1]],
    ]);
    // A state read every third slide steps through every slide, from its parents' remembered batches.
    expect(
      await run((s) =>
        s
          .map((x) => [x, 1] as const)
          .updateStateByKey<string, 1, number>((v, st) => (st ?? 0) + v.length)
          .window(Seconds(1), Seconds(3)) as DStream<unknown>,
      ),
    ).toEqual([
      [["a", 1], ["b", 1], ["c", 1]],
      [["a", 1], ["b", 1], ["c", 1], ["d", 1], ["e", 1], ["f", 1]],
    ]);
  });
});

describe("reduceByKeyAndWindow and groupByKeyAndWindow overloads (Spark's PairDStreamFunctions)", () => {
  /** Keys "a" and "c" in partition 0, "b" in partition 1. */
  const byLetter: Partitioner = { numPartitions: 2, getPartition: (key) => (key === "b" ? 1 : 0) };
  const inv = (a: number, b: number) => a - b;
  const nonZero = ([, v]: readonly [string, number]) => v !== 0;

  it("takes numPartitions or a partitioner positionally (Spark: (f, window, slide, numPartitions | partitioner))", async () => {
    const counted = await runOperation(bigInput, (s) => s.reduceByKeyAndWindow(sum, Seconds(2), Seconds(1), 3).glom());
    expect(counted.map((parts) => parts.length)).toEqual(bigInput.map(() => 3));
    expect(counted.map((parts) => sorted(parts.flat()))).toEqual(bigReduceOutput);
    const hashed = await runOperation(bigInput, (s) => s.reduceByKeyAndWindow(sum, Seconds(2), Seconds(1), new HashPartitioner(3)).glom());
    expect(hashed).toEqual(counted);
    const placed = await runOperation(bigInput.slice(0, 3), (s) => s.reduceByKeyAndWindow(sum, Seconds(2), Seconds(1), byLetter).glom(), { parallelism: 3 });
    expect(placed.map((parts) => parts.map(sorted))).toEqual([
      [[["a", 1]], []],
      [[["a", 2]], [["b", 1]]],
      [[["a", 2], ["c", 1]], [["b", 2]]],
    ]);
  });

  it("takes invFn, numPartitions and filterFn positionally (Spark: (f, invF, window, slide, numPartitions, filterFunc))", async () => {
    const positional = await runOperation(bigInput, (s) => s.reduceByKeyAndWindow(sum, inv, Seconds(2), Seconds(1), 3, nonZero).glom());
    expect(positional.map((parts) => parts.length)).toEqual(bigInput.map(() => 3));
    expect(positional.map((parts) => sorted(parts.flat()))).toEqual(bigReduceOutput);
    const withOptions = await runOperation(bigInput, (s) => s.reduceByKeyAndWindow(sum, Seconds(2), Seconds(1), { invFn: inv, filterFn: nonZero, numPartitions: 3 }).glom());
    expect(positional).toEqual(withOptions);
    // Without slide, partitions or filter: Spark's defaults, and the keys the inverse left at 0 stay.
    const defaults = await runOperation(bigInput, (s) => s.reduceByKeyAndWindow(sum, inv, Seconds(2)));
    expect(defaults.map(sorted)).toEqual(bigReduceInvOutput);
  });

  it("places an incremental window's keys by a partitioner (Spark: (f, invF, window, slide, partitioner, filterFunc))", async () => {
    const positional = await runOperation(bigInput.slice(0, 6), (s) => s.reduceByKeyAndWindow(sum, inv, Seconds(2), Seconds(1), byLetter, nonZero).glom(), {
      parallelism: 3,
    });
    const expected = [
      [[["a", 1]], []],
      [[["a", 2]], [["b", 1]]],
      [[["a", 2], ["c", 1]], [["b", 2]]],
      [[["a", 2], ["c", 1]], [["b", 2]]],
      [[["a", 2]], [["b", 1]]],
      [[["a", 1]], []],
    ];
    expect(positional.map((parts) => parts.map(sorted))).toEqual(expected);
    const withOptions = await runOperation(
      bigInput.slice(0, 6),
      (s) => s.reduceByKeyAndWindow(sum, Seconds(2), Seconds(1), { invFn: inv, filterFn: nonZero, partitioner: byLetter }).glom(),
      { parallelism: 3 },
    );
    expect(withOptions.map((parts) => parts.map(sorted))).toEqual(expected);
  });

  it("refuses both numPartitions and a partitioner, and an invFn form without a window length", () => {
    const ssc = new StreamingContext({ batchInterval: Seconds(1), clock: new ManualClock(), workers: false });
    const pairs = ssc.queueStream<[string, number]>([]);
    expect(() => pairs.reduceByKeyAndWindow(sum, Seconds(2), Seconds(1), { numPartitions: 2, partitioner: byLetter })).toThrowError(
      expect.objectContaining({ code: "INVALID_ARGUMENT", message: expect.stringContaining("not both") }),
    );
    const noLength = undefined as unknown as Duration;
    expect(() => pairs.reduceByKeyAndWindow(sum, inv, noLength)).toThrowError(expect.objectContaining({ code: "INVALID_ARGUMENT" }));
    expect(() => pairs.reduceByKeyAndWindow(sum, inv, Seconds(2), Seconds(1), 0)).toThrowError(expect.objectContaining({ code: "INVALID_ARGUMENT" }));
  });

  it("groupByKeyAndWindow takes numPartitions or a partitioner (Spark: (window, slide, numPartitions | partitioner))", async () => {
    const data = [[["a", 1]], [["a", 2], ["b", 3]], [["b", 4], ["c", 5]]] as [string, number][][];
    const counted = await runOperation(data, (s) => s.groupByKeyAndWindow(Seconds(2), Seconds(1), 3).glom());
    expect(counted.map((parts) => parts.length)).toEqual([3, 3, 3]);
    const placed = await runOperation(data, (s) => s.groupByKeyAndWindow(Seconds(2), Seconds(1), byLetter).glom(), { parallelism: 3 });
    const byKey = (parts: [string, number[]][][]) => parts.map((p) => sorted(p.map(([k, vs]): [string, number[]] => [k, vs.slice().sort()])));
    expect(placed.map(byKey)).toEqual([
      [[["a", [1]]], []],
      [[["a", [1, 2]]], [["b", [3]]]],
      [[["a", [2]], ["c", [5]]], [["b", [3, 4]]]],
    ]);
  });
});
