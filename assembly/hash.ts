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

/**
 * Finishes MurmurHash3_x86_32 of a key of `len` bytes whose blocks before `p` are already mixed
 * into `h`: the remaining 4-byte blocks up to `end4`, the tail, the finalizer.
 */
// @ts-ignore: decorator
@inline function murmur3Rest(h: u32, p: usize, end4: usize, len: usize): u32 {
  while (p + 8 <= end4) {
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

/** MurmurHash3_x86_32 of `len` bytes at `ptr`. */
// @ts-ignore: decorator
@inline export function murmur3(ptr: usize, len: usize, seed: u32): u32 {
  return murmur3Rest(seed, ptr, ptr + (len & ~(<usize>3)), len);
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

/**
 * Hashes `n` string keys: key i is bytes[offsets[i], offsets[i+1]) of the arena at `bytes`.
 * Four keys at a time: MurmurHash3's state is one serial chain per key, so mixing the blocks of
 * four keys in lockstep lets the CPU overlap four chains (about 2-3x the throughput of one).
 */
export function hashStrings(bytes: usize, offsets: usize, n: u32, out: usize): void {
  let i: u32 = 0;
  for (; i + 4 <= n; i += 4) {
    const o = offsets + (<usize>i << 2);
    const a0 = load<u32>(o);
    const a1 = load<u32>(o, 4);
    const a2 = load<u32>(o, 8);
    const a3 = load<u32>(o, 12);
    const a4 = load<u32>(o, 16);
    const l0 = <usize>(a1 - a0);
    const l1 = <usize>(a2 - a1);
    const l2 = <usize>(a3 - a2);
    const l3 = <usize>(a4 - a3);
    let p0 = bytes + a0;
    let p1 = bytes + a1;
    let p2 = bytes + a2;
    let p3 = bytes + a3;
    // Whole blocks all four keys have.
    const common = min(min(l0, l1), min(l2, l3)) & ~(<usize>3);
    const stop = p0 + common;
    let h0: u32 = 0;
    let h1: u32 = 0;
    let h2: u32 = 0;
    let h3: u32 = 0;
    while (p0 < stop) {
      h0 = mixH(h0, load<u32>(p0));
      h1 = mixH(h1, load<u32>(p1));
      h2 = mixH(h2, load<u32>(p2));
      h3 = mixH(h3, load<u32>(p3));
      p0 += 4;
      p1 += 4;
      p2 += 4;
      p3 += 4;
    }
    const q = out + (<usize>i << 2);
    store<u32>(q, murmur3Rest(h0, p0, bytes + a0 + (l0 & ~(<usize>3)), l0));
    store<u32>(q, murmur3Rest(h1, p1, bytes + a1 + (l1 & ~(<usize>3)), l1), 4);
    store<u32>(q, murmur3Rest(h2, p2, bytes + a2 + (l2 & ~(<usize>3)), l2), 8);
    store<u32>(q, murmur3Rest(h3, p3, bytes + a3 + (l3 & ~(<usize>3)), l3), 12);
  }
  for (; i < n; i++) {
    const start = load<u32>(offsets + (<usize>i << 2));
    const end = load<u32>(offsets + ((<usize>i + 1) << 2));
    store<u32>(out + (<usize>i << 2), murmur3(bytes + start, end - start, 0));
  }
}

/** Hashes `n` number keys (float64 at `keys`). */
export function hashNumbers(keys: usize, n: u32, out: usize): void {
  for (let i: u32 = 0; i < n; i++) {
    const x = load<f64>(keys + (<usize>i << 3));
    store<u32>(out + (<usize>i << 2), hashBits(canonicalBits(x)));
  }
}
