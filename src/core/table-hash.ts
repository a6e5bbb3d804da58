/**
 * Hashing for the in-memory hash tables (`StringSlots`, `NumberSlots`, `TupleTable`, and the
 * seed of the kernels' aggregation table): FNV-1a steps from a seed random per thread, then
 * MurmurHash3's finalizer. Random as V8 seeds a Map's string hashes: keys chosen to collide
 * (sent by a socket, written in a file) collide only for the seed they were chosen for. Those
 * tables iterate in insertion order, never by hash, so nothing visible depends on it;
 * partitioning keeps the fixed MurmurHash3 of hash.ts.
 */

/** The seed, drawn on first use, not when the module loads: Cloudflare workerd refuses random values in a module's global scope. */
export function tableSeed(): number {
  return (seed ??= randomSeed());
}

let seed: number | undefined;

function randomSeed(): number {
  const crypto = (globalThis as { crypto?: { getRandomValues?: (a: Uint32Array) => Uint32Array } }).crypto;
  if (typeof crypto?.getRandomValues === "function") return crypto.getRandomValues(new Uint32Array(1))[0]!;
  return Math.floor(Math.random() * 2 ** 32);
}

/** Where a hash starts: FNV-1a's offset basis, moved by `seed`. */
export function hashStart(seed: number): number {
  return 0x811c9dc5 ^ seed;
}

/** One FNV-1a step: `x` folded into `h`. */
export function hashStep(h: number, x: number): number {
  return Math.imul(h ^ x, 0x01000193);
}

/** The first steps of MurmurHash3's finalizer: every bit of `h` reaches the low bits a table indexes by. */
export function hashSpread(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  return h ^ (h >>> 13);
}

const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);

/**
 * `v` folded into `h` as numbers are equal (SameValueZero: NaN with NaN, -0 with 0): an int32 as
 * one step, any other number as its two words, NaN as one fixed step (as `TupleTable` hashes a
 * number element, written out there: called from its element switch it was not inlined).
 */
export function hashNumberStep(h: number, v: number): number {
  if (v !== v) return hashStep(h, 0x7ff80000);
  if ((v | 0) === v) return hashStep(hashStep(h, 0x6e), v | 0); // -0 | 0 is 0, so -0 hashes as 0
  f64[0] = v;
  return hashStep(hashStep(hashStep(h, 0x64), u32[0]!), u32[1]!);
}
