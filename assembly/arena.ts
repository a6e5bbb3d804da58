// Linear-memory arena: one bump pointer over raw memory above the static data, reset explicitly
// between batches. Nothing here (or anywhere in the kernels) uses GC-managed objects, so the
// `stub` runtime's allocator is never called.
//
// Errors: a kernel that cannot continue records an error code (and for memory, the bytes it
// needed) and traps with `unreachable`. A trap unwinds the call without touching linear memory or
// globals, so the host reads `errorCode()`/`errorBytes()`, turns them into a typed error, and
// calls `reset()`; the instance stays usable.

/** No error. */
export const ERR_NONE: i32 = 0;
/** An allocation would take linear memory past the configured limit (or the engine refused). */
export const ERR_MEMORY: i32 = 1;
/** An AssemblyScript `abort` (assertion) fired; a bug, never expected. */
export const ERR_ABORT: i32 = 2;
/** Invalid arguments from the host (e.g. zero partitions). */
export const ERR_ARGUMENT: i32 = 3;
/**
 * An aggregation's lookups stepped over more slots than its budget: keys that share one full
 * MurmurHash3 value (anyone can make as many as they like, for any seed) pile into one probe run,
 * and each lookup would walk all of it. The host redoes the call without the table.
 */
export const ERR_COLLISIONS: i32 = 4;

const ALIGN: usize = 16;
const PAGE_BITS: u32 = 16;

let arenaBase: usize = 0;
let arenaTop: usize = 0;
let arenaHigh: usize = 0;
// Limit on the whole linear memory, in bytes (u64 so 4 GiB fits).
let limitBytes: u64 = 1 << 30;
let lastError: i32 = ERR_NONE;
let lastErrorBytes: u64 = 0;

@inline function base(): usize {
  if (arenaBase == 0) {
    arenaBase = (__heap_base + ALIGN - 1) & ~(ALIGN - 1);
    arenaTop = arenaBase;
    arenaHigh = arenaBase;
  }
  return arenaBase;
}

/** Records an error and traps. Never returns. */
export function fail(code: i32, bytes: u64): void {
  lastError = code;
  lastErrorBytes = bytes;
  unreachable();
}

/** AssemblyScript's abort hook (wired with `--use abort=...`): no imports, just a trap. */
export function onAbort(message: usize, fileName: usize, line: u32, column: u32): void {
  fail(ERR_ABORT, <u64>line);
}

function growTo(end: u64): void {
  if (end > limitBytes) fail(ERR_MEMORY, end);
  const have = <u64>memory.size();
  const needPages = ((end + 0xffff) >> PAGE_BITS) - have;
  const limitPages = limitBytes >> PAGE_BITS;
  // Grow geometrically (double), capped at the limit, so a few batches reach the high-water mark.
  let wantPages = needPages > have ? needPages : have;
  if (have + wantPages > limitPages) wantPages = limitPages - have;
  if (wantPages < needPages || memory.grow(<i32>wantPages) < 0) {
    if (memory.grow(<i32>needPages) < 0) fail(ERR_MEMORY, end);
  }
}

/**
 * Allocates `size` bytes (16-byte aligned, not zeroed) from the arena; traps past the limit.
 * At least 8 bytes after every allocation are inside memory, so kernels may load a whole u64 at
 * the tail of a key and mask off what does not belong to it.
 */
export function alloc(size: usize): usize {
  base();
  const ptr = arenaTop;
  const end = (<u64>ptr + <u64>size + <u64>(ALIGN - 1 + 8)) & ~<u64>(ALIGN - 1);
  if (end > (<u64>memory.size() << PAGE_BITS)) growTo(end);
  arenaTop = <usize>end;
  if (arenaTop > arenaHigh) arenaHigh = arenaTop;
  return ptr;
}

/** Allocates `size` zeroed bytes. */
export function allocZeroed(size: usize): usize {
  const ptr = alloc(size);
  memory.fill(ptr, 0, size);
  return ptr;
}

/** Frees everything allocated since the last reset and clears the error state. */
export function reset(): void {
  arenaTop = base();
  lastError = ERR_NONE;
  lastErrorBytes = 0;
}

/** Sets the maximum linear memory in bytes (rounded down to whole 64 KiB pages). */
export function setMemoryLimit(bytes: f64): void {
  let b = bytes >= 4294967296.0 ? <u64>4294967296 : <u64>bytes;
  limitBytes = (b >> PAGE_BITS) << PAGE_BITS;
}

/** The maximum linear memory in bytes. */
export function memoryLimit(): f64 {
  return <f64>limitBytes;
}

/** The error code of the last failed call (ERR_*), or ERR_NONE. */
export function errorCode(): i32 {
  return lastError;
}

/** For ERR_MEMORY: the linear memory size, in bytes, that the failed allocation needed; for ERR_COLLISIONS, the slots stepped over. */
export function errorBytes(): f64 {
  return <f64>lastErrorBytes;
}

/** Bytes in use by the arena now. */
export function arenaUsed(): u32 {
  return <u32>(arenaTop - base());
}

/** The highest arena address reached since instantiation. */
export function arenaHighWater(): u32 {
  base();
  return <u32>arenaHigh;
}

/** memory.copy of `len` bytes (the baseline the hash benchmark compares against). */
export function copyBytes(dst: usize, src: usize, len: usize): void {
  memory.copy(dst, src, len);
}
