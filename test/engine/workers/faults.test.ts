// Worker failures on real Node worker threads: a worker terminated or crashing at a random point
// of a random task is replaced and the task retried, and the result is exactly as if nothing
// failed; a task failing on every attempt fails the call after 4 attempts with the worker's error.
// Failures are injected from the pool's `onTask` hook (no sleeps: termination is triggered by the
// hook, at once or after a few turns of the event loop).
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { encodeStrings } from "../../../src/engine/kernels/columnar.ts";
import type { Kernels } from "../../../src/engine/kernels/types.ts";
import { nodeSpawner } from "../../../src/engine/workers/node/spawn.ts";
import { RivuletError } from "../../../src/core/errors.ts";
import { TaskFailedError, type TaskAttempt } from "../../../src/engine/workers/pool.ts";
import type { InjectedFault } from "../../../src/engine/workers/protocol.ts";
import { parallelReduceByKey, parallelWordCount, type ShuffleMetrics } from "../../../src/engine/workers/shuffle.ts";
import { expectSamePartitioned, wasmKernels } from "../kernels/support.ts";
import { nodePool, removeWorkerBundle } from "./support.ts";

let kernels: Kernels;
beforeAll(async () => {
  kernels = await wasmKernels();
});
afterAll(removeWorkerBundle);

const encoder = new TextEncoder();
const words = ["alpha", "beta", "gamma", "délta", "日本", "x"];
const text = fc
  .array(fc.array(fc.constantFrom(...words), { maxLength: 8 }), { minLength: 1, maxLength: 200 })
  .map((lines) => encoder.encode(lines.map((l) => l.join(" ")).join("\n") + "\n"));

/** How a worker is made to fail. */
type Kill =
  | { readonly how: "terminate"; readonly turns: number }
  | { readonly how: "fault"; readonly fault: InjectedFault };

const kill: fc.Arbitrary<Kill> = fc.oneof(
  fc.record({ how: fc.constant("terminate" as const), turns: fc.integer({ min: 0, max: 6 }) }),
  fc.record({
    how: fc.constant("fault" as const),
    fault: fc.record({ at: fc.constantFrom("start" as const, "end" as const), kind: fc.constantFrom("throw" as const, "exit" as const) }),
  }),
);

const turns = async (n: number): Promise<void> => {
  for (let i = 0; i < n; i++) await new Promise<void>((resolve) => setImmediate(resolve));
};

/** A hook failing the attempts whose sequence numbers are in `kills`. */
function injector(kills: ReadonlyMap<number, Kill>, log: TaskAttempt[] = []): (attempt: TaskAttempt) => InjectedFault | void {
  return (attempt) => {
    log.push(attempt);
    const k = kills.get(attempt.seq);
    if (k === undefined) return undefined;
    if (k.how === "fault") return k.fault;
    if (k.turns === 0) void attempt.terminateWorker();
    else void turns(k.turns).then(() => attempt.terminateWorker());
    return undefined;
  };
}

describe("fault handling", () => {
  it("word count survives workers killed at random points of random tasks, with exact results", async () => {
    await fc.assert(
      fc.asyncProperty(
        text,
        fc.integer({ min: 1, max: 3 }),
        fc.integer({ min: 1, max: 4 }),
        // Up to 3 failures in all, so no task can fail 4 times.
        fc.uniqueArray(fc.tuple(fc.integer({ min: 0, max: 10 }), kill), { maxLength: 3, selector: ([seq]) => seq }),
        fc.constantFrom("transfer" as const, "shared" as const),
        async (bytes, size, n, kills, transport) => {
          const log: TaskAttempt[] = [];
          const { pool, threads } = await nodePool({ size, onTask: injector(new Map(kills), log) });
          try {
            let metrics: ShuffleMetrics | undefined;
            const actual = await parallelWordCount(pool, bytes, n, { minSliceSize: 0, transport, onMetrics: (m) => (metrics = m) });
            expectSamePartitioned(actual, kernels.wordCount(bytes, n));
            // Every injected failure that hit a dispatched attempt made it retry (a terminate
            // after some turns may come after the task is done: then nothing is retried).
            const hit = kills.filter(([seq, k]) => seq < log.length && k.how === "fault").length;
            expect(metrics!.retries).toBeGreaterThanOrEqual(hit);
            expect(log.length).toBe(metrics!.map.length + metrics!.merge.length + metrics!.retries);
          } finally {
            await pool.close();
          }
          expect(threads.exited).toBe(threads.started);
          expect(pool.liveWorkers).toBe(0);
        },
      ),
      { numRuns: 40 },
    );
  });

  it("reduceByKey survives killed workers in both phases (shared and transfer), exact", async () => {
    const keys = Array.from({ length: 5000 }, (_, i) => `k${(i * 7919) % 611}`);
    const column = encodeStrings(keys);
    const values = Float64Array.from(keys, (_, i) => (i % 13) - 6);
    const expected = kernels.reduceByKey(column, values, "sum", 4);
    for (const transport of ["transfer", "shared"] as const) {
      // Seq 0..2: the map tasks (then a retry), later ones: retries and merges (3 merge tasks).
      const kills = new Map<number, Kill>([
        [1, { how: "terminate", turns: 0 }],
        [3, { how: "fault", fault: { at: "end", kind: "exit" } }],
        [5, { how: "fault", fault: { at: "start", kind: "throw" } }],
      ]);
      const { pool, threads } = await nodePool({ size: 3, onTask: injector(kills) });
      let metrics: ShuffleMetrics | undefined;
      const actual = await parallelReduceByKey(pool, column, values, "sum", 4, { minSliceSize: 0, transport, onMetrics: (m) => (metrics = m) });
      expectSamePartitioned(actual, expected);
      expect(metrics!.retries).toBe(3);
      // Three workers died; replacements start lazily, only while tasks are left to run.
      expect(threads.started).toBeGreaterThanOrEqual(4);
      expect(threads.started).toBeLessThanOrEqual(3 + 3);
      await pool.close();
      expect(threads.exited).toBe(threads.started);
    }
  });

  it("after 4 failed attempts the call rejects with the worker's error", async () => {
    for (const k of [
      { how: "fault", fault: { at: "start", kind: "throw" } },
      { how: "fault", fault: { at: "end", kind: "exit" } },
      { how: "terminate", turns: 0 },
    ] satisfies Kill[]) {
      const log: TaskAttempt[] = [];
      const { pool, threads } = await nodePool({
        size: 2,
        // Every attempt of the second slice fails.
        onTask: (attempt) => {
          log.push(attempt);
          return attempt.name === "wordCount[2/2]" ? injector(new Map([[attempt.seq, k]]))(attempt) : undefined;
        },
      });
      const error = await parallelWordCount(pool, encoder.encode("a b\nc d\n"), 2, { minSliceSize: 0 }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TaskFailedError);
      const failed = error as TaskFailedError;
      expect(failed.attempts).toBe(4);
      expect(failed.task).toBe("wordCount[2/2]");
      expect(log.filter((a) => a.name === "wordCount[2/2]").map((a) => a.attempt)).toEqual([1, 2, 3, 4]);
      expect(failed.cause).toBeInstanceOf(Error);
      const cause = failed.cause as Error;
      if (k.how === "fault" && k.fault.kind === "throw") {
        expect(cause.message).toMatch(/injected worker fault \(throw at start of task\)/);
        expect(failed.message).toContain(cause.message);
      } else {
        expect(cause.message).toMatch(/kernel worker exited with code 1/);
      }
      await pool.close();
      expect(threads.exited).toBe(threads.started);
    }
  });

  it("a batch over the kernels' memory limit fails at once with MEMORY_LIMIT (no retry can fit), and the worker lives on", async () => {
    let attempts = 0;
    const { pool, threads } = await nodePool({ size: 1, kernels: { maxMemoryBytes: 1 << 20 }, onTask: () => void attempts++ });
    const big = encoder.encode("some words here\n".repeat(200_000));
    const error = await parallelWordCount(pool, big, 2).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RivuletError);
    expect((error as RivuletError).code).toBe("MEMORY_LIMIT");
    expect((error as RivuletError).message).toMatch(/over the limit of 1048576 bytes/);
    expect(((error as RivuletError).cause as Error).name).toBe("KernelMemoryError");
    expect(attempts).toBe(1);
    expect(threads.started).toBe(1);
    // The worker is still good for a batch that fits.
    const small = encoder.encode("a a b\n");
    expectSamePartitioned(await parallelWordCount(pool, small, 2), kernels.wordCount(small, 2));
    await pool.close();
    expect(threads.exited).toBe(1);
  });

  it("a worker that cannot start fails the task after 4 attempts, on 4 fresh workers", async () => {
    const { pool, threads } = await nodePool({ size: 2, spawn: nodeSpawner({ url: new URL("./no-such-worker.js", import.meta.url) }) });
    const error = await parallelWordCount(pool, encoder.encode("a\n"), 1).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TaskFailedError);
    expect(threads.started).toBe(4);
    await pool.close();
    expect(threads.exited).toBe(threads.started);
  });
});
