// Aggregation by key in an open-addressing hash table in linear memory (arena-allocated, sized to
// the batch, doubled as needed), for reduceByKey with sum/min/max, countByValue, and the merge of
// map-side partials. Output is grouped by output partition (hash % P), keys in first-seen order.
//
// Table layout:
//   slots   [hash u32, entry+1 u32] x capacity (power of two; 0 = empty), linear probing from a
//           Fibonacci hash of `hash` (top bits, so keys of one partition, which share hash % P,
//           still spread over the table)
//   entries [key u64, value f64] in first-seen order; string key = ptr | len << 32 (the bytes stay
//           where the input put them), number key = canonical float64 bits
//   hashes  u32 per entry
//
// Output header (u32 x 8) returned by the kernels:
//   [0] entries  [1] partitions P  [2] ptr partStart u32[P+1]  [3] ptr hashes u32[E]
//   [4] ptr values f64[E]  [5] ptr keyOffsets  [6] ptr keyBytes / number keys f64[E]
//   [7] ptr byteStart u32[P+1]
// Entries of partition p are [partStart[p], partStart[p+1]). For string keys, partition p's key
// bytes are keyBytes[byteStart[p], byteStart[p+1]) and its offsets (relative to byteStart[p], one
// more than its entries) are keyOffsets[partStart[p] + p, partStart[p+1] + p].

import { alloc, allocZeroed, fail, ERR_ARGUMENT } from "./arena";
import { canonicalBits, hashBits, murmur3 } from "./hash";
import { partitionOf } from "./partition";

export const OP_SUM: u32 = 0;
export const OP_MIN: u32 = 1;
export const OP_MAX: u32 = 2;
export const OP_COUNT: u32 = 3;

const HEADER_WORDS: usize = 8;
const FIB: u32 = 0x9e3779b1;

let slots: usize = 0;
let slotShift: u32 = 0; // 32 - log2(capacity)
let slotMask: u32 = 0;
let entries: usize = 0;
let entryHashes: usize = 0;
let entryCap: u32 = 0;
let count: u32 = 0;
/** Set by the find functions: whether the last lookup created the entry. */
export let isNew: bool = false;

// @ts-ignore: decorator
@inline function slotOf(hash: u32): u32 {
  return (hash * FIB) >>> slotShift;
}

/** Starts an empty table for about `expected` distinct keys. */
export function tableInit(expected: u32): void {
  let bits: u32 = 4;
  while (bits < 31 && (<u64>1 << bits) < (<u64>expected << 1)) bits++;
  const cap: u32 = 1 << bits;
  slots = allocZeroed(<usize>cap << 3);
  slotShift = 32 - bits;
  slotMask = cap - 1;
  entryCap = max<u32>(expected, 8);
  entries = alloc(<usize>entryCap << 4);
  entryHashes = alloc(<usize>entryCap << 2);
  count = 0;
}

/** Number of distinct keys in the table. */
// @ts-ignore: decorator
@inline export function tableCount(): u32 {
  return count;
}

function growSlots(): void {
  const bits = 32 - slotShift + 1;
  if (bits > 31) fail(ERR_ARGUMENT, 0);
  const cap: u32 = 1 << bits;
  slots = allocZeroed(<usize>cap << 3);
  slotShift = 32 - bits;
  slotMask = cap - 1;
  for (let i: u32 = 0; i < count; i++) {
    const h = load<u32>(entryHashes + (<usize>i << 2));
    let s = slotOf(h);
    while (load<u32>(slots + (<usize>s << 3), 4) != 0) s = (s + 1) & slotMask;
    const sp = slots + (<usize>s << 3);
    store<u32>(sp, h);
    store<u32>(sp, i + 1, 4);
  }
}

function growEntries(): void {
  const cap = entryCap << 1;
  const e = alloc(<usize>cap << 4);
  memory.copy(e, entries, <usize>count << 4);
  const h = alloc(<usize>cap << 2);
  memory.copy(h, entryHashes, <usize>count << 2);
  entries = e;
  entryHashes = h;
  entryCap = cap;
}

// @ts-ignore: decorator
@inline function newEntry(sp: usize, hash: u32, key: u64): u32 {
  const i = count;
  store<u32>(sp, hash);
  store<u32>(sp, i + 1, 4);
  if (i == entryCap) growEntries();
  store<u64>(entries + (<usize>i << 4), key);
  store<u32>(entryHashes + (<usize>i << 2), hash);
  count = i + 1;
  isNew = true;
  // Keep the load factor at or below 1/2.
  if (count << 1 > slotMask + 1) growSlots();
  return i;
}

/** Bytewise equality of two ranges of the same length. */
// @ts-ignore: decorator
@inline function bytesEqual(a: usize, b: usize, len: usize): bool {
  let i: usize = 0;
  while (i + 8 <= len) {
    if (load<u64>(a + i) != load<u64>(b + i)) return false;
    i += 8;
  }
  if (i + 4 <= len) {
    if (load<u32>(a + i) != load<u32>(b + i)) return false;
    i += 4;
  }
  while (i < len) {
    if (load<u8>(a + i) != load<u8>(b + i)) return false;
    i++;
  }
  return true;
}

/** The entry of string key bytes [ptr, ptr+len) with hash `hash`, created if absent (isNew). */
// @ts-ignore: decorator
@inline export function findString(hash: u32, ptr: usize, len: u32): u32 {
  let s = slotOf(hash);
  while (true) {
    const sp = slots + (<usize>s << 3);
    const e = load<u32>(sp, 4);
    if (e == 0) return newEntry(sp, hash, <u64>ptr | (<u64>len << 32));
    if (load<u32>(sp) == hash) {
      const k = load<u64>(entries + (<usize>(e - 1) << 4));
      if (<u32>(k >>> 32) == len && bytesEqual(<usize>(<u32>k), ptr, len)) {
        isNew = false;
        return e - 1;
      }
    }
    s = (s + 1) & slotMask;
  }
}

/** The entry of a number key (canonical bits), created if absent (isNew). */
// @ts-ignore: decorator
@inline export function findNumber(hash: u32, bits: u64): u32 {
  let s = slotOf(hash);
  while (true) {
    const sp = slots + (<usize>s << 3);
    const e = load<u32>(sp, 4);
    if (e == 0) return newEntry(sp, hash, bits);
    if (load<u32>(sp) == hash && load<u64>(entries + (<usize>(e - 1) << 4)) == bits) {
      isNew = false;
      return e - 1;
    }
    s = (s + 1) & slotMask;
  }
}

/** Folds `v` into entry `e` (or sets it when the entry is new). `op` is never OP_COUNT here. */
// @ts-ignore: decorator
@inline export function accumulate(e: u32, op: u32, v: f64): void {
  const vp = entries + (<usize>e << 4) + 8;
  if (isNew) {
    store<f64>(vp, v);
  } else {
    const a = load<f64>(vp);
    // f64.min/f64.max: NaN if either is NaN, -0 < +0, exactly Math.min/Math.max.
    store<f64>(vp, op == OP_MIN ? min<f64>(a, v) : op == OP_MAX ? max<f64>(a, v) : a + v);
  }
}

/** Adds one to the count of entry `e` (1 when new). */
// @ts-ignore: decorator
@inline export function increment(e: u32): void {
  const vp = entries + (<usize>e << 4) + 8;
  store<f64>(vp, isNew ? 1.0 : load<f64>(vp) + 1.0);
}

function header(P: u32, partStart: usize, hashes: usize, values: usize, keyOffsets: usize, keys: usize, byteStart: usize): usize {
  const h = alloc(HEADER_WORDS << 2);
  store<u32>(h, count);
  store<u32>(h, P, 4);
  store<u32>(h, <u32>partStart, 8);
  store<u32>(h, <u32>hashes, 12);
  store<u32>(h, <u32>values, 16);
  store<u32>(h, <u32>keyOffsets, 20);
  store<u32>(h, <u32>keys, 24);
  store<u32>(h, <u32>byteStart, 28);
  return h;
}

/** Counts entries per partition into partStart (as prefix starts); returns each entry's partition. */
function countPartitions(P: u32, partStart: usize): usize {
  const E = count;
  const partOf = alloc(<usize>E << 2);
  memory.fill(partStart, 0, (<usize>P + 1) << 2);
  for (let i: u32 = 0; i < E; i++) {
    const p = partitionOf(load<u32>(entryHashes + (<usize>i << 2)), P);
    store<u32>(partOf + (<usize>i << 2), p);
    const c = partStart + ((<usize>p + 1) << 2);
    store<u32>(c, load<u32>(c) + 1);
  }
  for (let p: u32 = 0; p < P; p++) {
    const c = partStart + ((<usize>p + 1) << 2);
    store<u32>(c, load<u32>(c) + load<u32>(c - 4));
  }
  return partOf;
}

/** Writes the table's entries (string keys) grouped by partition; returns the output header. */
export function emitStrings(P: u32): usize {
  if (P == 0) fail(ERR_ARGUMENT, 0);
  const E = count;
  const partStart = alloc((<usize>P + 1) << 2);
  const byteStart = allocZeroed((<usize>P + 1) << 2);
  const partOf = countPartitions(P, partStart);
  // Key bytes per partition.
  for (let i: u32 = 0; i < E; i++) {
    const p = load<u32>(partOf + (<usize>i << 2));
    const len = <u32>(load<u64>(entries + (<usize>i << 4)) >>> 32);
    const c = byteStart + ((<usize>p + 1) << 2);
    store<u32>(c, load<u32>(c) + len);
  }
  for (let p: u32 = 0; p < P; p++) {
    const c = byteStart + ((<usize>p + 1) << 2);
    store<u32>(c, load<u32>(c) + load<u32>(c - 4));
  }
  const totalBytes = load<u32>(byteStart + (<usize>P << 2));
  const outHashes = alloc(<usize>E << 2);
  const outValues = alloc(<usize>E << 3);
  const outOffsets = alloc((<usize>E + P) << 2);
  const outBytes = alloc(<usize>totalBytes);
  const cursor = alloc(<usize>P << 2);
  const byteCursor = alloc(<usize>P << 2);
  memory.copy(cursor, partStart, <usize>P << 2);
  memory.copy(byteCursor, byteStart, <usize>P << 2);
  for (let p: u32 = 0; p < P; p++) {
    store<u32>(outOffsets + ((<usize>load<u32>(partStart + (<usize>p << 2)) + p) << 2), 0);
  }
  for (let i: u32 = 0; i < E; i++) {
    const p = load<u32>(partOf + (<usize>i << 2));
    const cp = cursor + (<usize>p << 2);
    const pos = load<u32>(cp);
    store<u32>(cp, pos + 1);
    const ep = entries + (<usize>i << 4);
    const k = load<u64>(ep);
    const len = <u32>(k >>> 32);
    const bp = byteCursor + (<usize>p << 2);
    const b = load<u32>(bp);
    memory.copy(outBytes + b, <usize>(<u32>k), len);
    store<u32>(bp, b + len);
    store<u32>(outHashes + (<usize>pos << 2), load<u32>(entryHashes + (<usize>i << 2)));
    store<f64>(outValues + (<usize>pos << 3), load<f64>(ep, 8));
    store<u32>(outOffsets + ((<usize>pos + p + 1) << 2), b + len - load<u32>(byteStart + (<usize>p << 2)));
  }
  return header(P, partStart, outHashes, outValues, outOffsets, outBytes, byteStart);
}

/** Writes the table's entries (number keys) grouped by partition; returns the output header. */
export function emitNumbers(P: u32): usize {
  if (P == 0) fail(ERR_ARGUMENT, 0);
  const E = count;
  const partStart = alloc((<usize>P + 1) << 2);
  const partOf = countPartitions(P, partStart);
  const outHashes = alloc(<usize>E << 2);
  const outValues = alloc(<usize>E << 3);
  const outKeys = alloc(<usize>E << 3);
  const cursor = alloc(<usize>P << 2);
  memory.copy(cursor, partStart, <usize>P << 2);
  for (let i: u32 = 0; i < E; i++) {
    const p = load<u32>(partOf + (<usize>i << 2));
    const cp = cursor + (<usize>p << 2);
    const pos = load<u32>(cp);
    store<u32>(cp, pos + 1);
    const ep = entries + (<usize>i << 4);
    store<u64>(outKeys + (<usize>pos << 3), load<u64>(ep));
    store<f64>(outValues + (<usize>pos << 3), load<f64>(ep, 8));
    store<u32>(outHashes + (<usize>pos << 2), load<u32>(entryHashes + (<usize>i << 2)));
  }
  return header(P, partStart, outHashes, outValues, 0, outKeys, 0);
}

/**
 * Map-side reduce of `n` records with string keys (key i = bytes[offsets[i], offsets[i+1])) and
 * values (f64[n] at `values`, unused for OP_COUNT), grouped into P output partitions.
 */
export function reduceStrings(bytes: usize, offsets: usize, values: usize, n: u32, op: u32, P: u32): usize {
  if (P == 0 || op > OP_COUNT) fail(ERR_ARGUMENT, 0);
  tableInit(min<u32>(n, 1 << 16));
  let start = load<u32>(offsets);
  for (let i: u32 = 0; i < n; i++) {
    const end = load<u32>(offsets + ((<usize>i + 1) << 2));
    const ptr = bytes + start;
    const len = end - start;
    const e = findString(murmur3(ptr, len, 0), ptr, len);
    if (op == OP_COUNT) increment(e);
    else accumulate(e, op, load<f64>(values + (<usize>i << 3)));
    start = end;
  }
  return emitStrings(P);
}

/** Map-side reduce of `n` records with number keys (f64[n] at `keys`); see reduceStrings. */
export function reduceNumbers(keys: usize, values: usize, n: u32, op: u32, P: u32): usize {
  if (P == 0 || op > OP_COUNT) fail(ERR_ARGUMENT, 0);
  tableInit(min<u32>(n, 1 << 16));
  for (let i: u32 = 0; i < n; i++) {
    const bits = canonicalBits(load<f64>(keys + (<usize>i << 3)));
    const e = findNumber(hashBits(bits), bits);
    if (op == OP_COUNT) increment(e);
    else accumulate(e, op, load<f64>(values + (<usize>i << 3)));
  }
  return emitNumbers(P);
}

// Merge input: a table of `numParts` descriptors, u32 x 5 each for strings
// [n, bytes, offsets, hashes, values] and u32 x 4 for numbers [n, keys, hashes, values].

/** Merges partial aggregates of string keys (one output partition) with `op` (count merges as sum). */
export function mergeStrings(parts: usize, numParts: u32, op: u32): usize {
  if (op > OP_COUNT) fail(ERR_ARGUMENT, 0);
  const fold = op == OP_COUNT ? OP_SUM : op;
  let largest: u32 = 0;
  for (let j: u32 = 0; j < numParts; j++) largest = max<u32>(largest, load<u32>(parts + <usize>j * 20));
  tableInit(largest);
  for (let j: u32 = 0; j < numParts; j++) {
    const d = parts + <usize>j * 20;
    const n = load<u32>(d);
    const bytes = <usize>load<u32>(d, 4);
    const offsets = <usize>load<u32>(d, 8);
    const hashes = <usize>load<u32>(d, 12);
    const values = <usize>load<u32>(d, 16);
    let start = load<u32>(offsets);
    for (let i: u32 = 0; i < n; i++) {
      const end = load<u32>(offsets + ((<usize>i + 1) << 2));
      const e = findString(load<u32>(hashes + (<usize>i << 2)), bytes + start, end - start);
      accumulate(e, fold, load<f64>(values + (<usize>i << 3)));
      start = end;
    }
  }
  return emitStrings(1);
}

/** Merges partial aggregates of number keys (one output partition); see mergeStrings. */
export function mergeNumbers(parts: usize, numParts: u32, op: u32): usize {
  if (op > OP_COUNT) fail(ERR_ARGUMENT, 0);
  const fold = op == OP_COUNT ? OP_SUM : op;
  let largest: u32 = 0;
  for (let j: u32 = 0; j < numParts; j++) largest = max<u32>(largest, load<u32>(parts + <usize>j * 16));
  tableInit(largest);
  for (let j: u32 = 0; j < numParts; j++) {
    const d = parts + <usize>j * 16;
    const n = load<u32>(d);
    const keys = <usize>load<u32>(d, 4);
    const hashes = <usize>load<u32>(d, 8);
    const values = <usize>load<u32>(d, 12);
    for (let i: u32 = 0; i < n; i++) {
      const bits = canonicalBits(load<f64>(keys + (<usize>i << 3)));
      const e = findNumber(load<u32>(hashes + (<usize>i << 2)), bits);
      accumulate(e, fold, load<f64>(values + (<usize>i << 3)));
    }
  }
  return emitNumbers(1);
}
