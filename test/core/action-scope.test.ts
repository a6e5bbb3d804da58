// Actions an output operation's function starts without awaiting them (src/core/action-scope.ts):
// the operation awaits them before the batch completes, as Spark's blocking actions hold
// foreachRDD, and their failure fails the operation instead of going unhandled.
import { afterEach, describe, expect, it, vi } from "vitest";
import { type Batch, ManualClock, Seconds, StreamingContext } from "../../src/index.ts";
import { deferred } from "../support/ticking-clock.ts";

const contexts: StreamingContext[] = [];
afterEach(async () => {
  for (const ssc of contexts.splice(0)) await ssc.stop();
  vi.restoreAllMocks();
});

function context(): { ssc: StreamingContext; clock: ManualClock; completed: number[] } {
  const clock = new ManualClock();
  const ssc = new StreamingContext({ batchInterval: Seconds(1), clock, parallelism: 2 });
  contexts.push(ssc);
  const completed: number[] = [];
  ssc.addStreamingListener({ onBatchCompleted: ({ batchInfo }) => void completed.push(batchInfo.batchTime) });
  return { ssc, clock, completed };
}

describe("actions started in foreachRDD without being awaited", () => {
  it("hold the batch until they finish: a block-bodied function's foreachPartition sends everything first", async () => {
    const { ssc, clock } = context();
    const gate = deferred();
    const events: string[] = [];
    // Whichever comes first opens the gate: the batch completing (it must not, while a send is
    // pending), or, since it does not, a timer. The order of the events is what is checked.
    ssc.addStreamingListener({
      onBatchCompleted: () => {
        events.push("completed");
        gate.resolve();
      },
    });
    ssc.queueStream([["a", "b", "c"]]).foreachRDD((rdd: Batch<string>) => {
      // As Spark's `rdd.foreachPartition { ... }` in a block: the promise is not returned.
      void rdd.foreachPartition(async (records) => {
        await gate.promise;
        events.push(`sent ${records.join("")}`);
      });
    });
    ssc.start();
    const advanced = clock.advance(1000);
    const timer = setTimeout(gate.resolve, 50);
    await advanced;
    clearTimeout(timer);
    expect(events).toEqual(["sent a", "sent bc", "completed"]);
  });

  it("fail the output operation when they fail, reported as any failure of the operation", async () => {
    vi.spyOn(console, "error").mockImplementation(() => undefined);
    const { ssc, clock } = context();
    const reasons: (string | undefined)[] = [];
    ssc.addStreamingListener({ onOutputOperationCompleted: ({ outputOperationInfo }) => void reasons.push(outputOperationInfo.failureReason) });
    ssc.queueStream([[1, 2]]).foreachRDD((rdd: Batch<number>) => {
      void rdd.foreach(() => {
        throw new Error("send failed");
      });
    });
    ssc.start();
    await clock.advance(1000);
    expect(reasons[0]).toMatch(/send failed/);
    await expect(ssc.awaitTermination()).rejects.toThrow("send failed");
  });

  it("are each awaited once, whether returned, awaited or dropped", async () => {
    const { ssc, clock } = context();
    const counts: number[] = [];
    ssc.queueStream([[1, 2, 3]]).foreachRDD((rdd: Batch<number>) => {
      void rdd.count().then((n) => counts.push(n));
      return rdd.foreach((x) => void counts.push(x * 10));
    });
    ssc.start();
    await clock.advance(1000);
    expect(counts.sort((a, b) => a - b)).toEqual([3, 10, 20, 30]);
  });
});
