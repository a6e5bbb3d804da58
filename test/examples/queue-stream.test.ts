// examples/queue-stream.ts, Spark's QueueStream: the example pushes its thirty batches on the
// context's clock, so a manual clock drives both the pushes and the batches, and every batch the
// example prints is compared whole.
import { afterEach, describe, expect, it } from "vitest";
import { main } from "../../examples/queue-stream.ts";
import { ManualClock, type StreamingContext } from "../../src/index.ts";
import { printed } from "../support/printed.ts";

/** 1 to 1000 by last digit: a hundred of each, in the order of the reduce's partitions. */
const COUNTS = ["(2,100)", "(4,100)", "(9,100)", "(0,100)", "(1,100)", "(3,100)", "(5,100)", "(6,100)", "(7,100)", "(8,100)"];

let ssc: StreamingContext | undefined;

afterEach(async () => {
  await ssc?.stop();
  ssc = undefined;
});

describe("QueueStream", () => {
  it("prints a hundred of each last digit for each of the thirty batches pushed, one a second, then stops", async () => {
    const clock = new ManualClock();
    const log: string[] = [];
    ssc = main({ clock, log: (text) => log.push(text), parallelism: 2 });
    expect(ssc.state).toBe("active");
    for (let second = 1; second <= 30; second++) {
      await clock.advance(1000);
      expect(log).toHaveLength(second);
    }
    await ssc.awaitTermination();
    expect(ssc.state).toBe("stopped");
    expect(log).toEqual(Array.from({ length: 30 }, (_, i) => printed((i + 1) * 1000, ...COUNTS)));
    // Each queued RDD of 1000 numbers is one batch's input.
    expect(ssc.statistics().numProcessedRecords).toBe(30_000);
    // Stopped after the last push: no batch follows.
    await clock.advance(5000);
    expect(log).toHaveLength(30);
  });

  it("takes one push per batch, neither an empty batch nor two pushes in one, when the seconds pass in one advance", async () => {
    const clock = new ManualClock();
    const log: string[] = [];
    ssc = main({ clock, log: (text) => log.push(text), parallelism: 2 });
    await clock.advance(12_000);
    expect(ssc.state).toBe("active");
    expect(log).toEqual(Array.from({ length: 12 }, (_, i) => printed((i + 1) * 1000, ...COUNTS)));
    await clock.advance(18_000);
    await ssc.awaitTermination();
    expect(log).toEqual(Array.from({ length: 30 }, (_, i) => printed((i + 1) * 1000, ...COUNTS)));
  });
});
