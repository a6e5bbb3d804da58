/**
 * The WebAssembly binding of the kernels (assembly/, built into build/kernels.wasm).
 *
 * Thread-agnostic: nothing here touches globals of a particular realm (no window, document,
 * self); an instance is created per thread with `instantiateKernels(bytes | module)`, and a
 * compiled `WebAssembly.Module` can be posted to workers so they skip compilation. Only numbers
 * cross into WASM; inputs are copied into the instance's linear memory and outputs copied out
 * into fresh typed arrays the caller owns (transferable). Every call resets the instance's arena
 * before and after it, so linear memory stops growing once the largest batch has been seen.
 * An aggregation whose keys share full hashes beyond the table's probe budget (keys made to, see
 * assembly/aggregate.ts) is redone by the reference kernels, whose results are the same.
 */

import type { ReducerTag } from "../../core/reducers.ts";
import { tableSeed } from "../../core/table-hash.ts";
import { keyCount } from "./columnar.ts";
import { KernelError, KernelMemoryError } from "./errors.ts";
import { checkKeys, checkPartitions, checkValues, referenceKernels } from "./reference.ts";
import type {
  Aggregate,
  KernelOp,
  Kernels,
  KernelsOptions,
  KeyColumn,
  PartitionAssignment,
  PartitionedAggregate,
} from "./types.ts";

/** Default maximum of linear memory: 1 GiB. */
export const DEFAULT_MAX_MEMORY_BYTES = 1 << 30;

// Error codes of assembly/arena.ts.
const ERR_MEMORY = 1;
const ERR_ABORT = 2;
const ERR_ARGUMENT = 3;
const ERR_COLLISIONS = 4;

// Op codes of assembly/aggregate.ts.
const OPS: Readonly<Record<KernelOp, number>> = { sum: 0, min: 1, max: 2, count: 3 };

/** The module's exports (all numbers; i32 results are signed, so pointers are read with >>> 0). */
interface KernelExports {
  readonly memory: WebAssembly.Memory;
  alloc(size: number): number;
  reset(): void;
  setMemoryLimit(bytes: number): void;
  memoryLimit(): number;
  errorCode(): number;
  errorBytes(): number;
  arenaHighWater(): number;
  murmur3Range(ptr: number, len: number, seed: number): number;
  hashStrings(bytes: number, offsets: number, n: number, out: number): void;
  hashNumbers(keys: number, n: number, out: number): void;
  partitionHashes(hashes: number, n: number, p: number, outPart: number, outOrder: number, outStarts: number): void;
  reduceStrings(bytes: number, offsets: number, values: number, n: number, op: number, p: number): number;
  reduceNumbers(keys: number, values: number, n: number, op: number, p: number): number;
  mergeStrings(parts: number, numParts: number, op: number): number;
  mergeNumbers(parts: number, numParts: number, op: number): number;
  wordCount(ptr: number, len: number, p: number): number;
  setTableSeed(seed: number): void;
  tableProbes(): number;
}

const EXPORTED_FUNCTIONS = [
  "alloc",
  "reset",
  "setMemoryLimit",
  "memoryLimit",
  "errorCode",
  "errorBytes",
  "arenaHighWater",
  "murmur3Range",
  "hashStrings",
  "hashNumbers",
  "partitionHashes",
  "reduceStrings",
  "reduceNumbers",
  "mergeStrings",
  "mergeNumbers",
  "wordCount",
  "setTableSeed",
  "tableProbes",
] as const;

function asKernelExports(exports: WebAssembly.Exports): KernelExports {
  if (!(exports["memory"] instanceof WebAssembly.Memory)) throw new TypeError("kernels.wasm exports no memory");
  for (const name of EXPORTED_FUNCTIONS) {
    if (typeof exports[name] !== "function") throw new TypeError(`kernels.wasm lacks the export ${name}`);
  }
  return exports as unknown as KernelExports;
}

type Bytes = Uint8Array | Uint32Array | Float64Array;

/** The kernels over one WebAssembly instance. Use `instantiateKernels` to make one. */
export class WasmKernels implements Kernels {
  readonly kind = "wasm";
  readonly memoryLimitBytes: number;
  readonly #x: KernelExports;
  #collisionFallbacks = 0;

  constructor(instance: WebAssembly.Instance, options: KernelsOptions = {}) {
    this.#x = asKernelExports(instance.exports);
    const limit = options.maxMemoryBytes ?? DEFAULT_MAX_MEMORY_BYTES;
    if (!(limit > 0)) throw new RangeError(`maxMemoryBytes must be positive, got ${limit}`);
    this.#x.setMemoryLimit(Math.min(limit, 2 ** 32));
    this.memoryLimitBytes = this.#x.memoryLimit();
    this.#x.setTableSeed(options.tableSeed ?? tableSeed());
  }

  /** Slots the last aggregation's lookups stepped over past their first (collisions; tests). */
  tableProbes(): number {
    return this.#x.tableProbes() >>> 0;
  }

  /** Calls redone by the reference kernels because their keys shared too many full hashes. */
  get collisionFallbacks(): number {
    return this.#collisionFallbacks;
  }

  memoryBytes(): number {
    return this.#x.memory.buffer.byteLength;
  }

  /** MurmurHash3_x86_32 of `bytes` with `seed`, in WASM (for the published test vectors). */
  murmur3(bytes: Uint8Array, seed = 0): number {
    return this.#run("murmur3", undefined, () => this.#x.murmur3Range(this.#put(bytes), bytes.length, seed) >>> 0);
  }

  hash(keys: KeyColumn): Uint32Array {
    const n = checkKeys(keys);
    return this.#run("hash", undefined, () => {
      const out = this.#hashInto(keys, n);
      return this.#u32(out, n).slice();
    });
  }

  partition(keys: KeyColumn, numPartitions: number): PartitionAssignment {
    const n = checkKeys(keys);
    checkPartitions(numPartitions);
    return this.#run("partition", undefined, () => {
      const hashes = this.#hashInto(keys, n);
      const part = this.#alloc(n * 4);
      const order = this.#alloc(n * 4);
      const starts = this.#alloc((numPartitions + 1) * 4);
      this.#x.partitionHashes(hashes, n, numPartitions, part, order, starts);
      return {
        partitionOf: this.#u32(part, n).slice(),
        order: this.#u32(order, n).slice(),
        starts: this.#u32(starts, numPartitions + 1).slice(),
      };
    });
  }

  reduceByKey(keys: KeyColumn, values: Float64Array, op: ReducerTag, numPartitions: number): PartitionedAggregate {
    const n = checkKeys(keys);
    checkValues(n, values);
    checkPartitions(numPartitions);
    if (op !== "sum" && op !== "min" && op !== "max") throw new TypeError(`reduceByKey: unknown reducer ${String(op)}`);
    const redo = (): PartitionedAggregate => referenceKernels.reduceByKey(keys, values, op, numPartitions);
    return this.#reduce("reduceByKey", keys, n, values, OPS[op], numPartitions, redo);
  }

  countByKey(keys: KeyColumn, numPartitions: number): PartitionedAggregate {
    const n = checkKeys(keys);
    checkPartitions(numPartitions);
    const redo = (): PartitionedAggregate => referenceKernels.countByKey(keys, numPartitions);
    return this.#reduce("countByKey", keys, n, undefined, OPS.count, numPartitions, redo);
  }

  merge(parts: readonly Aggregate[], op: KernelOp): Aggregate {
    const code = OPS[op];
    if (code === undefined) throw new TypeError(`merge: unknown op ${String(op)}`);
    if (parts.length === 0) {
      return { keys: { kind: "string", bytes: new Uint8Array(0), offsets: new Uint32Array(1) }, values: new Float64Array(0), hashes: new Uint32Array(0) };
    }
    const kind = parts[0]!.keys.kind;
    for (const part of parts) {
      if (part.keys.kind !== kind) throw new TypeError("merge: parts mix string and number keys");
      const n = checkKeys(part.keys);
      checkValues(n, part.values);
      if (part.hashes.length !== n) throw new RangeError(`merge: ${n} keys but ${part.hashes.length} hashes`);
    }
    const redo = (): Aggregate => referenceKernels.merge(parts, op);
    return this.#run("merge", redo, () => {
      const words = kind === "string" ? 5 : 4;
      // Descriptors first, filled once every part is in memory (each #put may move the buffer).
      const table = this.#alloc(parts.length * words * 4);
      const descriptors = new Uint32Array(parts.length * words);
      parts.forEach((part, j) => {
        const d = j * words;
        const keys = part.keys;
        descriptors[d] = keyCount(keys);
        if (keys.kind === "string") {
          descriptors[d + 1] = this.#put(keys.bytes);
          descriptors[d + 2] = this.#put(keys.offsets);
          descriptors[d + 3] = this.#put(part.hashes);
          descriptors[d + 4] = this.#put(part.values);
        } else {
          descriptors[d + 1] = this.#put(keys.keys);
          descriptors[d + 2] = this.#put(part.hashes);
          descriptors[d + 3] = this.#put(part.values);
        }
      });
      this.#u32(table, descriptors.length).set(descriptors);
      const header =
        kind === "string"
          ? this.#x.mergeStrings(table, parts.length, code)
          : this.#x.mergeNumbers(table, parts.length, code);
      return this.#read(header >>> 0, kind)[0]!;
    });
  }

  wordCount(text: Uint8Array | readonly Uint8Array[], numPartitions: number): PartitionedAggregate {
    checkPartitions(numPartitions);
    return this.#run("wordCount", () => referenceKernels.wordCount(text, numPartitions), () => {
      const parts = text instanceof Uint8Array ? [text] : text;
      const length = parts.reduce((n, part) => n + part.length, 0);
      const ptr = parts.length === 1 ? this.#put(parts[0]!) : this.#putParts(parts, length);
      return this.#read(this.#x.wordCount(ptr, length, numPartitions) >>> 0, "string");
    });
  }

  #reduce(
    name: string,
    keys: KeyColumn,
    n: number,
    values: Float64Array | undefined,
    op: number,
    numPartitions: number,
    redo: () => PartitionedAggregate,
  ): PartitionedAggregate {
    return this.#run(name, redo, () => {
      const vals = values === undefined ? 0 : this.#put(values);
      let header: number;
      if (keys.kind === "string") {
        const bytes = this.#put(keys.bytes);
        const offsets = this.#put(keys.offsets);
        header = this.#x.reduceStrings(bytes, offsets, vals, n, op, numPartitions);
      } else {
        header = this.#x.reduceNumbers(this.#put(keys.keys), vals, n, op, numPartitions);
      }
      return this.#read(header >>> 0, keys.kind);
    });
  }

  /**
   * Runs one kernel call between arena resets, mapping traps to typed errors; an aggregation that
   * ran out of probe budget is redone by `redo`.
   */
  #run<T>(name: string, redo: (() => T) | undefined, body: () => T): T {
    const x = this.#x;
    x.reset();
    try {
      return body();
    } catch (error) {
      const code = x.errorCode();
      if (code === ERR_COLLISIONS && redo !== undefined) {
        x.reset();
        this.#collisionFallbacks++;
        return redo();
      }
      if (code === ERR_MEMORY) throw new KernelMemoryError(name, this.memoryLimitBytes, x.errorBytes());
      if (code === ERR_ARGUMENT) throw new KernelError(name, "invalid arguments", { cause: error });
      if (code === ERR_ABORT || error instanceof WebAssembly.RuntimeError) {
        throw new KernelError(name, `trapped: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
      }
      throw error;
    } finally {
      x.reset();
    }
  }

  #alloc(size: number): number {
    return this.#x.alloc(size) >>> 0;
  }

  /** Copies a typed array into the arena; returns its address. */
  #put(data: Bytes): number {
    // Bytes land at the same offset modulo 8 as their source: V8 copies between differently
    // aligned ranges about 3x slower (a slice of a batch starts anywhere).
    const skew = data instanceof Uint8Array ? 8 : 0;
    const base = this.#alloc(data.byteLength + skew);
    const ptr = skew === 0 ? base : base + ((data.byteOffset - base) & 7);
    new Uint8Array(this.#x.memory.buffer, ptr, data.byteLength).set(
      new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
    );
    return ptr;
  }

  /**
   * Pieces of bytes copied one after the other into the arena; returns the address of the first.
   * Aligned as `#put` for each piece whose offset modulo 8 follows on from the previous one's end
   * (pieces cut from one text and placed so, as a text stream's segments are).
   */
  #putParts(parts: readonly Uint8Array[], length: number): number {
    const base = this.#alloc(length + 8);
    const ptr = base + ((parts[0]!.byteOffset - base) & 7);
    const memory = new Uint8Array(this.#x.memory.buffer);
    let at = ptr;
    for (const part of parts) {
      memory.set(part, at);
      at += part.length;
    }
    return ptr;
  }

  #u32(ptr: number, n: number): Uint32Array {
    return new Uint32Array(this.#x.memory.buffer, ptr, n);
  }

  /** Hashes the keys into the arena; returns the address of the u32 hashes. */
  #hashInto(keys: KeyColumn, n: number): number {
    if (keys.kind === "string") {
      const bytes = this.#put(keys.bytes);
      const offsets = this.#put(keys.offsets);
      const out = this.#alloc(n * 4);
      this.#x.hashStrings(bytes, offsets, n, out);
      return out;
    }
    const ptr = this.#put(keys.keys);
    const out = this.#alloc(n * 4);
    this.#x.hashNumbers(ptr, n, out);
    return out;
  }

  /** Copies a kernel's output (see the header layout in assembly/aggregate.ts) out of memory. */
  #read(header: number, kind: "string" | "number"): Aggregate[] {
    const buffer = this.#x.memory.buffer;
    const h = new Uint32Array(buffer, header, 8);
    const numPartitions = h[1]!;
    const partStart = new Uint32Array(buffer, h[2]!, numPartitions + 1);
    const hashes = new Uint32Array(buffer, h[3]!, h[0]!);
    const values = new Float64Array(buffer, h[4]!, h[0]!);
    const out: Aggregate[] = [];
    if (kind === "number") {
      const keys = new Float64Array(buffer, h[6]!, h[0]!);
      for (let p = 0; p < numPartitions; p++) {
        const from = partStart[p]!;
        const to = partStart[p + 1]!;
        out.push({
          keys: { kind: "number", keys: keys.slice(from, to) },
          values: values.slice(from, to),
          hashes: hashes.slice(from, to),
        });
      }
      return out;
    }
    const byteStart = new Uint32Array(buffer, h[7]!, numPartitions + 1);
    const offsets = new Uint32Array(buffer, h[5]!, h[0]! + numPartitions);
    const bytes = new Uint8Array(buffer, h[6]!, byteStart[numPartitions]!);
    for (let p = 0; p < numPartitions; p++) {
      const from = partStart[p]!;
      const to = partStart[p + 1]!;
      out.push({
        keys: {
          kind: "string",
          bytes: bytes.slice(byteStart[p]!, byteStart[p + 1]!),
          offsets: offsets.slice(from + p, to + p + 1),
        },
        values: values.slice(from, to),
        hashes: hashes.slice(from, to),
      });
    }
    return out;
  }
}

/**
 * Instantiates the kernels from the module bytes or a compiled module (e.g. one posted from
 * another thread). Rejects when WebAssembly is unavailable or refuses the module.
 */
export async function instantiateKernels(
  source: Uint8Array | ArrayBuffer | WebAssembly.Module,
  options: KernelsOptions = {},
): Promise<WasmKernels> {
  const instance =
    source instanceof WebAssembly.Module
      ? await WebAssembly.instantiate(source, {})
      : (await WebAssembly.instantiate(source as BufferSource, {})).instance;
  return new WasmKernels(instance, options);
}
