// Hash kernel throughput (MB/s of key bytes) against copying the same bytes: memory.copy inside
// WASM, and Uint8Array.set from JS into linear memory (what the binding does to every input).
//
//   npx esbuild --bundle --platform=node --format=esm --log-level=warning bench/kernels/hash.ts \
//     | node --expose-gc --input-type=module
//
// Needs build/kernels.wasm.js (node scripts/build-wasm.mjs).
import { murmur3Bytes } from "../../src/core/hash.ts";
import { kernelsWasmBytes, loadKernels } from "../../src/engine/kernels/load.ts";
import type { StringKeyColumn } from "../../src/engine/kernels/types.ts";
import { fmt, measureInterleaved, random } from "./common.ts";

interface Raw {
  memory: WebAssembly.Memory;
  alloc(size: number): number;
  reset(): void;
  setMemoryLimit(bytes: number): void;
  hashStrings(bytes: number, offsets: number, n: number, out: number): void;
  copyBytes(dst: number, src: number, len: number): void;
}

const TOTAL = 16 * 2 ** 20; // key bytes per run
const { instance } = await WebAssembly.instantiate((await kernelsWasmBytes()) as BufferSource, {});
const raw = instance.exports as unknown as Raw;
raw.setMemoryLimit(2 ** 30);
const kernels = await loadKernels({ implementation: "wasm" });

console.log(`hash kernel vs copies, ${TOTAL / 2 ** 20} MiB of key bytes a run, Node ${process.versions.node}`);
console.log(
  "key bytes".padStart(9),
  "hash MB/s".padStart(10),
  "memory.copy".padStart(12),
  "u8.set".padStart(10),
  "binding".padStart(10),
  "JS murmur".padStart(10),
  "| hash/copy".padStart(12),
  "hash/set".padStart(9),
);
for (const keyLen of [4, 8, 16, 64, 256, 4096, 65536]) {
  const n = TOTAL / keyLen;
  const rand = random(keyLen);
  const bytes = new Uint8Array(TOTAL);
  for (let i = 0; i < TOTAL; i++) bytes[i] = (rand() * 256) | 0;
  const offsets = Uint32Array.from({ length: n + 1 }, (_, i) => i * keyLen);
  const column: StringKeyColumn = { kind: "string", bytes, offsets };

  raw.reset();
  const src = raw.alloc(TOTAL) >>> 0;
  const dst = raw.alloc(TOTAL) >>> 0;
  const offs = raw.alloc(offsets.byteLength) >>> 0;
  const out = raw.alloc(n * 4) >>> 0;
  new Uint8Array(raw.memory.buffer, src, TOTAL).set(bytes);
  new Uint8Array(raw.memory.buffer, offs, offsets.byteLength).set(new Uint8Array(offsets.buffer));
  const view = new Uint8Array(raw.memory.buffer, dst, TOTAL);

  const [hash, copy, set, binding, js] = measureInterleaved(
    [
      () => raw.hashStrings(src, offs, n, out),
      () => raw.copyBytes(dst, src, TOTAL),
      () => view.set(bytes),
      () => kernels.hash(column),
      () => {
        let h = 0;
        for (let i = 0; i < n; i++) h ^= murmur3Bytes(bytes, 0, offsets[i]!, offsets[i + 1]!);
        return h;
      },
    ],
    9,
    2,
  ) as [number, number, number, number, number];
  const mbs = (ms: number): number => TOTAL / 1e6 / (ms / 1e3);
  console.log(
    String(keyLen).padStart(9),
    fmt(mbs(hash), 0).padStart(10),
    fmt(mbs(copy), 0).padStart(12),
    fmt(mbs(set), 0).padStart(10),
    fmt(mbs(binding), 0).padStart(10),
    fmt(mbs(js), 0).padStart(10),
    `| ${fmt(copy / hash, 2)}`.padStart(12),
    fmt(set / hash, 2).padStart(9),
  );
}
console.log("hash/copy = hash MB/s ÷ memory.copy MB/s; hash/set = hash MB/s ÷ Uint8Array.set MB/s.");
console.log("binding = kernels.hash(column): copy in, hash, copy out. JS murmur = murmur3Bytes of src/core/hash.ts.");
