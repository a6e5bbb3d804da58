// Shared helpers of the kernel tests: building the WASM module when missing or stale, loading a
// fresh instance, and comparing aggregates.
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { expect } from "vitest";
import { instantiateKernels, type WasmKernels } from "../../../src/engine/kernels/wasm.ts";
import { kernelsWasmBytes } from "../../../src/engine/kernels/load.ts";
import type { KernelsOptions, Aggregate, PartitionedAggregate, KeyColumn } from "../../../src/engine/kernels/types.ts";
import { decodeKeys } from "../../../src/engine/kernels/columnar.ts";

const root = fileURLToPath(new URL("../../../", import.meta.url));
let built = false;

/** Builds build/kernels.wasm(.js) unless it is up to date (atomic, so parallel files are safe). */
export function ensureWasmBuilt(): void {
  if (built) return;
  execFileSync(process.execPath, ["scripts/build-wasm.mjs", "--if-stale"], { cwd: root, stdio: "inherit" });
  built = true;
}

/** A fresh WASM kernels instance. */
export async function wasmKernels(options: KernelsOptions = {}): Promise<WasmKernels> {
  ensureWasmBuilt();
  return instantiateKernels(await kernelsWasmBytes(), options);
}

function sameFloats(actual: Float64Array, expected: Float64Array, what: string): void {
  expect(actual.length, `${what} length`).toBe(expected.length);
  for (let i = 0; i < actual.length; i++) {
    if (!Object.is(actual[i], expected[i])) {
      expect.fail(`${what}[${i}]: ${actual[i]} !== ${expected[i]}`);
    }
  }
}

/** Exact equality of two key columns (bytes, offsets rebased to 0, or float64 keys). */
export function expectSameKeys(actual: KeyColumn, expected: KeyColumn): void {
  expect(actual.kind).toBe(expected.kind);
  if (actual.kind === "string" && expected.kind === "string") {
    expect(Array.from(actual.offsets)).toEqual(Array.from(expected.offsets));
    expect(Buffer.from(actual.bytes).equals(Buffer.from(expected.bytes))).toBe(true);
  } else if (actual.kind === "number" && expected.kind === "number") {
    sameFloats(actual.keys, expected.keys, "keys");
  }
}

/** Exact equality of aggregates: keys, order, hashes and values (NaN equal to NaN, -0 not 0). */
export function expectSameAggregate(actual: Aggregate, expected: Aggregate): void {
  expectSameKeys(actual.keys, expected.keys);
  expect(Array.from(actual.hashes)).toEqual(Array.from(expected.hashes));
  sameFloats(actual.values, expected.values, "values");
}

export function expectSamePartitioned(actual: PartitionedAggregate, expected: PartitionedAggregate): void {
  expect(actual.length).toBe(expected.length);
  for (let p = 0; p < actual.length; p++) expectSameAggregate(actual[p]!, expected[p]!);
}

/** An aggregate as a Map from decoded key to value. */
export function toMap(parts: PartitionedAggregate | readonly Aggregate[]): Map<string | number, number> {
  const out = new Map<string | number, number>();
  for (const part of parts) {
    const keys = decodeKeys(part.keys);
    keys.forEach((k, i) => {
      expect(out.has(k), `key ${String(k)} in two partitions`).toBe(false);
      out.set(k, part.values[i]!);
    });
  }
  return out;
}
