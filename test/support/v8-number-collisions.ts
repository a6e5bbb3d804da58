// Doubles that V8's Map puts in one bucket whatever its size: a Map hashes a non-integer number
// by an unseeded 64-bit mix of its bits (ComputeLongHash) keeping the low 30 bits, and every step
// of that mix can be undone. Undoing it from hashes that agree in their low 24 bits gives as many
// such doubles as wanted.

const MASK = (1n << 64n) - 1n;

/** The inverse of an odd number modulo 2^64 (Newton's iteration). */
function inverse(a: bigint): bigint {
  let x = a;
  for (let i = 0; i < 7; i++) x = (x * (2n - a * x)) & MASK;
  return x;
}

/** The inverse of h ^= h >> shift. */
function unshift(h: bigint, shift: number): bigint {
  let r = h;
  for (let k = shift; k < 64; k += shift) r ^= h >> BigInt(k);
  return r & MASK;
}

/** The bits whose ComputeLongHash mix is `h` (the mix: ~k + (k << 18); ^ >> 31; * 21; ^ >> 11; * 65; ^ >> 22). */
function unmix(h: bigint): bigint {
  const h4 = (unshift(h, 22) * inverse(65n)) & MASK;
  const h2 = (unshift(h4, 11) * inverse(21n)) & MASK;
  return ((unshift(h2, 31) + 1n) * inverse((1n << 18n) - 1n)) & MASK;
}

/** `count` finite non-integer doubles whose V8 number hashes agree in their low 24 bits. */
export function v8BucketCollisions(count: number): number[] {
  const view = new DataView(new ArrayBuffer(8));
  const out: number[] = [];
  for (let i = 1n; out.length < count; i++) {
    view.setBigUint64(0, unmix((i << 24n) | 0x5eed5n));
    const d = view.getFloat64(0);
    if (Number.isFinite(d) && !Number.isInteger(d)) out.push(d);
  }
  return out;
}
