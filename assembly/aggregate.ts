// Aggregation by key in an open-addressing hash table in linear memory (arena-allocated, sized to
// the batch, doubled as needed), for reduceByKey with sum/min/max, countByValue, and the merge of
// map-side partials. Output is grouped by output partition (hash % P), keys in first-seen order.
//
// Table layout: slots of 32 bytes, capacity a power of two, load factor at most 1/2, linear
// probing from the top bits of `hash` times an odd multiplier (top bits, so the keys of one
// partition, which share hash % P, still spread over the table). The multiplier is random per
// instance (setTableSeed; multiply-shift hashing is a universal family): keys chosen so that
// their fixed MurmurHash3 values share one multiplier's top bits do not share another's.
//   +0  hash u32        +4  entry + 1 u32 (0: empty)
//   +8  length u32      +12 pointer u32 (string keys: where the bytes are; they stay in the input)
//   +16 prefix u64      (string keys: the first min(length, 8) bytes, zero-padded; number keys:
//                        the canonical float64 bits)
//   +24 value f64
// A lookup touches one slot (two for a long key: its bytes) and updates the value in place.
// `order` lists the slot of each entry in first-seen order (rewritten when the table grows).
//
// No multiplier separates keys whose MurmurHash3 values are equal, and such keys are easy to make
// in any number (two 4-byte blocks whose mixed words differ in bit 18, then in bit 31, leave the
// same state whatever came before). So each call has a budget of slots to step over: PROBE_SLACK,
// and PROBES_PER_LOOKUP more for each lookup (a table at most half full steps over fewer than two
// a lookup on average). Past it, the call fails with ERR_COLLISIONS and the host redoes it with the
// reference kernels, which hash with the runtime's own seeded string hash: a batch of such keys
// costs time in proportion to its size, never to its square.
//
// Output header (u32 x 8) returned by the kernels:
//   [0] entries  [1] partitions P  [2] ptr partStart u32[P+1]  [3] ptr hashes u32[E]
//   [4] ptr values f64[E]  [5] ptr keyOffsets  [6] ptr keyBytes / number keys f64[E]
//   [7] ptr byteStart u32[P+1]
// Entries of partition p are [partStart[p], partStart[p+1]). For string keys, partition p's key
// bytes are keyBytes[byteStart[p], byteStart[p+1]) and its offsets (relative to byteStart[p], one
// more than its entries) are keyOffsets[partStart[p] + p, partStart[p+1] + p].

import { alloc, allocZeroed, fail, ERR_ARGUMENT, ERR_COLLISIONS } from "./arena";
import { canonicalBits, hashBits, hashStrings } from "./hash";
import { partitionOf } from "./partition";

export const OP_SUM: u32 = 0;
export const OP_MIN: u32 = 1;
export const OP_MAX: u32 = 2;
export const OP_COUNT: u32 = 3;

const HEADER_WORDS: usize = 8;
const FIB: u32 = 0x9e3779b1;
const SLOT_BITS: usize = 5; // 32-byte slots
/** Slots any call may step over before its lookups are charged (about a millisecond's worth). */
const PROBE_SLACK: u64 = 1 << 20;
/** Slots each lookup adds to the budget. */
const PROBES_PER_LOOKUP: u64 = 4;

let slots: usize = 0;
let slotShift: u32 = 0; // 32 - log2(capacity)
let slotMask: u32 = 0;
let order: usize = 0; // u32 slot index per entry
let orderCap: u32 = 0;
let count: u32 = 0;
/** The slot multiplier: odd; Fibonacci's until setTableSeed. */
let multiplier: u32 = FIB;
/** Slots stepped over by lookups (past their first slot) since the table was made. */
let probes: u64 = 0;
/** Slots the call may step over in all (see ERR_COLLISIONS above). */
let probeBudget: u64 = 0;
/** Set by the find functions: whether the last lookup created the entry. */
export let isNew: bool = false;

// @ts-ignore: decorator
@inline function slotOf(hash: u32): u32 {
  return (hash * multiplier) >>> slotShift;
}

/** Sets the slot multiplier from a random `seed` (made odd). */
export function setTableSeed(seed: u32): void {
  multiplier = seed | 1;
}

/** Slots stepped over by the last kernel call's table (how far collisions pushed its lookups). */
export function tableProbes(): u32 {
  return <u32>min<u64>(probes, u32.MAX_VALUE);
}

/** One more slot stepped over; the call fails once its budget is spent. */
// @ts-ignore: decorator
@inline function stepped(): void {
  if (++probes > probeBudget) fail(ERR_COLLISIONS, probes);
}

// @ts-ignore: decorator
@inline function slotAt(s: u32): usize {
  return slots + (<usize>s << SLOT_BITS);
}

/** Starts an empty table for about `expected` distinct keys. */
export function tableInit(expected: u32): void {
  let bits: u32 = 4;
  while (bits < 30 && (<u64>1 << bits) < (<u64>expected << 1)) bits++;
  slots = allocZeroed(<usize>1 << (bits + <u32>SLOT_BITS));
  slotShift = 32 - bits;
  slotMask = (1 << bits) - 1;
  orderCap = max<u32>(expected, 8);
  order = alloc(<usize>orderCap << 2);
  count = 0;
  probes = 0;
  probeBudget = PROBE_SLACK;
}

/** Number of distinct keys in the table. */
// @ts-ignore: decorator
@inline export function tableCount(): u32 {
  return count;
}

function growSlots(): void {
  const bits = 32 - slotShift + 1;
  if (bits > 30) fail(ERR_ARGUMENT, 0);
  const old = slots;
  slots = allocZeroed(<usize>1 << (bits + <u32>SLOT_BITS));
  slotShift = 32 - bits;
  slotMask = (1 << bits) - 1;
  for (let i: u32 = 0; i < count; i++) {
    const op = order + (<usize>i << 2);
    const from = old + (<usize>load<u32>(op) << SLOT_BITS);
    let s = slotOf(load<u32>(from));
    // Uncounted: moving k keys of one run steps over no more slots than placing them did.
    while (load<u32>(slotAt(s), 4) != 0) s = (s + 1) & slotMask;
    const to = slotAt(s);
    store<u64>(to, load<u64>(from));
    store<u64>(to, load<u64>(from, 8), 8);
    store<u64>(to, load<u64>(from, 16), 16);
    store<u64>(to, load<u64>(from, 24), 24);
    store<u32>(op, s);
  }
}

function growOrder(): void {
  const cap = orderCap << 1;
  const o = alloc(<usize>cap << 2);
  memory.copy(o, order, <usize>count << 2);
  order = o;
  orderCap = cap;
}

/** Creates the entry in empty slot `s`; returns the slot's address (valid until the next insert). */
// @ts-ignore: decorator
@inline function newEntry(s: u32, hash: u32, len: u32, ptr: usize, prefix: u64): usize {
  const i = count;
  if (i == orderCap) growOrder();
  let sp = slotAt(s);
  store<u32>(sp, hash);
  store<u32>(sp, i + 1, 4);
  store<u32>(sp, len, 8);
  store<u32>(sp, <u32>ptr, 12);
  store<u64>(sp, prefix, 16);
  store<u32>(order + (<usize>i << 2), s);
  count = i + 1;
  isNew = true;
  // Keep the load factor at or below 1/2.
  if (count << 1 > slotMask + 1) {
    growSlots();
    sp = slotAt(load<u32>(order + (<usize>i << 2)));
  }
  return sp;
}

/** Bytewise equality of two ranges of the same length. */
// @ts-ignore: decorator
@inline function bytesEqual(a: usize, b: usize, len: usize): bool {
  let i: usize = 0;
  while (i + 8 <= len) {
    if (load<u64>(a + i) != load<u64>(b + i)) return false;
    i += 8;
  }
  // The tail as one masked u64 (8 readable bytes follow every arena allocation).
  if (i < len) {
    const mask = (<u64>-1) >>> (<u64>(8 - (len - i)) << 3);
    if (((load<u64>(a + i) ^ load<u64>(b + i)) & mask) != 0) return false;
  }
  return true;
}

/** The first min(len, 8) bytes at ptr, zero-padded, as a u64. */
// @ts-ignore: decorator
@inline function prefixOf(ptr: usize, len: u32): u64 {
  const w = load<u64>(ptr);
  return len >= 8 ? w : w & (((<u64>1) << (<u64>len << 3)) - 1);
}

/**
 * The slot of string key bytes [ptr, ptr+len) with hash `hash`, created if absent (isNew). The
 * address is valid until the next insert.
 */
// @ts-ignore: decorator
@inline export function findString(hash: u32, ptr: usize, len: u32): usize {
  const prefix = prefixOf(ptr, len);
  probeBudget += PROBES_PER_LOOKUP;
  let s = slotOf(hash);
  while (true) {
    const sp = slotAt(s);
    if (load<u32>(sp, 4) == 0) return newEntry(s, hash, len, ptr, prefix);
    if (
      load<u32>(sp) == hash &&
      load<u32>(sp, 8) == len &&
      load<u64>(sp, 16) == prefix &&
      (len <= 8 || bytesEqual(<usize>load<u32>(sp, 12) + 8, ptr + 8, len - 8))
    ) {
      isNew = false;
      return sp;
    }
    s = (s + 1) & slotMask;
    stepped();
  }
}

/** The slot of a number key (canonical bits), created if absent (isNew). */
// @ts-ignore: decorator
@inline export function findNumber(hash: u32, bits: u64): usize {
  probeBudget += PROBES_PER_LOOKUP;
  let s = slotOf(hash);
  while (true) {
    const sp = slotAt(s);
    if (load<u32>(sp, 4) == 0) return newEntry(s, hash, 8, 0, bits);
    if (load<u32>(sp) == hash && load<u64>(sp, 16) == bits) {
      isNew = false;
      return sp;
    }
    s = (s + 1) & slotMask;
    stepped();
  }
}

/** Folds `v` into the value of slot `sp` (or sets it when new). `op` is never OP_COUNT here. */
// @ts-ignore: decorator
@inline export function accumulate(sp: usize, op: u32, v: f64): void {
  if (isNew) {
    store<f64>(sp, v, 24);
  } else {
    const a = load<f64>(sp, 24);
    // f64.min/f64.max: NaN if either is NaN, -0 < +0, exactly Math.min/Math.max.
    store<f64>(sp, op == OP_MIN ? min<f64>(a, v) : op == OP_MAX ? max<f64>(a, v) : a + v, 24);
  }
}

/** Adds one to the count of slot `sp` (1 when new). */
// @ts-ignore: decorator
@inline export function increment(sp: usize): void {
  store<f64>(sp, isNew ? 1.0 : load<f64>(sp, 24) + 1.0, 24);
}

/** The slot of entry i. */
// @ts-ignore: decorator
@inline function entrySlot(i: u32): usize {
  return slotAt(load<u32>(order + (<usize>i << 2)));
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

/**
 * Counts entries per partition into partStart (as prefix starts) and, when byteStart is not 0,
 * key bytes per partition into byteStart (as prefix starts), in one pass over the slots;
 * returns each entry's partition.
 */
function countPartitions(P: u32, partStart: usize, byteStart: usize): usize {
  const E = count;
  const partOf = alloc(<usize>E << 2);
  memory.fill(partStart, 0, (<usize>P + 1) << 2);
  if (byteStart != 0) memory.fill(byteStart, 0, (<usize>P + 1) << 2);
  for (let i: u32 = 0; i < E; i++) {
    const sp = entrySlot(i);
    const p = partitionOf(load<u32>(sp), P);
    store<u32>(partOf + (<usize>i << 2), p);
    const c = partStart + ((<usize>p + 1) << 2);
    store<u32>(c, load<u32>(c) + 1);
    if (byteStart != 0) {
      const b = byteStart + ((<usize>p + 1) << 2);
      store<u32>(b, load<u32>(b) + load<u32>(sp, 8));
    }
  }
  for (let p: u32 = 0; p < P; p++) {
    const c = partStart + ((<usize>p + 1) << 2);
    store<u32>(c, load<u32>(c) + load<u32>(c - 4));
    if (byteStart != 0) {
      const b = byteStart + ((<usize>p + 1) << 2);
      store<u32>(b, load<u32>(b) + load<u32>(b - 4));
    }
  }
  return partOf;
}

/** Writes the table's entries (string keys) grouped by partition; returns the output header. */
export function emitStrings(P: u32): usize {
  if (P == 0) fail(ERR_ARGUMENT, 0);
  const E = count;
  const partStart = alloc((<usize>P + 1) << 2);
  const byteStart = alloc((<usize>P + 1) << 2);
  const partOf = countPartitions(P, partStart, byteStart);
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
    const sp = entrySlot(i);
    const len = load<u32>(sp, 8);
    const bp = byteCursor + (<usize>p << 2);
    const b = load<u32>(bp);
    memory.copy(outBytes + b, <usize>load<u32>(sp, 12), len);
    store<u32>(bp, b + len);
    store<u32>(outHashes + (<usize>pos << 2), load<u32>(sp));
    store<f64>(outValues + (<usize>pos << 3), load<f64>(sp, 24));
    store<u32>(outOffsets + ((<usize>pos + p + 1) << 2), b + len - load<u32>(byteStart + (<usize>p << 2)));
  }
  return header(P, partStart, outHashes, outValues, outOffsets, outBytes, byteStart);
}

/** Writes the table's entries (number keys) grouped by partition; returns the output header. */
export function emitNumbers(P: u32): usize {
  if (P == 0) fail(ERR_ARGUMENT, 0);
  const E = count;
  const partStart = alloc((<usize>P + 1) << 2);
  const partOf = countPartitions(P, partStart, 0);
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
    const sp = entrySlot(i);
    store<u64>(outKeys + (<usize>pos << 3), load<u64>(sp, 16));
    store<f64>(outValues + (<usize>pos << 3), load<f64>(sp, 24));
    store<u32>(outHashes + (<usize>pos << 2), load<u32>(sp));
  }
  return header(P, partStart, outHashes, outValues, 0, outKeys, 0);
}

/**
 * Map-side reduce of `n` records with string keys (key i = bytes[offsets[i], offsets[i+1])) and
 * values (f64[n] at `values`, unused for OP_COUNT), grouped into P output partitions.
 */
export function reduceStrings(bytes: usize, offsets: usize, values: usize, n: u32, op: u32, P: u32): usize {
  if (P == 0 || op > OP_COUNT) fail(ERR_ARGUMENT, 0);
  // Hash first (four keys at a time), then insert.
  const hashes = alloc(<usize>n << 2);
  hashStrings(bytes, offsets, n, hashes);
  tableInit(min<u32>(n, 1 << 16));
  let start = load<u32>(offsets);
  for (let i: u32 = 0; i < n; i++) {
    const end = load<u32>(offsets + ((<usize>i + 1) << 2));
    const e = findString(load<u32>(hashes + (<usize>i << 2)), bytes + start, end - start);
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
