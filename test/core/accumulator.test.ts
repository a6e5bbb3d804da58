import { afterEach, describe, expect, it } from "vitest";
import { Accumulator, ManualClock, RivuletError, Seconds, StreamingContext } from "../../src/index.ts";
import { applyUpdates, takeUpdates } from "../../src/core/accumulator.ts";

afterEach(async () => {
  await StreamingContext.getActive()?.stop();
});

describe("Accumulator", () => {
  it("sums, counts and averages what is added, as Spark's LongAccumulator and DoubleAccumulator", () => {
    const ssc = new StreamingContext({ batchInterval: Seconds(1), clock: new ManualClock() });
    const acc = ssc.accumulator("latency");
    expect(acc).toBeInstanceOf(Accumulator);
    expect(acc.isZero).toBe(true);
    expect(Number.isNaN(acc.avg)).toBe(true);
    for (const v of [3, 4.5, -1]) acc.add(v);
    expect([acc.value, acc.sum, acc.count, acc.avg, acc.isZero]).toEqual([6.5, 6.5, 3, 6.5 / 3, false]);
    expect(String(acc)).toBe("Accumulator(id: 0, name: latency, value: 6.5)");
    acc.reset();
    expect([acc.value, acc.count, acc.isZero]).toEqual([0, 0, true]);
    expect(ssc.accumulator().id).toBe(1);
  });

  it("refuses what is not a number, naming the accumulator", () => {
    const acc = new StreamingContext({ batchInterval: Seconds(1), clock: new ManualClock() }).accumulator("bad lines");
    expect(() => acc.add("1" as never)).toThrow(RivuletError);
    expect(() => acc.add(1n as never)).toThrow(/accumulator "bad lines": add\(\) takes a number, got bigint/);
    expect(acc.isZero).toBe(true);
  });

  it("gathers what functions add in the batches of a context running in this thread", async () => {
    const clock = new ManualClock();
    const ssc = new StreamingContext({ batchInterval: Seconds(1), clock, parallelism: 2 });
    const invalid = ssc.accumulator("invalid");
    const kept: number[][] = [];
    ssc
      .queueStream<string>([["1", "x", "2"], ["y", "z"], ["3"]])
      .map(Number)
      .filter((n) => (Number.isNaN(n) ? (invalid.add(1), false) : true))
      .foreachRDD(async (b) => void kept.push(await b.collect()));
    ssc.start();
    await clock.advance(3000);
    expect(kept).toEqual([[1, 2], [], [3]]);
    expect(invalid.value).toBe(3);
  });

  it("hands a task's adds over once: takeUpdates empties the accumulators it reads, applyUpdates adds them by id", () => {
    const ssc = new StreamingContext({ batchInterval: Seconds(1), clock: new ManualClock() });
    const [a, b, c] = [ssc.accumulator("a"), ssc.accumulator("b"), ssc.accumulator("c")];
    a.add(2);
    a.add(3);
    c.add(-1);
    const updates = takeUpdates([a, b, c]);
    expect(updates).toEqual([
      [0, 5, 2],
      [2, -1, 1],
    ]);
    expect([a.isZero, c.isZero]).toEqual([true, true]);
    expect(takeUpdates([a, b, c])).toEqual([]);
    applyUpdates([a, b, c], [...updates, [0, 1, 1], [7, 100, 1]]); // an unknown id is ignored
    expect([a.value, a.count, b.isZero, c.value]).toEqual([6, 3, true, -1]);
  });
});
