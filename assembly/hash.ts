// MurmurHash3_x86_32 (Austin Appleby's public-domain reference), the system hash; must match
// src/core/hash.ts bit for bit. Keys: strings as UTF-8 bytes; numbers as the 8 little-endian
// bytes of their float64 with -0 as 0 and every NaN as the canonical quiet NaN.

const C1: u32 = 0xcc9e2d51;
const C2: u32 = 0x1b873593;

/** The canonical bits of a number key: -0 as +0, every NaN as 0x7FF8000000000000. */
// @ts-ignore: decorator
@inline export function canonicalBits(x: f64): u64 {
  if (x != x) return 0x7ff8000000000000;
  if (x == 0) return 0;
  return reinterpret<u64>(x);
}

// @ts-ignore: decorator
@inline export function mixK(k: u32): u32 {
  k *= C1;
  k = rotl<u32>(k, 15);
  return k * C2;
}

// @ts-ignore: decorator
@inline export function mixH(h: u32, k: u32): u32 {
  h ^= mixK(k);
  h = rotl<u32>(h, 13);
  return h * 5 + 0xe6546b64;
}

// @ts-ignore: decorator
@inline export function fmix(h: u32, len: u32): u32 {
  h ^= len;
  h ^= h >>> 16;
  h *= 0x85ebca6b;
  h ^= h >>> 13;
  h *= 0xc2b2ae35;
  h ^= h >>> 16;
  return h;
}

/** MurmurHash3_x86_32 of `len` bytes at `ptr`. */
// @ts-ignore: decorator
@inline export function murmur3(ptr: usize, len: usize, seed: u32): u32 {
  let h = seed;
  let p = ptr;
  const end4 = ptr + (len & ~(<usize>3));
  // Two blocks per iteration: fewer loop branches; the h-chain is serial anyway.
  const end8 = ptr + (len & ~(<usize>7));
  while (p < end8) {
    const w = load<u64>(p);
    h = mixH(h, <u32>w);
    h = mixH(h, <u32>(w >>> 32));
    p += 8;
  }
  if (p < end4) {
    h = mixH(h, load<u32>(p));
    p += 4;
  }
  let k: u32 = 0;
  switch (<u32>(len & 3)) {
    case 3:
      k ^= <u32>load<u8>(p, 2) << 16;
    // falls through
    case 2:
      k ^= <u32>load<u8>(p, 1) << 8;
    // falls through
    case 1:
      k ^= <u32>load<u8>(p);
      h ^= mixK(k);
  }
  return fmix(h, <u32>len);
}

/** The system hash of a number key (murmur3 of its canonical 8 bytes). */
// @ts-ignore: decorator
@inline export function hashBits(bits: u64): u32 {
  let h = mixH(0, <u32>bits);
  h = mixH(h, <u32>(bits >>> 32));
  return fmix(h, 8);
}

/** MurmurHash3_x86_32 of `len` bytes at `ptr` with `seed` (exported for the published vectors). */
export function murmur3Range(ptr: usize, len: usize, seed: u32): u32 {
  return murmur3(ptr, len, seed);
}

/** Hashes `n` string keys: key i is bytes[offsets[i], offsets[i+1]) of the arena at `bytes`. */
export function hashStrings(bytes: usize, offsets: usize, n: u32, out: usize): void {
  let start = load<u32>(offsets);
  for (let i: u32 = 0; i < n; i++) {
    const end = load<u32>(offsets + ((<usize>i + 1) << 2));
    store<u32>(out + (<usize>i << 2), murmur3(bytes + start, end - start, 0));
    start = end;
  }
}

/** Hashes `n` number keys (float64 at `keys`). */
export function hashNumbers(keys: usize, n: u32, out: usize): void {
  for (let i: u32 = 0; i < n; i++) {
    const x = load<f64>(keys + (<usize>i << 3));
    store<u32>(out + (<usize>i << 2), hashBits(canonicalBits(x)));
  }
}
