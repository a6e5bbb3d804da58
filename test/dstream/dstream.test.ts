// The rules every stream keeps whatever its operator (src/dstream/dstream.ts, derived.ts,
// transformed.ts, graph.ts), as Spark's DStream, TransformedDStream, UnionDStream and DStreamGraph.
import { afterEach, describe, expect, it, vi } from "vitest";
import { type Batch, type DStream, ManualClock, MemoryCheckpointStore, Milliseconds, RivuletError, Seconds, StreamingContext, type TextFileSink } from "../../src/index.ts";
import { testKernels } from "../support/spark-suite.ts";

const contexts: StreamingContext[] = [];
afterEach(async () => {
  for (const ssc of contexts.splice(0)) await ssc.stop();
  vi.restoreAllMocks();
});

function newContext(options: { log?: (text: string) => void; fileSink?: TextFileSink; parallelism?: number; checkpoint?: boolean } = {}) {
  const clock = new ManualClock();
  const { checkpoint, ...rest } = options;
  const ssc = new StreamingContext({ batchInterval: Seconds(1), clock, parallelism: options.parallelism ?? 2, kernels: testKernels(), ...rest });
  if (checkpoint !== false) ssc.checkpoint(new MemoryCheckpointStore());
  contexts.push(ssc);
  return { ssc, clock };
}

describe("transform", () => {
  // Spark TransformedDStream.compute: "Transform function must not return null" (SparkException);
  // BasicOperationsSuite "transform with NULL". Taken for "no batch", the batch's records would be
  // dropped without a word.
  it("a transform returning undefined fails the batch, as Spark's returning null", async () => {
    vi.spyOn(console, "error").mockImplementation(() => undefined);
    const { ssc, clock } = newContext();
    const s = ssc.queueStream<number>([[1, 2]]);
    const seen: number[] = [];
    s.transform(() => undefined as unknown as Batch<number>).foreachRDD((_b, t) => void seen.push(t));
    const term = ssc.awaitTermination();
    term.catch(() => undefined);
    ssc.start();
    await clock.advance(1000);
    await expect(ssc.awaitTerminationOrTimeout(10)).rejects.toBeInstanceOf(Error);
  });

  // Spark UnionDStream.compute: a parent with no RDD -> SparkException "Could not generate RDD from a
  // parent for unifying"; BasicOperationsSuite "union with input stream return None".
  it("a union whose parent has no batch fails rather than dropping the other side's records", async () => {
    vi.spyOn(console, "error").mockImplementation(() => undefined);
    const { ssc, clock } = newContext();
    const s = ssc.queueStream<number>([[1, 2]]);
    const out: number[][] = [];
    s.union(s.transform(() => undefined as unknown as Batch<number>)).foreachRDD(async (b) => void out.push(await b.collect()));
    ssc.start();
    await clock.advance(1000);
    await expect(ssc.awaitTerminationOrTimeout(10)).rejects.toBeInstanceOf(Error);
    expect(out).toEqual([]);
  });

  // Unchecked, a wrong value would surface later as a bare TypeError in whatever output reads it.
  it("a transform returning something other than a Batch fails with a RivuletError", async () => {
    vi.spyOn(console, "error").mockImplementation(() => undefined);
    const { ssc, clock } = newContext({ log: () => undefined });
    ssc.queueStream<number>([[1, 2]]).transform(() => [1, 2] as unknown as Batch<number>).print();
    ssc.start();
    await clock.advance(1000);
    await expect(ssc.awaitTerminationOrTimeout(10)).rejects.toBeInstanceOf(RivuletError);
  });
});

describe("streams of different contexts", () => {
  // Spark UnionDStream / TransformedDStream: require(parents.map(_.ssc).distinct.size == 1,
  // "Some of the DStreams have different contexts"). Accepted, the started context would drive the
  // other context's inputs.
  type Pairs = DStream<[string, number]>;
  it.each([
    ["union", (_ssc: StreamingContext, a: Pairs, b: Pairs) => a.union(b)],
    ["transformWith", (_ssc: StreamingContext, a: Pairs, b: Pairs) => a.transformWith(b, (x) => x)],
    ["join", (_ssc: StreamingContext, a: Pairs, b: Pairs) => a.join(b)],
    ["ssc.union", (ssc: StreamingContext, a: Pairs, b: Pairs) => ssc.union(a, b)],
  ] as const)("%s refuses a stream of another context", (_name, combine) => {
    const { ssc: a } = newContext();
    const { ssc: b } = newContext();
    const sa = a.queueStream<[string, number]>([[["k", 1]]]);
    const sb = b.queueStream<[string, number]>([[["k", 2]]]);
    expect(() => combine(a, sa, sb)).toThrow(/different StreamingContexts/);
  });
});

describe("checkpoint(interval), cache() and remember()", () => {
  // Spark DStream.checkpoint: "Cannot change checkpoint interval of an DStream after streaming context has started".
  it("refuses to change the interval once the context has started", async () => {
    const { ssc } = newContext();
    const s = ssc.queueStream<number>([[1]]);
    s.foreachRDD(() => undefined);
    ssc.start();
    expect(() => s.checkpoint(Seconds(2))).toThrow(RivuletError);
  });

  // Spark DStream.persist: "Cannot change storage level of an DStream after streaming context has started".
  it("cache() refuses once the context has started", async () => {
    const { ssc } = newContext();
    const s = ssc.queueStream<number>([[1]]);
    s.foreachRDD(() => undefined);
    ssc.start();
    expect(() => s.cache()).toThrow(RivuletError);
  });

  // Spark DStream.validateAtStart: require(checkpointDuration >= slideDuration, ...). An interval of
  // 0 would never come due: no checkpoint would ever be written.
  it("refuses a zero checkpoint interval", () => {
    const { ssc } = newContext();
    const state = ssc
      .queueStream<string>([["x"]])
      .map((w) => [w, 1] as const)
      .updateStateByKey<string, 1, number>((vs, s) => (s ?? 0) + vs.length);
    state.foreachRDD(() => undefined);
    expect(() => state.checkpoint(Milliseconds(0))).toThrow(/positive multiple/);
  });

  // Spark validateAtStart: "The checkpoint directory has not been set. Please set it by StreamingContext.checkpoint()."
  it("start() refuses a checkpointed stream without a checkpoint store", () => {
    const { ssc } = newContext({ checkpoint: false });
    const s = ssc.queueStream<number>([[1]]);
    s.checkpoint(Seconds(2)).foreachRDD(() => undefined);
    expect(() => ssc.start()).toThrow(RivuletError);
  });
});

describe("ssc.remember", () => {
  // Spark DStreamGraph.remember: require(rememberDuration == null, "Remember duration already set as ... Cannot set it again.")
  it("refuses to be set twice", () => {
    const { ssc } = newContext();
    ssc.remember(Seconds(5));
    expect(() => ssc.remember(Seconds(2))).toThrow(/already set/);
  });
});


describe("slideDuration and dependencies (Spark: DStream.slideDuration, dependencies)", () => {
  it("a stream slides as its input, a window by its slide; a stream depends on the streams it reads", () => {
    const { ssc } = newContext();
    const input = ssc.queueStream<number>([]);
    const doubled = input.map((x) => x * 2);
    const windowed = doubled.window(Seconds(4), Seconds(2));
    const both = ssc.union([doubled, input]);
    expect(input.slideDuration.milliseconds).toBe(1000);
    expect(doubled.slideDuration.milliseconds).toBe(1000);
    expect(windowed.slideDuration.milliseconds).toBe(2000);
    expect(doubled.dependencies).toEqual([input]);
    expect(windowed.dependencies).toEqual([doubled]);
    expect(both.dependencies).toEqual([doubled, input]);
    expect(input.dependencies).toEqual([]);
  });
});
