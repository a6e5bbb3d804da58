/**
 * Pure-TypeScript reference of every kernel: the test oracle for the WASM kernels and the
 * fallback where WebAssembly cannot be instantiated (e.g. a CSP without 'wasm-unsafe-eval').
 * Written for obviousness, not speed: keys are identified through a `Map` of strings (string keys
 * by their exact bytes, number keys by their decimal text, which is equal exactly when the
 * canonical bits are), hashes come from src/core/hash.ts. Outputs are identical to the WASM
 * kernels', order included.
 */

import { hashKey, murmur3Bytes } from "../../core/hash.ts";
import type { ReducerTag } from "../../core/reducers.ts";
import type {
  Aggregate,
  KernelOp,
  Kernels,
  KeyColumn,
  PartitionAssignment,
  PartitionedAggregate,
} from "./types.ts";

/** Validates a partition count (a positive integer below 2^31). */
export function checkPartitions(numPartitions: number): void {
  if (!Number.isInteger(numPartitions) || numPartitions < 1 || numPartitions > 0x7fffffff) {
    throw new RangeError(`numPartitions must be a positive integer, got ${numPartitions}`);
  }
}

/** Validates a key column's shape and returns its length. */
export function checkKeys(keys: KeyColumn): number {
  if (keys.kind === "number") return keys.keys.length;
  const { bytes, offsets } = keys;
  const n = offsets.length - 1;
  if (n < 0) throw new RangeError("a string key column needs at least one offset");
  if (offsets[0]! > offsets[n]! || offsets[n]! > bytes.length) {
    throw new RangeError(`string key offsets [${offsets[0]}, ${offsets[n]}] out of the ${bytes.length} key bytes`);
  }
  return n;
}

/** Validates that there is one value per key. */
export function checkValues(n: number, values: Float64Array): void {
  if (values.length !== n) throw new RangeError(`${n} keys but ${values.length} values`);
}

/** Exact identity of a byte range as a JS string (one char per byte). */
function bytesId(bytes: Uint8Array, from: number, to: number): string {
  let s = "";
  for (let i = from; i < to; i += 8192) {
    s += String.fromCharCode.apply(null, bytes.subarray(i, Math.min(i + 8192, to)) as unknown as number[]);
  }
  return s;
}

/** A number key as the kernels return it: -0 as 0, every NaN as the canonical NaN. */
function canonicalNumber(x: number): number {
  return x === 0 ? 0 : Number.isNaN(x) ? NaN : x;
}

function fold(op: ReducerTag, a: number, b: number): number {
  return op === "sum" ? a + b : op === "min" ? Math.min(a, b) : Math.max(a, b);
}

/** Distinct keys in first-seen order: for each, where its bytes / value are, and its hash. */
interface Table {
  readonly kind: "string" | "number";
  /** string keys: [bytes, from, to] of the first occurrence; number keys: the key. */
  readonly sources: (readonly [Uint8Array, number, number] | number)[];
  readonly values: number[];
  readonly hashes: number[];
  readonly index: Map<string, number>;
}

function newTable(kind: "string" | "number"): Table {
  return { kind, sources: [], values: [], hashes: [], index: new Map() };
}

/** The entry of key i of `keys` in `table` (created with `hash` when absent) and whether it is new. */
function entryOf(table: Table, keys: KeyColumn, i: number, hash: () => number): [number, boolean] {
  let id: string;
  let source: readonly [Uint8Array, number, number] | number;
  if (keys.kind === "string") {
    const from = keys.offsets[i]!;
    const to = keys.offsets[i + 1]!;
    id = bytesId(keys.bytes, from, to);
    source = [keys.bytes, from, to];
  } else {
    source = canonicalNumber(keys.keys[i]!);
    // By its shortest round-trip text, one per number (NaN one, -0 as 0): a Map hashes numbers
    // with no seed, strings with one.
    id = String(source);
  }
  const e = table.index.get(id);
  if (e !== undefined) return [e, false];
  const created = table.sources.length;
  table.index.set(id, created);
  table.sources.push(source);
  table.values.push(0);
  table.hashes.push(hash());
  return [created, true];
}

function hashOf(keys: KeyColumn, i: number): number {
  return keys.kind === "string"
    ? murmur3Bytes(keys.bytes, 0, keys.offsets[i]!, keys.offsets[i + 1]!)
    : hashKey(keys.keys[i]!);
}

/** Builds the aggregate of the given entries of `table`, in that order. */
function aggregateOf(table: Table, entries: readonly number[]): Aggregate {
  const n = entries.length;
  const values = new Float64Array(n);
  const hashes = new Uint32Array(n);
  for (let j = 0; j < n; j++) {
    values[j] = table.values[entries[j]!]!;
    hashes[j] = table.hashes[entries[j]!]!;
  }
  if (table.kind === "number") {
    const keys = new Float64Array(n);
    for (let j = 0; j < n; j++) keys[j] = table.sources[entries[j]!] as number;
    return { keys: { kind: "number", keys }, values, hashes };
  }
  const offsets = new Uint32Array(n + 1);
  let total = 0;
  for (let j = 0; j < n; j++) {
    const [, from, to] = table.sources[entries[j]!] as readonly [Uint8Array, number, number];
    offsets[j + 1] = total += to - from;
  }
  const bytes = new Uint8Array(total);
  for (let j = 0; j < n; j++) {
    const [src, from, to] = table.sources[entries[j]!] as readonly [Uint8Array, number, number];
    bytes.set(src.subarray(from, to), offsets[j]!);
  }
  return { keys: { kind: "string", bytes, offsets }, values, hashes };
}

/** Splits the table's entries by hash % numPartitions, keeping first-seen order. */
function partitionTable(table: Table, numPartitions: number): PartitionedAggregate {
  const groups: number[][] = Array.from({ length: numPartitions }, () => []);
  for (let e = 0; e < table.hashes.length; e++) groups[table.hashes[e]! % numPartitions]!.push(e);
  return groups.map((entries) => aggregateOf(table, entries));
}

function reduceTable(keys: KeyColumn, values: Float64Array | undefined, op: KernelOp): Table {
  const n = checkKeys(keys);
  if (values !== undefined) checkValues(n, values);
  const table = newTable(keys.kind);
  for (let i = 0; i < n; i++) {
    const [e, created] = entryOf(table, keys, i, () => hashOf(keys, i));
    if (op === "count") table.values[e] = created ? 1 : table.values[e]! + 1;
    else table.values[e] = created ? values![i]! : fold(op, table.values[e]!, values![i]!);
  }
  return table;
}

// Unicode White_Space in UTF-8, for the byte-level tokenizer of the word count.
const WIDE_SPACES: readonly (readonly number[])[] = [
  [0xc2, 0x85],
  [0xc2, 0xa0],
  [0xe1, 0x9a, 0x80],
  ...Array.from({ length: 11 }, (_, k) => [0xe2, 0x80, 0x80 + k]),
  [0xe2, 0x80, 0xa8],
  [0xe2, 0x80, 0xa9],
  [0xe2, 0x80, 0xaf],
  [0xe2, 0x81, 0x9f],
  [0xe3, 0x80, 0x80],
];

/** Length of the White_Space character encoded at bytes[i], or 0 when there is none. */
function spaceAt(bytes: Uint8Array, i: number): number {
  const b = bytes[i]!;
  if (b === 0x20 || (b >= 0x09 && b <= 0x0d)) return 1;
  for (const seq of WIDE_SPACES) {
    if (i + seq.length <= bytes.length && seq.every((x, k) => bytes[i + k] === x)) return seq.length;
  }
  return 0;
}

/** The pure-TS kernels. Stateless; safe to share between callers on one thread. */
export const referenceKernels: Kernels = {
  kind: "reference",
  memoryLimitBytes: Infinity,

  memoryBytes(): number {
    return 0;
  },

  hash(keys: KeyColumn): Uint32Array {
    const n = checkKeys(keys);
    const out = new Uint32Array(n);
    for (let i = 0; i < n; i++) out[i] = hashOf(keys, i);
    return out;
  },

  partition(keys: KeyColumn, numPartitions: number): PartitionAssignment {
    checkPartitions(numPartitions);
    const hashes = this.hash(keys);
    const n = hashes.length;
    const partitionOf = new Uint32Array(n);
    const starts = new Uint32Array(numPartitions + 1);
    for (let i = 0; i < n; i++) {
      partitionOf[i] = hashes[i]! % numPartitions;
      starts[partitionOf[i]! + 1]!++;
    }
    for (let p = 0; p < numPartitions; p++) starts[p + 1]! += starts[p]!;
    const cursor = starts.slice(0, numPartitions);
    const order = new Uint32Array(n);
    for (let i = 0; i < n; i++) order[cursor[partitionOf[i]!]!++] = i;
    return { partitionOf, order, starts };
  },

  reduceByKey(keys: KeyColumn, values: Float64Array, op: ReducerTag, numPartitions: number): PartitionedAggregate {
    checkPartitions(numPartitions);
    return partitionTable(reduceTable(keys, values, op), numPartitions);
  },

  countByKey(keys: KeyColumn, numPartitions: number): PartitionedAggregate {
    checkPartitions(numPartitions);
    return partitionTable(reduceTable(keys, undefined, "count"), numPartitions);
  },

  merge(parts: readonly Aggregate[], op: KernelOp): Aggregate {
    const kind = parts.length === 0 ? "string" : parts[0]!.keys.kind;
    const table = newTable(kind);
    const how: ReducerTag = op === "count" ? "sum" : op;
    for (const part of parts) {
      if (part.keys.kind !== kind) throw new TypeError("merge: parts mix string and number keys");
      const n = checkKeys(part.keys);
      checkValues(n, part.values);
      if (part.hashes.length !== n) throw new RangeError(`merge: ${n} keys but ${part.hashes.length} hashes`);
      for (let i = 0; i < n; i++) {
        const [e, created] = entryOf(table, part.keys, i, () => part.hashes[i]!);
        table.values[e] = created ? part.values[i]! : fold(how, table.values[e]!, part.values[i]!);
      }
    }
    return aggregateOf(table, table.hashes.map((_, e) => e));
  },

  wordCount(pieces: Uint8Array | readonly Uint8Array[], numPartitions: number): PartitionedAggregate {
    checkPartitions(numPartitions);
    const text = pieces instanceof Uint8Array ? pieces : concatBytes(pieces);
    // Tokens as a string key column over `text` (offset pairs), then a count.
    const bounds: number[] = [];
    let i = 0;
    while (i < text.length) {
      const space = spaceAt(text, i);
      if (space > 0) {
        i += space;
        continue;
      }
      const start = i;
      while (i < text.length && spaceAt(text, i) === 0) i++;
      bounds.push(start, i);
    }
    const table = newTable("string");
    for (let t = 0; t < bounds.length; t += 2) {
      const from = bounds[t]!;
      const to = bounds[t + 1]!;
      const token: KeyColumn = { kind: "string", bytes: text, offsets: Uint32Array.of(from, to) };
      const [e, created] = entryOf(table, token, 0, () => murmur3Bytes(text, 0, from, to));
      table.values[e] = created ? 1 : table.values[e]! + 1;
    }
    return partitionTable(table, numPartitions);
  },
};

function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, part) => n + part.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}
