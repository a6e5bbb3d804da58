// The union family (src/dstream/union.ts): the first stream's records first, then the next's.
import { describe, expect, it } from "vitest";
import { runOperation, runOperation2 } from "../support/spark-suite.ts";
import { withContext } from "./context-harness.ts";

const range = (from: number, to: number): number[] => Array.from({ length: to - from + 1 }, (_, i) => from + i);

describe("DStream.union", () => {
  it("gives the first stream's records, then the second's (Spark: union)", async () => {
    const out = await runOperation([range(1, 4), range(101, 104), range(201, 204)], (s) => s.union(s.map((x) => x + 4)));
    expect(out).toEqual([range(1, 8), range(101, 108), range(201, 208)]);
  });

  it("unions two input streams, empty batches included", async () => {
    const out = await runOperation2(
      [["a", "b"], [], ["c"], []],
      [["x"], ["y", "z"], [], []],
      (a, b) => a.union(b),
    );
    expect(out).toEqual([["a", "b", "x"], ["y", "z"], ["c"], []]);
  });

  it("keeps the partitions of both sides side by side", async () => {
    const out = await runOperation2([range(1, 4)], [range(5, 10)], (a, b) => a.union(b).glom(), { parallelism: 2 });
    expect(out).toEqual([[[1, 2], [3, 4], [5, 6, 7], [8, 9, 10]]]);
  });

  it("takes several streams at once, in the order given", async () => {
    const out = await runOperation([[1, 2]], (s) => s.union(s.map((x) => x * 10), s.map((x) => x * 100)));
    expect(out).toEqual([[1, 2, 10, 20, 100, 200]]);
  });
});

describe("StreamingContext.union", () => {
  it("takes the streams as one array, as Spark's ssc.union(Seq(...))", async () => {
    const out = await withContext(async (h) => {
      const a = h.ssc.queueStream([["a1"], ["a2"]]);
      const b = h.ssc.queueStream([["b1", "b2"], []]);
      const out = h.collect(h.ssc.union([a, b, a.map((x) => x.toUpperCase())]));
      await h.run(2);
      return out;
    });
    expect(out).toEqual([["a1", "b1", "b2", "A1"], ["a2", "A2"]]);
  });

  it("unions 3 streams in the order given", async () => {
    const out = await withContext(async (h) => {
      const a = h.ssc.queueStream([["a1", "a2"], ["a3"], []]);
      const b = h.ssc.queueStream([["b1"], [], ["b2"]]);
      const c = h.ssc.queueStream([["c1", "c2", "c3"], ["c4"], []]);
      const out = h.collect(h.ssc.union(a, b, c));
      await h.run(3);
      return out;
    });
    expect(out).toEqual([["a1", "a2", "b1", "c1", "c2", "c3"], ["a3", "c4"], ["b2"]]);
  });

  it("has as many partitions as its streams together", async () => {
    const out = await withContext(async (h) => {
      const a = h.ssc.queueStream([[1, 2, 3]]);
      const b = h.ssc.queueStream([[4, 5, 6]]);
      const c = h.ssc.queueStream([[7, 8, 9]]);
      const out = h.collect(h.ssc.union(a, b, c).glom());
      await h.run(1);
      return out;
    }, 3);
    expect(out).toEqual([[[1], [2], [3], [4], [5], [6], [7], [8], [9]]]);
  });

  it("refuses an empty list of streams", async () => {
    await withContext(async (h) => {
      expect(() => h.ssc.union()).toThrow(/at least one stream/);
    });
  });
});
