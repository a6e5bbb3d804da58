/**
 * The seed of the in-memory hash tables (`StringSlots`, `TupleTable`, the kernels' aggregation
 * table), random per thread as V8 seeds a Map's string hashes: keys chosen to collide (sent by a
 * socket, written in a file) collide only for the seed they were chosen for. Those tables iterate
 * in insertion order, never by hash, so nothing visible depends on it; partitioning keeps the
 * fixed MurmurHash3.
 *
 * Drawn on first use, not when the module loads: Cloudflare workerd refuses random values in a
 * module's global scope.
 */
export function tableSeed(): number {
  return (seed ??= randomSeed());
}

let seed: number | undefined;

function randomSeed(): number {
  const crypto = (globalThis as { crypto?: { getRandomValues?: (a: Uint32Array) => Uint32Array } }).crypto;
  if (typeof crypto?.getRandomValues === "function") return crypto.getRandomValues(new Uint32Array(1))[0]!;
  return Math.floor(Math.random() * 2 ** 32);
}
