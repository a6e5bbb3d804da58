// The transform family (src/dstream/transformed.ts): arbitrary batch-to-batch functions, run with
// the batch's time, as Spark's TransformedDStream.
import { describe, expect, it } from "vitest";
import { type Batch, type Pair, sum } from "../../src/index.ts";
import { runOperation, runOperation2, sorted } from "../support/spark-suite.ts";
import { withContext } from "./context-harness.ts";

const range = (from: number, to: number): number[] => Array.from({ length: to - from + 1 }, (_, i) => from + i);

describe("DStream.transform", () => {
  it("runs a batch function on every batch, keeping order (Spark: transform)", async () => {
    const out = await runOperation([range(1, 4), range(5, 8), range(9, 12)], (s) => s.transform((b) => b.map((x) => String(x))));
    expect(out).toEqual([range(1, 4).map(String), range(5, 8).map(String), range(9, 12).map(String)]);
  });

  it("passes the batch time as the time argument", async () => {
    const times: number[] = [];
    const out = await runOperation(
      [[1], [], [2, 3]],
      (s) =>
        s.transform((b, time) => {
          times.push(time);
          return b.map((x) => [time, x] as const);
        }),
      { numBatches: 4 },
    );
    expect(times).toEqual([1000, 2000, 3000, 4000]);
    expect(out).toEqual([[[1000, 1]], [], [[3000, 2], [3000, 3]], []]);
  });

  it("joins every batch with a static data set from ssc.parallelize", async () => {
    const out = await withContext(async (h) => {
      // A "blacklist"-style static table, as in the Spark programming guide's transform example.
      const names = h.ssc.parallelize<Pair<number, string>>([
        [1, "one"],
        [2, "two"],
        [3, "three"],
      ]);
      const ids = h.ssc.queueStream<number>([[1, 2, 2, 9], [3], []]);
      const joined = ids.map((id): Pair<number, number> => [id, 1]).reduceByKey(sum).transform((batch) => batch.join(names));
      const out = h.collect(joined);
      await h.run(3);
      return out;
    });
    expect(out.map(sorted)).toEqual([[[1, [1, "one"]], [2, [2, "two"]]], [[3, [1, "three"]]], []]);
  });

  it("can filter a stream against a static data set (leftOuterJoin in a transform)", async () => {
    const out = await withContext(async (h) => {
      const spam = h.ssc.parallelize<Pair<string, boolean>>([["spammer", true]], 1);
      const events = h.ssc.queueStream<Pair<string, string>>([
        [
          ["alice", "hi"],
          ["spammer", "buy"],
          ["bob", "yo"],
        ],
      ]);
      const clean = events.transform((b) =>
        b
          .leftOuterJoin(spam)
          .filter(([, [, isSpam]]) => isSpam === undefined)
          .map(([user, [text]]) => `${user}:${text}`),
      );
      const out = h.collect(clean);
      await h.run(1);
      return out;
    });
    expect(out.map((b) => b.sort())).toEqual([["alice:hi", "bob:yo"]]);
  });

  it("may return a batch of another type and partitioning", async () => {
    const out = await runOperation([range(1, 10)], (s) => s.transform((b) => b.repartition(3).glom().map((p) => p.length)));
    expect(out[0]).toHaveLength(3);
    expect(out[0]!.reduce((a, b) => a + b)).toBe(10);
  });
});

describe("DStream.transformWith", () => {
  it("joins the two streams' batches in a batch function (Spark: transformWith)", async () => {
    const out = await runOperation2(
      [["a", "b"], ["a", ""], [""], []],
      [["a", "b"], ["b", ""], [], [""]],
      (s1, s2) =>
        s1
          .map((x): [string, number] => [x, 1])
          .transformWith(
            s2.map((x): [string, string] => [x, "x"]),
            (b1, b2) => b1.join(b2),
          ),
    );
    expect(out.map(sorted)).toEqual([[["a", [1, "x"]], ["b", [1, "x"]]], [["", [1, "x"]]], [], []]);
  });

  it("passes both batches of the same time and that time", async () => {
    const times: number[] = [];
    const out = await runOperation2([[1], [2], []], [["a"], ["b"], ["c"]], (s1, s2) =>
      s1.transformWith(s2, (b1, b2, time) => {
        times.push(time);
        return b1.map((x) => `${time}:${x}`).union(b2.map((y) => `${time}:${y}`));
      }),
    );
    expect(times).toEqual([1000, 2000, 3000]);
    expect(out).toEqual([["1000:1", "1000:a"], ["2000:2", "2000:b"], ["3000:c"]]);
  });
});

describe("StreamingContext.transform", () => {
  it("runs a function over several streams' batches of the same time (Spark: StreamingContext.transform)", async () => {
    const seen: [number, number][] = [];
    const out = await withContext(async (h) => {
      const s = h.ssc.queueStream([range(1, 4), range(5, 8), range(9, 12)]);
      const s2 = s.map((x) => x * 2);
      const s3 = s.map((x) => x * 3);
      const t = h.ssc.transform<number>([s, s2, s3], (batches, time) => {
        seen.push([batches.length, time]);
        const [b1, b2, b3] = batches as Batch<number>[];
        return b1!.union(b2!).union(b3!);
      });
      const out = h.collect(t);
      await h.run(3);
      return out;
    });
    expect(seen).toEqual([
      [3, 1000],
      [3, 2000],
      [3, 3000],
    ]);
    expect(out).toEqual([range(1, 4), range(5, 8), range(9, 12)].map((b) => [...b, ...b.map((x) => x * 2), ...b.map((x) => x * 3)]));
  });

  it("can combine streams of different record types", async () => {
    const out = await withContext(async (h) => {
      const words = h.ssc.queueStream<string>([["a", "b", "a"]]);
      const weights = h.ssc.queueStream<Pair<string, number>>([[["a", 10], ["b", 100]]]);
      const t = h.ssc.transform<[string, number]>([words, weights], ([w, ws]) =>
        (w as Batch<string>)
          .map((x): Pair<string, number> => [x, 1])
          .reduceByKey(sum)
          .join(ws as Batch<Pair<string, number>>)
          .map(([k, [n, weight]]): [string, number] => [k, n * weight]),
      );
      const out = h.collect(t);
      await h.run(1);
      return out;
    });
    expect(out.map(sorted)).toEqual([[["a", 20], ["b", 100]]]);
  });
});
