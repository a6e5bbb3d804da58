// The fused word count: textStream(...).flatMap(words).countByValue(), and
// flatMap(words).map(w => [w, 1]).reduceByKey(sum), count from the bytes in a WASM kernel, and
// give exactly the batches of the JS path.
import fc from "fast-check";
import { describe, expect, it, vi } from "vitest";
import { type DStream, ManualClock, RivuletError, Seconds, StreamingContext, sum, words } from "../../src/index.ts";
import { sorted } from "../support/spark-suite.ts";

type Counts = [string, number][];

/** A word count of the tokens of each batch. */
type Counting = (tokens: DStream<string>) => DStream<[string, number]>;

const byCountByValue: Counting = (tokens) => tokens.countByValue();
const byReduceByKey: Counting = (tokens) => tokens.map((w) => [w, 1] as const).reduceByKey(sum);

interface Run {
  readonly batches: Counts[];
  readonly errors: unknown[];
  /** How many batches the engine's word-count kernel was asked to count. */
  readonly kernelCalls: number;
}

async function countWords(chunks: Uint8Array[][], kernels: "auto" | "js", maxKernelMemoryBytes?: number, counting: Counting = byCountByValue): Promise<Run> {
  const clock = new ManualClock();
  const ssc = new StreamingContext({ batchInterval: Seconds(1), clock, parallelism: 2, kernels, maxKernelMemoryBytes });
  const kernel = vi.spyOn(ssc.engine, "countWords");
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  const batches: Counts[] = [];
  const errors: unknown[] = [];
  counting(ssc.textStream(new ReadableStream<Uint8Array>({ start: (c) => void (controller = c) })).flatMap(words)).foreachRDD(async (b) => {
    try {
      batches.push(sorted(await b.collect()));
    } catch (e) {
      errors.push(e);
      throw e;
    }
  });
  ssc.start();
  for (const group of chunks) {
    for (const c of group) controller.enqueue(c);
    await clock.advance(1000);
  }
  controller.close();
  await clock.advance(1000);
  await ssc.stop();
  return { batches, errors, kernelCalls: kernel.mock.calls.length };
}

const enc = (s: string) => new TextEncoder().encode(s);

describe("fused word count", () => {
  it("counts words per batch from bytes, lines cut across chunks and batches", async () => {
    const chunks = [[enc("the cat\tsat\r\non the"), enc(" mat\n größe  ")], [enc("größe\u3000🦀 x\n")], [enc("last")]];
    const fused = await countWords(chunks, "auto");
    const js = await countWords(chunks, "js");
    expect(fused.kernelCalls).toBe(4);
    expect(fused.batches).toEqual(js.batches);
    expect(fused.batches).toEqual([
      [["cat", 1], ["mat", 1], ["on", 1], ["sat", 1], ["the", 2]],
      [["größe", 2], ["x", 1], ["🦀", 1]], // " größe  " waited for its newline
      [], // "last" has none until the stream ends
      [["last", 1]],
    ]);
  });

  it("equals the JS path on random text, chunking and batching (valid and invalid UTF-8)", async () => {
    const token = fc.oneof(fc.constantFrom("a", "b", "ab", "größe", "🦀", "ü", "__proto__"), fc.string({ maxLength: 4 }));
    const space = fc.constantFrom(" ", "\t", "\u00a0", "\u3000", "  ", "\r");
    const line = fc.array(fc.tuple(token, space), { maxLength: 6 }).map((ts) => ts.map(([t, s]) => t + s).join(""));
    const text = fc.array(line, { maxLength: 12 }).map((ls) => ls.join("\n") + "\n");
    const bytes = fc.oneof(
      text.map(enc),
      fc.tuple(text.map(enc), fc.uint8Array({ maxLength: 6 })).map(([t, junk]) => new Uint8Array([...t.slice(0, t.length - 1), ...junk, 10])),
    );
    await fc.assert(
      fc.asyncProperty(bytes, fc.array(fc.nat(), { maxLength: 6 }), fc.array(fc.nat(), { maxLength: 3 }), async (all, cuts, batchCuts) => {
        const points = [...new Set(cuts.map((c) => c % (all.length + 1)))].sort((a, b) => a - b);
        const pieces: Uint8Array[] = [];
        let at = 0;
        for (const p of [...points, all.length]) {
          pieces.push(all.slice(at, p));
          at = p;
        }
        const bp = [...new Set(batchCuts.map((c) => c % (pieces.length + 1)))].sort((a, b) => a - b);
        const groups: Uint8Array[][] = [];
        at = 0;
        for (const p of [...bp, pieces.length]) {
          groups.push(pieces.slice(at, p));
          at = p;
        }
        const fused = await countWords(groups, "auto");
        const js = await countWords(groups, "js");
        expect(fused.batches).toEqual(js.batches);
        expect((await countWords(groups, "auto", undefined, byReduceByKey)).batches).toEqual(js.batches);
      }),
      { numRuns: 60 },
    );
  });

  it("fuses flatMap(words).map(w => [w, 1]).reduceByKey(sum) too, with the same batches", async () => {
    const chunks = [[enc("the cat\tsat\r\non the"), enc(" mat\n größe  ")], [enc("größe\u3000🦀 x __proto__\n")], [enc("last")]];
    const js = await countWords(chunks, "js", undefined, byCountByValue);
    for (const counting of [
      byReduceByKey,
      (tokens: DStream<string>) => tokens.map((word) => [word, 1] as [string, number]).reduceByKey(sum),
      (tokens: DStream<string>) => tokens.map((w) => [w, 1] as const).reduceByKey(sum, 3),
    ]) {
      const fused = await countWords(chunks, "auto", undefined, counting);
      expect(fused.kernelCalls).toBe(4);
      expect(fused.batches).toEqual(js.batches);
    }
    expect((await countWords(chunks, "js", undefined, byReduceByKey)).batches).toEqual(js.batches);
  });

  it("leaves other pairings and reducers to the JS path", async () => {
    const chunks = [[enc("a b a\n")]];
    const runs: [Counting, Counts][] = [
      [(tokens) => tokens.map((w) => [w, 2] as const).reduceByKey(sum), [["a", 4], ["b", 2]]],
      [(tokens) => tokens.map((w) => [w.toUpperCase(), 1] as const).reduceByKey(sum), [["A", 2], ["B", 1]]],
      [(tokens) => tokens.map((w) => [w, 1] as const).reduceByKey((a, b) => a + b), [["a", 2], ["b", 1]]],
      [(tokens) => tokens.map((w) => [w, 1] as const).reduceByKey(Math.max), [["a", 1], ["b", 1]]],
      [(tokens) => tokens.filter((w) => w !== "b").map((w) => [w, 1] as const).reduceByKey(sum), [["a", 2]]],
    ];
    for (const [counting, expected] of runs) {
      const run = await countWords(chunks, "auto", undefined, counting);
      expect(run.kernelCalls).toBe(0);
      expect(run.batches[0]).toEqual(expected);
    }
  });

  it("fails a batch that exceeds the kernels' memory limit with MEMORY_LIMIT, and the context goes on", async () => {
    const big = enc(Array.from({ length: 40_000 }, (_, i) => `w${i}`).join(" ") + "\n");
    const { batches, errors } = await countWords([[big], [enc("a b a\n")]], "auto", 1 << 20);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toBeInstanceOf(RivuletError);
    expect((errors[0] as RivuletError).code).toBe("MEMORY_LIMIT");
    expect(String((errors[0] as Error).message)).toMatch(/1048576|1 MiB|limit/);
    expect(batches).toEqual([[["a", 2], ["b", 1]], []]);
  });
});
