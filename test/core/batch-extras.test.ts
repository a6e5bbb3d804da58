// sortBy, partitioner-aware cogroup, the settle of a manual clock with a busy source, and the
// fused word count's fallback.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Batch } from "../../src/core/batch.ts";
import type { Executor, ShuffleStage } from "../../src/core/executor.ts";
import { LocalExecutor } from "../../src/engine/local-executor.ts";
import { ManualClock, MemoryCheckpointStore, Milliseconds, RivuletError, Seconds, StreamingContext, sum, words } from "../../src/index.ts";
import { sorted } from "../support/spark-suite.ts";

describe("Batch.sortBy", () => {
  it("orders by key, ascending or descending, stable, cut into contiguous key ranges", async () => {
    const ssc = new StreamingContext({ batchInterval: Seconds(1), clock: new ManualClock(), parallelism: 2 });
    const b = ssc.parallelize([["b", 2], ["a", 3], ["c", 2], ["d", 1]] as [string, number][], 3);
    expect(await b.sortBy(([, n]) => n).collect()).toEqual([["d", 1], ["b", 2], ["c", 2], ["a", 3]]);
    const desc = b.sortBy(([, n]) => n, false, 2);
    expect(desc.numPartitions).toBe(2);
    // Both records of sort key 2 in one partition, as Spark's RangePartitioner.
    expect(await desc.partitions()).toEqual([[["a", 3], ["b", 2], ["c", 2]], [["d", 1]]]);
    expect(await b.sortBy(([k]) => k).collect()).toEqual([["a", 3], ["b", 2], ["c", 2], ["d", 1]]);
    await ssc.stop();
  });

  it("keeps records with equal sort keys in one partition, as Spark's sortBy (keyBy, then sortByKey)", async () => {
    const b = Batch.fromRecords(["a1", "a2", "a3", "b1"], 2, new LocalExecutor(2));
    expect(await b.sortBy((s) => s[0]!, true, 2).partitions()).toEqual([["a1", "a2", "a3"], ["b1"]]);
    expect(await b.sortBy((s) => s[0]!, false, 2).partitions()).toEqual([["b1"], ["a1", "a2", "a3"]]);
  });
});

describe("partitioner-aware cogroup", () => {
  it("joins a shuffled batch in place with the same result as hashing every record", async () => {
    const pairs = fc.array(fc.tuple(fc.constantFrom("a", "b", "c", "__proto__", "x"), fc.integer({ min: 0, max: 9 })), { maxLength: 30 });
    await fc.assert(
      fc.asyncProperty(pairs, pairs, fc.integer({ min: 1, max: 4 }), async (left, right, n) => {
        const ssc = new StreamingContext({ batchInterval: Seconds(1), clock: new ManualClock(), parallelism: 2 });
        const l = ssc.parallelize(left);
        const r = ssc.parallelize(right);
        const shuffled = l.reduceByKey((a, b) => a + b, n); // hash-partitioned into n
        expect(shuffled.hashPartitioned).toBe(true);
        const inPlace = await shuffled.cogroup(r.reduceByKey((a, b) => a + b, n), n).collect();
        const hashed = await shuffled.map((x) => x).cogroup(r.reduceByKey((a, b) => a + b, n).map((x) => x), n).collect();
        expect(sorted(inPlace)).toEqual(sorted(hashed));
        await ssc.stop();
      }),
      { numRuns: 60 },
    );
  });
});

describe("checkpoint intervals", () => {
  it("must be multiples of the stream's slide", () => {
    const ssc = new StreamingContext({ batchInterval: Seconds(1), clock: new ManualClock() });
    const s = ssc.queueStream<number>([]);
    expect(() => s.checkpoint(Milliseconds(1500))).toThrow(RivuletError);
    expect(() => s.checkpoint(Seconds(2))).not.toThrow();
  });
});

describe("a manual clock and a source with much already queued", () => {
  it("puts every chunk handed over before advance() into that batch, however many", async () => {
    const clock = new ManualClock();
    const ssc = new StreamingContext({ batchInterval: Seconds(1), clock, parallelism: 2 });
    ssc.checkpoint(new MemoryCheckpointStore());
    const chunks = Array.from({ length: 1000 }, (_, i) => i);
    const stream = new ReadableStream<number>({
      start(c) {
        for (const x of chunks) c.enqueue(x);
      },
    });
    const counts: number[] = [];
    ssc.readableStream(stream).count().foreachRDD(async (b) => void counts.push(...(await b.collect())));
    ssc.start();
    await clock.advance(1000);
    await ssc.stop();
    expect(counts).toEqual([1000]);
  });
});

describe("slice into forgotten history", () => {
  it("never takes records meant for the next batch", async () => {
    const clock = new ManualClock();
    const ssc = new StreamingContext({ batchInterval: Seconds(1), clock });
    const queue = [[1], [2], [3], [4]];
    const input = ssc.queueStream(queue);
    const seen: number[][] = [];
    input.foreachRDD(async (b) => void seen.push(await b.collect()));
    ssc.start();
    await clock.advance(2000);
    expect(input.slice(0, 1000).length).toBeLessThanOrEqual(1); // 1000 was forgotten: an empty batch at most
    await clock.advance(2000);
    await ssc.stop();
    expect(seen).toEqual([[1], [2], [3], [4]]);
  });
});

describe("the fused word count's fallback", () => {
  it("runs the summed pairs as the stream's shuffle stage when the kernel cannot count a batch", async () => {
    const local = new LocalExecutor(2);
    const stages: ShuffleStage[] = [];
    const executor: Executor = {
      parallelism: 2,
      combineByKey: (input, aggregator, partitioner, mapSideCombine) => local.combineByKey(input, aggregator, partitioner, mapSideCombine),
      cogroup: (inputs, partitioner, inPlace) => local.cogroup(inputs, partitioner, inPlace),
      countWords: async () => undefined, // no kernel here
      runStage: async (stage) => void stages.push(stage),
    };
    const text = Batch.fromPartitions([["a b a"], ["b c"]], executor);
    text.utf8Lines = new TextEncoder().encode("a b a\nb c\n");
    text.origin = { stream: 0, time: 1000 };
    const out = text
      .flatMap(words)
      .map((w) => [w, 1] as const)
      .reduceByKey(sum);
    out.origin = { stream: 3, time: 1000 };
    expect(sorted(await out.collect())).toEqual([["a", 2], ["b", 2], ["c", 1]]);
    expect(stages.map((s) => [s.output, s.input.stream, s.reducerTag])).toEqual([[{ stream: 3, time: 1000 }, 0, "sum"]]);
  });
});
