// Remembered batches and DStream.slice (Spark: "slice"), and DStream.cache: batches computed once
// for every output that reads them.
import { describe, expect, it } from "vitest";
import { type Batch, type DStream, Seconds } from "../../src/index.ts";
import { runOperation } from "../support/spark-suite.ts";
import { withContext } from "./context-harness.ts";

async function contents<T>(batches: Batch<T>[]): Promise<T[][]> {
  return Promise.all(batches.map((b) => b.collect()));
}

describe("slice", () => {
  it("of a windowed stream returns its windows", async () => {
    await withContext(async (h) => {
      h.ssc.remember(Seconds(10));
      const w = h.ssc.queueStream([[1], [2], [3], [4]]).window(Seconds(2), Seconds(2));
      w.foreachRDD(() => {});
      await h.run(4);
      expect(await Promise.all(w.slice(1000, 4000).map((b) => b.collect()))).toEqual([[1, 2], [3, 4]]);
    });
  });

  it("returns the remembered batches between two times, both included (Spark: slice)", async () => {
    await withContext(async (h) => {
      h.ssc.remember(Seconds(10));
      const stream = h.ssc.queueStream([[1], [2], [3], [4]]);
      stream.foreachRDD(() => {}); // a dummy output
      await h.run(4);
      expect(await contents(stream.slice(0, 1000))).toEqual([[1]]);
      expect(await contents(stream.slice(0, 2000))).toEqual([[1], [2]]);
      expect(await contents(stream.slice(1000, 2000))).toEqual([[1], [2]]);
      expect(await contents(stream.slice(2000, 4000))).toEqual([[2], [3], [4]]);
      expect(await contents(stream.slice(4000, 4000))).toEqual([[4]]);
    });
  });

  it("aligns unaligned times down to the batch times", async () => {
    await withContext(async (h) => {
      h.ssc.remember(Seconds(10));
      const stream = h.ssc.queueStream([["a"], ["b"], ["c"]]);
      stream.foreachRDD(() => {});
      await h.run(3);
      expect(await contents(stream.slice(1500, 2999))).toEqual([["a"], ["b"]]);
      expect(await contents(stream.slice(2000, 1000))).toEqual([]);
    });
  });

  it("slices a derived stream too, giving the same batch objects its outputs saw", async () => {
    await withContext(async (h) => {
      h.ssc.remember(Seconds(5));
      const seen = new Map<number, Batch<number>>();
      const tens = h.ssc.queueStream([[1, 2], [3], [4, 5]]).map((x) => x * 10);
      tens.foreachRDD((b, time) => {
        seen.set(time, b);
      });
      await h.run(3);
      const sliced = tens.slice(1000, 3000);
      expect(sliced).toEqual([seen.get(1000), seen.get(2000), seen.get(3000)]);
      expect(sliced[1]).toBe(seen.get(2000));
      expect(await contents(sliced)).toEqual([[10, 20], [30], [40, 50]]);
    });
  });

  it("keeps at least the remember duration", async () => {
    await withContext(async (h) => {
      h.ssc.remember(Seconds(2));
      const stream = h.ssc.queueStream([[1], [2], [3], [4], [5]]);
      const seen: Batch<number>[] = [];
      stream.foreachRDD((b) => {
        seen.push(b);
      });
      await h.run(5);
      const sliced = stream.slice(4000, 5000);
      expect(sliced).toHaveLength(2);
      expect(sliced[0]).toBe(seen[3]);
      expect(sliced[1]).toBe(seen[4]);
      expect(await contents(sliced)).toEqual([[4], [5]]);
    });
  });

  it("refuses a stream whose context has not been started", async () => {
    await withContext(async (h) => {
      const stream = h.ssc.queueStream([[1]]);
      expect(() => stream.slice(0, 1000)).toThrow(/started context/);
    });
  });
});

describe("cache", () => {
  /** Two outputs reading one mapped stream; returns both outputs and the number of map calls. */
  async function twoOutputs(cached: boolean | "persist"): Promise<{ calls: number; first: number[][]; second: number[][] }> {
    let calls = 0;
    const first: number[][] = [];
    const second = await runOperation([[1, 2, 3], [4, 5], []], (s) => {
      let m: DStream<number> = s.map((x) => {
        calls++;
        return x * 2;
      });
      if (cached === "persist") m = m.persist();
      else if (cached) m = m.cache();
      m.foreachRDD(async (b) => {
        first.push(await b.collect());
      });
      return m.map((x) => x + 1);
    });
    return { calls, first, second };
  }

  it("makes two outputs share one computation of a batch", async () => {
    const { calls, first, second } = await twoOutputs(true);
    expect(first).toEqual([[2, 4, 6], [8, 10], []]);
    expect(second).toEqual([[3, 5, 7], [9, 11], []]);
    expect(calls).toBe(5); // once per record
  });

  it("persist() is cache(), as Spark's persist() with its default storage level", async () => {
    const { calls, first } = await twoOutputs("persist");
    expect(first).toEqual([[2, 4, 6], [8, 10], []]);
    expect(calls).toBe(5);
  });

  it("without cache(), each output recomputes the batch (as an uncached RDD in Spark)", async () => {
    const { calls, first, second } = await twoOutputs(false);
    expect(first).toEqual([[2, 4, 6], [8, 10], []]);
    expect(second).toEqual([[3, 5, 7], [9, 11], []]);
    expect(calls).toBe(10); // once per record per output
  });

  it("returns the stream itself", async () => {
    await withContext(async (h) => {
      const s = h.ssc.queueStream([[1]]);
      expect(s.cache()).toBe(s);
    });
  });

  it("shares one computation between a stream's two actions in the same output", async () => {
    let calls = 0;
    const counts: number[] = [];
    const out = await runOperation([[1, 2, 3, 4]], (s) => {
      const m = s
        .map((x) => {
          calls++;
          return x;
        })
        .cache();
      m.foreachRDD(async (b) => {
        counts.push(await b.count());
        counts.push((await b.take(2)).length);
      });
      return m;
    });
    expect(out).toEqual([[1, 2, 3, 4]]);
    expect(counts).toEqual([4, 2]);
    expect(calls).toBe(4);
  });
});
