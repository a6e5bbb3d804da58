import { expect, it } from "vitest";
import { ManualClock, Seconds, StreamingContext, sum } from "../src/index.ts";
import { testKernels } from "./support/spark-suite.ts";

it("counts words batch by batch under a manual clock", async () => {
  const clock = new ManualClock();
  const ssc = new StreamingContext({ batchInterval: Seconds(1), clock, parallelism: 2, kernels: testKernels() });
  const lines = ssc.queueStream<string>([["a b", "b"], ["c"]]);
  const out: [number, [string, number][]][] = [];
  lines
    .flatMap((l) => l.split(" "))
    .map((w) => [w, 1] as const)
    .reduceByKey(sum)
    .foreachRDD(async (b, t) => {
      out.push([t, (await b.collect()).sort()]);
    });
  ssc.start();
  await clock.advance(3000);
  await ssc.stop();
  expect(out).toEqual([
    [1000, [["a", 1], ["b", 2]]],
    [2000, [["c", 1]]],
    [3000, []],
  ]);
});
