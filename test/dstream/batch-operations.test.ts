// Spark code ported as is: RDD operations inside transform and foreachRDD (Batch's actions and
// transformations beyond map/filter/reduceByKey), batch after batch under a ManualClock.
import { describe, expect, it } from "vitest";
import { type Pair, sum } from "../../src/index.ts";
import { runOperation } from "../support/spark-suite.ts";
import { withContext } from "./context-harness.ts";

describe("RDD operations in transform and foreachRDD", () => {
  it("transform((b) => b.sortByKey(false)) orders every batch by key, largest first", async () => {
    const input: Pair<string, number>[][] = [
      [["b", 1], ["a", 2], ["c", 3], ["a", 4]],
      [["x", 1]],
      [],
      [["__proto__", 1], ["constructor", 2], ["z", 3]],
    ];
    const out = await runOperation(input, (s) => s.transform((b) => b.sortByKey(false)));
    expect(out).toEqual([
      [["c", 3], ["b", 1], ["a", 2], ["a", 4]],
      [["x", 1]],
      [],
      [["z", 3], ["constructor", 2], ["__proto__", 1]],
    ]);
  });

  it("counts words per batch, then takes the top ones in foreachRDD (Spark's popular-hashtags example)", async () => {
    const tops = await withContext(async (h) => {
      const words = h.ssc.queueStream<string>([["#a", "#b", "#a", "#c", "#a", "#b"], [], ["#d"]]);
      const seen: [string, number][][] = [];
      const distinct: number[] = [];
      const counts = words.map((w): Pair<string, number> => [w, 1]).reduceByKey(sum);
      counts.foreachRDD(async (b) => {
        seen.push(await b.top(2, ([, x], [, y]) => x - y));
        distinct.push(await b.keys().distinct().count());
      });
      await h.run(3);
      return { seen, distinct };
    });
    expect(tops.seen).toEqual([[["#a", 3], ["#b", 2]], [], [["#d", 1]]]);
    expect(tops.distinct).toEqual([3, 0, 1]);
  });
});
