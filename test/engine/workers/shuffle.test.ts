// The two-phase shuffle on real Node worker threads equals the in-thread kernels, exactly:
// fast-check properties over random text (valid and invalid UTF-8) and random columnar batches.
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { encodeNumbers, encodeStrings } from "../../../src/engine/kernels/columnar.ts";
import { loadKernels } from "../../../src/engine/kernels/load.ts";
import type { Aggregate, KernelOp, Kernels, KeyColumn, PartitionedAggregate } from "../../../src/engine/kernels/types.ts";
import type { WorkerPool } from "../../../src/engine/workers/pool.ts";
import {
  lineCuts,
  parallelCountByKey,
  parallelReduceByKey,
  parallelWordCount,
  toShared,
  type ShuffleMetrics,
  type Transport,
} from "../../../src/engine/workers/shuffle.ts";
import { expectSameKeys, expectSamePartitioned, wasmKernels } from "../kernels/support.ts";
import type { Endpoint } from "comlink";
import { nodeSpawner } from "../../../src/engine/workers/node/spawn.ts";
import type { WorkerHandle } from "../../../src/engine/workers/spawn.ts";
import { nodePool, removeWorkerBundle, workerUrl } from "./support.ts";

let kernels: Kernels;
const pools: WorkerPool[] = [];

beforeAll(async () => {
  kernels = await wasmKernels();
  expect((await loadKernels()).kind).toBe("wasm");
  for (const size of [1, 2, 3]) pools.push((await nodePool({ size })).pool);
});

afterAll(async () => {
  await Promise.all(pools.map((p) => p.close()));
  removeWorkerBundle();
});

const encoder = new TextEncoder();
const poolIndex = fc.integer({ min: 0, max: 2 });
const partitions = fc.integer({ min: 1, max: 6 });
const transport = fc.constantFrom<Transport>("transfer", "shared");

const tokenChar = fc.constantFrom("a", "b", "c", "Z", "é", "日", "😀", "\u0301", "\u200b");
const space = fc.constantFrom(" ", "\t", "\u00a0", "\u3000", "\r", "\u2028");
const token = fc.array(tokenChar, { minLength: 1, maxLength: 4 }).map((cs) => cs.join(""));
const line = fc.array(fc.tuple(token, space), { maxLength: 10 }).map((ps) => ps.map(([t, s]) => t + s).join(""));
const validText = fc
  .tuple(fc.array(line, { maxLength: 40 }), fc.constantFrom("\n", "\r\n"), fc.boolean())
  .map(([lines, eol, trailing]) => encoder.encode(lines.join(eol) + (trailing ? eol : "")));
/** Arbitrary bytes, newlines and UTF-8 lead bytes frequent (a lead byte right before "\n"). */
const anyBytes = fc
  .array(fc.oneof(fc.integer({ min: 0, max: 255 }), fc.constantFrom(0x0a, 0x0a, 0x20, 0xe2, 0xf0, 0xc3, 0x80)), { maxLength: 400 })
  .map((bs) => Uint8Array.from(bs));

function expectCloseAggregates(actual: readonly Aggregate[], expected: PartitionedAggregate): void {
  expect(actual.length).toBe(expected.length);
  actual.forEach((a, p) => {
    const e = expected[p]!;
    expectSameKeys(a.keys, e.keys);
    expect(Array.from(a.hashes)).toEqual(Array.from(e.hashes));
    a.values.forEach((v, i) => expect(v).toBeCloseTo(e.values[i]!, 6));
  });
}

describe("parallelWordCount", () => {
  it("cuts text into slices that end at line ends and cover it", () => {
    fc.assert(
      fc.property(anyBytes, fc.integer({ min: 1, max: 8 }), (bytes, n) => {
        const cuts = lineCuts(bytes, n);
        expect(cuts.length).toBeGreaterThanOrEqual(1);
        expect(cuts.length).toBeLessThanOrEqual(n);
        expect(cuts[0]![0]).toBe(0);
        expect(cuts.at(-1)![1]).toBe(bytes.length);
        cuts.forEach(([from, to], i) => {
          if (i > 0) expect(from).toBe(cuts[i - 1]![1]);
          if (i < cuts.length - 1) expect(bytes[to - 1]).toBe(0x0a);
          if (bytes.length > 0) expect(to).toBeGreaterThan(from);
        });
      }),
    );
  });

  it("equals the in-thread kernel exactly (valid UTF-8)", async () => {
    await fc.assert(
      fc.asyncProperty(validText, poolIndex, partitions, transport, async (bytes, pi, n, t) => {
        const actual = await parallelWordCount(pools[pi]!, bytes, n, { minSliceSize: 0, transport: t });
        expectSamePartitioned(actual, kernels.wordCount(bytes, n));
      }),
      { numRuns: 150 },
    );
  });

  it("equals the in-thread kernel exactly when small partials are merged on this thread", async () => {
    let merged = 0;
    const mergeHere = (parts: readonly Aggregate[], op: KernelOp): Aggregate => (merged++, kernels.merge(parts, op));
    await fc.assert(
      fc.asyncProperty(validText, poolIndex, partitions, transport, async (bytes, pi, n, t) => {
        const actual = await parallelWordCount(pools[pi]!, bytes, n, { minSliceSize: 0, transport: t, mergeHere });
        expectSamePartitioned(actual, kernels.wordCount(bytes, n));
      }),
      { numRuns: 100 },
    );
    // And the merges did happen here: a word in every slice of a big text.
    const before = merged;
    const text = encoder.encode("common words here\n".repeat(20_000));
    expectSamePartitioned(await parallelWordCount(pools[2]!, text, 3, { minSliceSize: 0, mergeHere }), kernels.wordCount(text, 3));
    expect(merged).toBeGreaterThan(before);
  });

  it("takes whole segments by transfer (no copy), retries a lost one from the text, and equals the in-thread kernel", async () => {
    const text = fc.tuple(validText, fc.array(fc.nat(), { maxLength: 8 }), fc.nat(7), fc.boolean());
    await fc.assert(
      fc.asyncProperty(text, poolIndex, partitions, async ([bytes, cutsAt, skew, failFirst], pi, n) => {
        // Segments at line ends, each in a buffer of its own at some offset, as a text source keeps them.
        const ends = [...new Set(cutsAt.map((c) => bytes.indexOf(0x0a, c % (bytes.length + 1)) + 1).filter((e) => e > 0 && e < bytes.length))].sort((a, b) => a - b);
        const bounds = [0, ...ends, bytes.length];
        const segments = bounds.slice(1).map((end, i) => {
          const buffer = new Uint8Array(end - bounds[i]! + skew);
          buffer.set(bytes.subarray(bounds[i]!, end), skew);
          return buffer.subarray(skew);
        });
        if (bytes.length === 0) return;
        const pool = pools[pi]!;
        let attempts = 0;
        let copiedBytes = -1;
        const poolWithFaults = failFirst ? (await nodePool({ size: pool.size, onTask: (a) => (attempts++, a.attempt === 1 && a.name.startsWith("wordCount") ? { at: "start", kind: "exit" } : undefined) })).pool : pool;
        try {
          const actual = await parallelWordCount(poolWithFaults, bytes, n, { minSliceSize: 0, transport: "transfer", segments, onMetrics: (m) => void (copiedBytes = m.copiedBytes) });
          expectSamePartitioned(actual, kernels.wordCount(bytes, n));
        } finally {
          if (poolWithFaults !== pool) await poolWithFaults.close();
        }
        // Every segment was handed over (detached here), whether its task then failed or not.
        expect(segments.every((s) => s.byteLength === 0)).toBe(true);
        // Nothing copied, except what a retry took from the text.
        if (failFirst) expect(attempts).toBeGreaterThan(1);
        else expect(copiedBytes).toBe(0);
      }),
      { numRuns: 40 },
    );
  });

  it("equals the in-thread kernel exactly when the text is already in shared memory", async () => {
    await fc.assert(
      fc.asyncProperty(validText, poolIndex, partitions, async (bytes, pi, n) => {
        const actual = await parallelWordCount(pools[pi]!, toShared(bytes), n, { minSliceSize: 0, transport: "shared" });
        expectSamePartitioned(actual, kernels.wordCount(bytes, n));
      }),
      { numRuns: 50 },
    );
  });

  it("concurrent shuffles on one pool do not mix their (recycled) buffers", async () => {
    const texts = Array.from({ length: 6 }, (_, i) => encoder.encode(`w${i} x${i} y\n`.repeat(30_000 + i * 1000)));
    for (const t of ["transfer", "shared"] as const) {
      for (let round = 0; round < 2; round++) {
        const results = await Promise.all(texts.map((text) => parallelWordCount(pools[1]!, text, 3, { transport: t })));
        results.forEach((r, i) => expectSamePartitioned(r, kernels.wordCount(texts[i]!, 3)));
      }
    }
    expect(pools[1]!.sharedBuffers.bytes).toBeGreaterThan(0);
  });

  it("equals the in-thread kernel exactly (arbitrary bytes)", async () => {
    await fc.assert(
      fc.asyncProperty(anyBytes, poolIndex, partitions, async (bytes, pi, n) => {
        const actual = await parallelWordCount(pools[pi]!, bytes, n, { minSliceSize: 0 });
        expectSamePartitioned(actual, kernels.wordCount(bytes, n));
      }),
      { numRuns: 150 },
    );
  });

  it("leaves the caller's buffer attached and unchanged (transfer moves copies)", async () => {
    const bytes = encoder.encode("x y\nz\n".repeat(100));
    const before = bytes.slice();
    await parallelWordCount(pools[2]!, bytes, 2, { minSliceSize: 0 });
    expect(bytes.byteLength).toBe(before.byteLength);
    expect(Buffer.from(bytes).equals(Buffer.from(before))).toBe(true);
  });

  it("moves slices by transfer (in the transfer list of the request), and recycles the buffers", async () => {
    const requests: { method: string; transferred: number }[] = [];
    const base = nodeSpawner({ url: await workerUrl() });
    const spawn = (): WorkerHandle => {
      const handle = base();
      const post = handle.endpoint.postMessage.bind(handle.endpoint);
      const endpoint = Object.assign(Object.create(handle.endpoint) as Endpoint, {
        postMessage(message: { path?: string[] }, transfer: Transferable[] = []) {
          const method = message.path?.[0] ?? "";
          requests.push({ method, transferred: transfer.reduce<number>((n, b) => n + (b as ArrayBuffer).byteLength, 0) });
          post(message, transfer);
        },
      });
      return { ...handle, endpoint };
    };
    const { pool } = await nodePool({ size: 2, spawn });
    const bytes = encoder.encode("some words on a line\n".repeat(20_000));
    for (let round = 0; round < 3; round++) {
      expectSamePartitioned(await parallelWordCount(pool, bytes, 2), kernels.wordCount(bytes, 2));
    }
    const maps = requests.filter((r) => r.method === "wordCount");
    expect(maps).toHaveLength(6);
    // Each request carries its slice (about half the text) in its transfer list, nothing cloned.
    for (const r of maps) expect(r.transferred).toBeGreaterThanOrEqual(bytes.length / 2 - 100);
    // The workers handed the slices' buffers back; later rounds copied into them.
    expect(pool.buffers.bytes).toBeGreaterThanOrEqual(bytes.length - 100);
    expect(pool.buffers.bytes).toBeLessThanOrEqual(2 * bytes.length);
    await pool.close();
  });

  it("uses one slice per worker, fewer for small inputs; reports its metrics", async () => {
    const bytes = encoder.encode("a b c d\n".repeat(50_000));
    const seen: ShuffleMetrics[] = [];
    await parallelWordCount(pools[2]!, bytes, 3, { onMetrics: (m) => seen.push(m) });
    await parallelWordCount(pools[2]!, encoder.encode("a b\n"), 3, { onMetrics: (m) => seen.push(m) });
    expect(seen.map((m) => m.slices)).toEqual([3, 1]);
    const m = seen[0]!;
    expect(m.map).toHaveLength(3);
    expect(m.retries).toBe(0);
    expect(m.movementMs).toBeGreaterThanOrEqual(0);
    expect(m.computeMs).toBeGreaterThan(0);
    expect(m.wallMs).toBeGreaterThanOrEqual(m.computeMs);
  });

  it("rejects a bad number of partitions", async () => {
    await expect(parallelWordCount(pools[0]!, encoder.encode("a\n"), 0)).rejects.toMatchObject({ code: "INVALID_ARGUMENT" });
  });
});

const stringKeys = fc.array(fc.constantFrom("a", "b", "c", "dd", "é", "日本", "", "__proto__", "k1", "k2"), { maxLength: 300 });
const numberKey = fc.oneof(fc.integer({ min: -5, max: 5 }), fc.constantFrom(-0, NaN, 0.5, 1e300, -Infinity));
const intValue = fc.integer({ min: -1_000_000, max: 1_000_000 });
const anyValue = fc.oneof(fc.double(), fc.constantFrom(-0, 0, NaN, Infinity, -Infinity));

const stringBatch = (value: fc.Arbitrary<number>) =>
  stringKeys.chain((ks) => fc.tuple(fc.constant<KeyColumn>(encodeStrings(ks)), fc.array(value, { minLength: ks.length, maxLength: ks.length })));
const numberBatch = (value: fc.Arbitrary<number>) =>
  fc.array(numberKey, { maxLength: 300 }).chain((ks) => fc.tuple(fc.constant<KeyColumn>(encodeNumbers(ks)), fc.array(value, { minLength: ks.length, maxLength: ks.length })));
const batch = (value: fc.Arbitrary<number>) => fc.oneof(stringBatch(value), numberBatch(value));

describe("parallelReduceByKey / parallelCountByKey", () => {
  it("sum of integers: exactly the in-thread kernel", async () => {
    await fc.assert(
      fc.asyncProperty(batch(intValue), poolIndex, partitions, transport, async ([keys, values], pi, n, t) => {
        const vs = Float64Array.from(values);
        const actual = await parallelReduceByKey(pools[pi]!, keys, vs, "sum", n, { minSliceSize: 0, transport: t });
        expectSamePartitioned(actual, kernels.reduceByKey(keys, vs, "sum", n));
      }),
      { numRuns: 150 },
    );
  });

  it("min and max of any doubles (NaN, -0): exactly the in-thread kernel", async () => {
    await fc.assert(
      fc.asyncProperty(batch(anyValue), fc.constantFrom("min" as const, "max" as const), poolIndex, partitions, transport, async ([keys, values], op, pi, n, t) => {
        const vs = Float64Array.from(values);
        const actual = await parallelReduceByKey(pools[pi]!, keys, vs, op, n, { minSliceSize: 0, transport: t });
        expectSamePartitioned(actual, kernels.reduceByKey(keys, vs, op, n));
      }),
      { numRuns: 150 },
    );
  });

  it("sum of any finite doubles: same keys, order and hashes; values equal up to rounding", async () => {
    const finite = fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e6, max: 1e6 });
    await fc.assert(
      fc.asyncProperty(batch(finite), poolIndex, partitions, async ([keys, values], pi, n) => {
        const vs = Float64Array.from(values);
        const actual = await parallelReduceByKey(pools[pi]!, keys, vs, "sum", n, { minSliceSize: 0 });
        expectCloseAggregates(actual, kernels.reduceByKey(keys, vs, "sum", n));
      }),
      { numRuns: 100 },
    );
  });

  it("count: exactly the in-thread kernel", async () => {
    await fc.assert(
      fc.asyncProperty(batch(intValue), poolIndex, partitions, transport, async ([keys], pi, n, t) => {
        const actual = await parallelCountByKey(pools[pi]!, keys, n, { minSliceSize: 0, transport: t });
        expectSamePartitioned(actual, kernels.countByKey(keys, n));
      }),
      { numRuns: 100 },
    );
  });

  it("rejects mismatched values and unknown reducers", () => {
    const keys = encodeStrings(["a", "b"]);
    expect(() => parallelReduceByKey(pools[0]!, keys, new Float64Array(1), "sum", 2)).toThrow(/2 keys but 1 values/);
    expect(() => parallelReduceByKey(pools[0]!, keys, new Float64Array(2), "avg" as "sum", 2)).toThrow(/unknown reducer/);
  });
});
