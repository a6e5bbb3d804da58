// The join family (src/dstream/joined.ts), as Spark's BasicOperationsSuite: two input streams, a
// key-value stream made of each, joined batch by batch. Scala's None is `undefined`.
import { describe, expect, it } from "vitest";
import type { Batch, DStream } from "../../src/index.ts";
import { runOperation2, sorted } from "../support/spark-suite.ts";

// Spark's inputs for join and the outer joins.
const input1 = [["a", "b"], ["a", ""], [""], []];
const input2 = [["a", "b"], ["b", ""], [], [""]];

const left = (s: DStream<string>): DStream<[string, number]> => s.map((x): [string, number] => [x, 1]);
const right = (s: DStream<string>): DStream<[string, string]> => s.map((x): [string, string] => [x, "x"]);

describe("join", () => {
  it("pairs the values of keys present on both sides (Spark: join)", async () => {
    const out = await runOperation2(input1, input2, (a, b) => left(a).join(right(b)));
    expect(out.map(sorted)).toEqual([[["a", [1, "x"]], ["b", [1, "x"]]], [["", [1, "x"]]], [], []]);
  });

  it("gives the cross product of the values of a duplicated key", async () => {
    const out = await runOperation2(
      [[["k", 1], ["k", 2], ["only-left", 0]] as [string, number][]],
      [[["k", "a"], ["k", "b"], ["k", "c"], ["only-right", "z"]] as [string, string][]],
      (a, b) => a.join(b),
      { parallelism: 3 },
    );
    expect(sorted(out[0]!)).toEqual(
      sorted([
        ["k", [1, "a"]],
        ["k", [1, "b"]],
        ["k", [1, "c"]],
        ["k", [2, "a"]],
        ["k", [2, "b"]],
        ["k", [2, "c"]],
      ]),
    );
  });

  it("honours numPartitions", async () => {
    const seen: number[] = [];
    const out = await runOperation2(input1, input2, (a, b) =>
      left(a)
        .join(right(b), 5)
        .transform((batch: Batch<[string, [number, string]]>) => {
          seen.push(batch.numPartitions);
          return batch;
        })
        .glom(),
    );
    expect(seen).toEqual([5, 5, 5, 5]);
    expect(out.map((b) => b.length)).toEqual([5, 5, 5, 5]);
  });

  it("joins number keys by value, 0 with -0 and NaN with NaN", async () => {
    const out = await runOperation2(
      [[[0, "zero"], [NaN, "nan"], [1, "one"]] as [number, string][]],
      [[[-0, "Z"], [Number("not a number"), "N"], [2, "two"]] as [number, string][]],
      (a, b) => a.join(b),
      { parallelism: 3 },
    );
    expect(out[0]!.map(([k, vw]) => [String(k), vw]).sort()).toEqual([
      ["0", ["zero", "Z"]],
      ["NaN", ["nan", "N"]],
    ]);
  });
});

describe("leftOuterJoin", () => {
  it("keeps left keys missing on the right with undefined (Spark: leftOuterJoin)", async () => {
    const out = await runOperation2(input1, input2, (a, b) => left(a).leftOuterJoin(right(b)));
    expect(out.map(sorted)).toEqual(
      [
        [["a", [1, "x"]], ["b", [1, "x"]]],
        [["", [1, "x"]], ["a", [1, undefined]]],
        [["", [1, undefined]]],
        [],
      ].map(sorted),
    );
  });

  it("gives the cross product for duplicated keys and one row per left value for missing ones", async () => {
    const out = await runOperation2(
      [[["k", 1], ["k", 2], ["m", 3], ["m", 4]] as [string, number][]],
      [[["k", "a"], ["k", "b"]] as [string, string][]],
      (a, b) => a.leftOuterJoin(b),
    );
    expect(sorted(out[0]!)).toEqual(
      sorted([
        ["k", [1, "a"]],
        ["k", [1, "b"]],
        ["k", [2, "a"]],
        ["k", [2, "b"]],
        ["m", [3, undefined]],
        ["m", [4, undefined]],
      ]),
    );
  });
});

describe("rightOuterJoin", () => {
  it("keeps right keys missing on the left with undefined (Spark: rightOuterJoin)", async () => {
    const out = await runOperation2(input1, input2, (a, b) => left(a).rightOuterJoin(right(b)));
    expect(out.map(sorted)).toEqual(
      [
        [["a", [1, "x"]], ["b", [1, "x"]]],
        [["", [1, "x"]], ["b", [undefined, "x"]]],
        [],
        [["", [undefined, "x"]]],
      ].map(sorted),
    );
  });
});

describe("fullOuterJoin", () => {
  it("keeps keys missing on either side with undefined there (Spark: fullOuterJoin)", async () => {
    const out = await runOperation2(input1, input2, (a, b) => left(a).fullOuterJoin(right(b)));
    expect(out.map(sorted)).toEqual(
      [
        [["a", [1, "x"]], ["b", [1, "x"]]],
        [["", [1, "x"]], ["a", [1, undefined]], ["b", [undefined, "x"]]],
        [["", [1, undefined]]],
        [["", [undefined, "x"]]],
      ].map(sorted),
    );
  });

  it("keeps undefined distinct from a missing side: a present undefined value is still a match", async () => {
    const out = await runOperation2(
      [[["k", undefined], ["l", 1]] as [string, number | undefined][]],
      [[["k", "w"]] as [string, string][]],
      (a, b) => a.fullOuterJoin(b),
    );
    expect(sorted(out[0]!)).toEqual(sorted([["k", [undefined, "w"]], ["l", [1, undefined]]]));
  });

  it("gives the cross product for duplicated keys on both sides", async () => {
    const out = await runOperation2(
      [[["k", 1], ["k", 2]] as [string, number][]],
      [[["k", "a"], ["k", "b"], ["r", "c"]] as [string, string][]],
      (a, b) => a.fullOuterJoin(b),
      { parallelism: 3 },
    );
    expect(sorted(out[0]!)).toEqual(
      sorted([
        ["k", [1, "a"]],
        ["k", [1, "b"]],
        ["k", [2, "a"]],
        ["k", [2, "b"]],
        ["r", [undefined, "c"]],
      ]),
    );
  });
});

describe("cogroup", () => {
  it("gives [k, [v[], w[]]] for every key on either side (Spark: cogroup)", async () => {
    const out = await runOperation2(
      [["a", "a", "b"], ["a", ""], [""], []],
      [["a", "a", "b"], ["b", ""], [], []],
      (a, b) => left(a).cogroup(right(b)),
    );
    expect(out.map(sorted)).toEqual(
      [
        [["a", [[1, 1], ["x", "x"]]], ["b", [[1], ["x"]]]],
        [["a", [[1], []]], ["b", [[], ["x"]]], ["", [[1], ["x"]]]],
        [["", [[1], []]]],
        [],
      ].map(sorted),
    );
  });

  it("keeps every value of each side, in arrival order, and honours numPartitions", async () => {
    const out = await runOperation2(
      [[["k", 1], ["j", 2], ["k", 3], ["k", 4]] as [string, number][]],
      [[["k", "p"], ["k", "q"], ["i", "r"]] as [string, string][]],
      (a, b) => a.cogroup(b, 3).glom(),
      { parallelism: 2 },
    );
    expect(out[0]).toHaveLength(3);
    const groups = new Map(out[0]!.flat());
    expect(groups.size).toBe(3);
    expect(groups.get("k")).toEqual([[1, 3, 4], ["p", "q"]]);
    expect(groups.get("j")).toEqual([[2], []]);
    expect(groups.get("i")).toEqual([[], ["r"]]);
  });

  it("gives an empty batch when both sides are empty, and one-sided groups when one is", async () => {
    const out = await runOperation2(
      [[], [["a", 1]]] as [string, number][][],
      [[], []] as [string, string][][],
      (a, b) => a.cogroup(b),
    );
    expect(out).toEqual([[], [["a", [[1], []]]]]);
  });
});
