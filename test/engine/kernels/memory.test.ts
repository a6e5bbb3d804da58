// Linear memory: the configured limit fails a call with KernelMemoryError (and the instance stays
// usable), and the per-call arena reset keeps memory flat over many batches.
import { describe, expect, it } from "vitest";
import { RivuletError } from "../../../src/core/errors.ts";
import { encodeNumbers, encodeStrings } from "../../../src/engine/kernels/columnar.ts";
import { KernelMemoryError } from "../../../src/engine/kernels/errors.ts";
import { compileKernels, loadKernels } from "../../../src/engine/kernels/load.ts";
import { referenceKernels } from "../../../src/engine/kernels/reference.ts";
import { ensureWasmBuilt, expectSamePartitioned, toMap, wasmKernels } from "./support.ts";

const MiB = 1 << 20;

describe("memory limit", () => {
  it("an input over the limit fails with KernelMemoryError naming the limit", async () => {
    const kernels = await wasmKernels({ maxMemoryBytes: 2 * MiB });
    expect(kernels.memoryLimitBytes).toBe(2 * MiB);
    const text = new TextEncoder().encode("word ".repeat(MiB)); // 5 MiB
    let error: unknown;
    try {
      kernels.wordCount(text, 2);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(KernelMemoryError);
    const e = error as KernelMemoryError;
    expect(e.name).toBe("KernelMemoryError");
    expect(e).toBeInstanceOf(RivuletError);
    expect(e.code).toBe("MEMORY_LIMIT");
    expect(e.limitBytes).toBe(2 * MiB);
    expect(e.requestedBytes).toBeGreaterThan(2 * MiB);
    expect(e.kernel).toBe("wordCount");
    expect(e.message).toContain(String(2 * MiB));
    expect(kernels.memoryBytes()).toBeLessThanOrEqual(2 * MiB);
    // Still usable.
    expect(toMap(kernels.wordCount(new TextEncoder().encode("a b a"), 1))).toEqual(new Map([["a", 2], ["b", 1]]));
  });

  it("a table that outgrows the limit mid-kernel fails the same way", async () => {
    const kernels = await wasmKernels({ maxMemoryBytes: 8 * MiB });
    const keys = encodeNumbers(Array.from({ length: 200_000 }, (_, i) => i)); // 1.6 MB in, ~13 MB of table
    expect(() => kernels.countByKey(keys, 4)).toThrow(KernelMemoryError);
    const small = encodeStrings(["x", "y", "x"]);
    expectSamePartitioned(kernels.countByKey(small, 2), referenceKernels.countByKey(small, 2));
  });

  it("loadKernels passes the limit through and falls back only when asked to", async () => {
    ensureWasmBuilt();
    const kernels = await loadKernels({ maxMemoryBytes: 4 * MiB });
    expect(kernels.kind).toBe("wasm");
    expect(kernels.memoryLimitBytes).toBe(4 * MiB);
    expect((await loadKernels({ implementation: "reference" })).kind).toBe("reference");
    const reasons: unknown[] = [];
    const broken = await loadKernels({ module: {} as WebAssembly.Module, onFallback: (r) => reasons.push(r) });
    expect(broken.kind).toBe("reference");
    expect(reasons).toHaveLength(1);
    await expect(loadKernels({ module: {} as WebAssembly.Module, implementation: "wasm" })).rejects.toThrow();
  });
});

describe("instances", () => {
  it("one compiled module (postable to workers) gives independent instances", async () => {
    ensureWasmBuilt();
    const module = await compileKernels();
    const a = await loadKernels({ module, implementation: "wasm" });
    const b = await loadKernels({ module, implementation: "wasm", maxMemoryBytes: 3 * MiB });
    const before = b.memoryBytes();
    const text = new TextEncoder().encode(Array.from({ length: 200_000 }, (_, i) => `w${i}`).join(" "));
    const big = a.wordCount(text, 4);
    expect(a.memoryBytes()).toBeGreaterThan(8 * MiB);
    expect(b.memoryBytes()).toBe(before);
    expect(b.memoryLimitBytes).toBe(3 * MiB);
    expect(a.memoryLimitBytes).toBe(1024 * MiB);
    expect(() => b.wordCount(text, 4)).toThrow(KernelMemoryError);
    expect(big.reduce((n, p) => n + p.values.length, 0)).toBe(200_000);
  });
});

describe("arena reset", () => {
  it("memory stays flat over 1,000 batches after warm-up", async () => {
    const kernels = await wasmKernels();
    let seed = 1;
    const rand = (): number => ((seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32);
    const vocab = Array.from({ length: 3000 }, (_, i) => `k${i}`);
    const sizes: number[] = [];
    for (let batch = 0; batch < 1000; batch++) {
      const n = 2000 + Math.floor(rand() * 2000);
      const keys = Array.from({ length: n }, () => vocab[Math.floor(rand() * vocab.length)]!);
      const column = encodeStrings(keys);
      const values = Float64Array.from({ length: n }, () => rand());
      const partials = kernels.reduceByKey(column, values, "sum", 4);
      kernels.merge([partials[0]!, partials[0]!], "sum");
      kernels.wordCount(new TextEncoder().encode(keys.join(" ")), 4);
      kernels.partition(encodeNumbers(Array.from({ length: n }, () => rand())), 3);
      sizes.push(kernels.memoryBytes());
    }
    const warm = sizes[50]!;
    expect(sizes.slice(50).every((s) => s === warm)).toBe(true);
    expect(warm).toBeLessThanOrEqual(4 * MiB);
  });
});
