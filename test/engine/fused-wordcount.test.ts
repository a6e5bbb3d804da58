// The fused word count: textStream(...).flatMap(words).countByValue() counts from the bytes in a
// WASM kernel, and gives exactly the batches of the JS path.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ManualClock, RivuletError, Seconds, StreamingContext, words } from "../../src/index.ts";
import { sorted } from "../support/spark-suite.ts";

type Counts = [string, number][];

async function countWords(chunks: Uint8Array[][], kernels: "auto" | "js", maxKernelMemoryBytes?: number): Promise<{ batches: Counts[]; errors: unknown[] }> {
  const clock = new ManualClock();
  const ssc = new StreamingContext({ batchInterval: Seconds(1), clock, parallelism: 2, kernels, maxKernelMemoryBytes });
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  const batches: Counts[] = [];
  const errors: unknown[] = [];
  ssc
    .textStream(new ReadableStream<Uint8Array>({ start: (c) => void (controller = c) }))
    .flatMap(words)
    .countByValue()
    .foreachRDD(async (b) => {
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
  return { batches, errors };
}

const enc = (s: string) => new TextEncoder().encode(s);

describe("fused word count", () => {
  it("counts words per batch from bytes, lines cut across chunks and batches", async () => {
    const chunks = [[enc("the cat\tsat\r\non the"), enc(" mat\n größe  ")], [enc("größe\u3000🦀 x\n")], [enc("last")]];
    const fused = await countWords(chunks, "auto");
    const js = await countWords(chunks, "js");
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
      }),
      { numRuns: 60 },
    );
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
