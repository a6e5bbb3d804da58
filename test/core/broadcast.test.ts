// Broadcast (src/core/broadcast.ts), Spark's Broadcast[T]: ids in creation order, the value read
// by the job's functions, unpersist harmless, destroy final.
import { afterEach, describe, expect, it, vi } from "vitest";
import { Broadcast, ManualClock, Seconds, StreamingContext } from "../../src/index.ts";

const contexts: StreamingContext[] = [];
afterEach(async () => {
  for (const ssc of contexts.splice(0)) await ssc.stop();
  vi.restoreAllMocks();
});

function context(): { ssc: StreamingContext; clock: ManualClock } {
  const clock = new ManualClock();
  const ssc = new StreamingContext({ batchInterval: Seconds(1), clock, parallelism: 2 });
  contexts.push(ssc);
  return { ssc, clock };
}

describe("ssc.broadcast", () => {
  it("numbers broadcasts in creation order and names them as Spark does", () => {
    const { ssc } = context();
    const a = ssc.broadcast(["x"]);
    const b = ssc.broadcast(new Map([["k", 1]]));
    expect(a).toBeInstanceOf(Broadcast);
    expect([a.id, b.id]).toEqual([0, 1]);
    expect(String(b)).toBe("Broadcast(1)");
    expect(b.value.get("k")).toBe(1);
  });

  it("gives its value to the functions of every batch; unpersist changes nothing", async () => {
    const { ssc, clock } = context();
    const excluded = ssc.broadcast(new Set(["a", "the"]));
    const out: string[][] = [];
    ssc
      .queueStream([["the", "cat", "a"], ["dog"]])
      .filter((w) => !excluded.value.has(w))
      .foreachRDD(async (b) => void out.push(await b.collect()));
    ssc.start();
    await clock.advance(1000);
    excluded.unpersist();
    await clock.advance(1000);
    expect(out).toEqual([["cat"], ["dog"]]);
  });

  it("refuses its value once destroyed, with Spark's message, and fails the batches that read it", async () => {
    vi.spyOn(console, "error").mockImplementation(() => undefined);
    const { ssc, clock } = context();
    const list = ssc.broadcast(["a"]);
    const errors: unknown[] = [];
    ssc.addStreamingListener({ onOutputOperationCompleted: ({ outputOperationInfo }) => void errors.push(outputOperationInfo.failureReason) });
    ssc
      .queueStream([["a", "b"], ["a"]])
      .filter((w) => !list.value.includes(w))
      .foreachRDD(async (b) => void (await b.count()));
    ssc.start();
    await clock.advance(1000);
    list.destroy();
    list.destroy(); // twice is harmless
    expect(() => list.value).toThrow(expect.objectContaining({ code: "ILLEGAL_STATE", message: "Attempted to use Broadcast(0) after it was destroyed" }));
    await clock.advance(1000);
    expect(errors[0]).toBeUndefined();
    expect(String(errors[1])).toMatch(/Attempted to use Broadcast\(0\) after it was destroyed/);
    await expect(ssc.awaitTermination()).rejects.toThrow(/Broadcast\(0\)/);
  });
});
