/**
 * The one hash function of the system: MurmurHash3_x86_32 (seed 0 unless given) over a canonical
 * byte encoding of a key. Partition assignment and checkpoints depend on it, so it must give the
 * same value on every runtime and after a restart; the WASM kernels implement the same function.
 *
 * Canonical encodings:
 * - string: its UTF-8 bytes (lone surrogates encode as U+FFFD, as TextEncoder does);
 * - number: the 8 little-endian bytes of its float64, with -0 written as 0 and every NaN as the
 *   one canonical quiet NaN, so keys that compare equal hash equal;
 * - boolean: one byte, 0 or 1, after a tag byte; bigint: its decimal text after a tag byte.
 */

const C1 = 0xcc9e2d51;
const C2 = 0x1b873593;

function mixK(k: number): number {
  k = Math.imul(k, C1);
  k = (k << 15) | (k >>> 17);
  return Math.imul(k, C2);
}

function mixH(h: number, k: number): number {
  h ^= mixK(k);
  h = (h << 13) | (h >>> 19);
  return (Math.imul(h, 5) + 0xe6546b64) | 0;
}

function finish(h: number, length: number): number {
  h ^= length;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** MurmurHash3_x86_32 of `bytes[start, end)`; an unsigned 32-bit result. */
export function murmur3Bytes(bytes: Uint8Array, seed = 0, start = 0, end = bytes.length): number {
  let h = seed | 0;
  let i = start;
  const blocksEnd = start + ((end - start) & ~3);
  for (; i < blocksEnd; i += 4) {
    const k = bytes[i]! | (bytes[i + 1]! << 8) | (bytes[i + 2]! << 16) | (bytes[i + 3]! << 24);
    h = mixH(h, k);
  }
  const rest = end - i;
  if (rest > 0) {
    let k = bytes[i]!;
    if (rest > 1) k |= bytes[i + 1]! << 8;
    if (rest > 2) k |= bytes[i + 2]! << 16;
    h ^= mixK(k);
  }
  return finish(h, end - start);
}

/**
 * MurmurHash3_x86_32 of the UTF-8 encoding of `s`, computed without materialising the bytes:
 * keys are hashed once per distinct key per partition, and an encoder call each would dominate.
 */
export function murmur3String(s: string, seed = 0): number {
  let h = seed | 0;
  let block = 0; // bytes gathered for the current 4-byte block, little-endian
  let filled = 0;
  let length = 0;
  const n = s.length;
  // One byte into the running block; flushes a full block through the mix.
  const put = (b: number): void => {
    block |= b << (filled << 3);
    filled++;
    if (filled === 4) {
      h = mixH(h, block);
      block = 0;
      filled = 0;
    }
  };
  for (let i = 0; i < n; i++) {
    let c = s.charCodeAt(i);
    if (c < 0x80) {
      put(c);
      length += 1;
      continue;
    }
    if (c < 0x800) {
      put(0xc0 | (c >> 6));
      put(0x80 | (c & 0x3f));
      length += 2;
      continue;
    }
    if (c >= 0xd800 && c <= 0xdfff) {
      const next = i + 1 < n ? s.charCodeAt(i + 1) : 0;
      if (c <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
        c = 0x10000 + ((c - 0xd800) << 10) + (next - 0xdc00);
        i++;
        put(0xf0 | (c >> 18));
        put(0x80 | ((c >> 12) & 0x3f));
        put(0x80 | ((c >> 6) & 0x3f));
        put(0x80 | (c & 0x3f));
        length += 4;
        continue;
      }
      c = 0xfffd; // lone surrogate: what TextEncoder writes
    }
    put(0xe0 | (c >> 12));
    put(0x80 | ((c >> 6) & 0x3f));
    put(0x80 | (c & 0x3f));
    length += 3;
  }
  if (filled > 0) h ^= mixK(block);
  return finish(h, length);
}

const numberView = new DataView(new ArrayBuffer(8));
const numberBytes = new Uint8Array(numberView.buffer);

/** The canonical float64 bytes of a number key: -0 as 0, every NaN as one quiet NaN. */
export function canonicalNumberBytes(x: number): Uint8Array {
  if (x === 0) x = 0;
  if (Number.isNaN(x)) numberView.setUint32(0, 0), numberView.setUint32(4, 0x7ff80000, true);
  else numberView.setFloat64(0, x, true);
  return numberBytes;
}

const TAG_BOOLEAN = 0xfe;
const TAG_BIGINT = 0xfd;
const tagged = new Uint8Array(2);

/** The system hash of a key; keys equal under `Map` semantics hash equal. */
export function hashKey(key: unknown): number {
  switch (typeof key) {
    case "string":
      return murmur3String(key);
    case "number":
      return murmur3Bytes(canonicalNumberBytes(key));
    case "boolean":
      tagged[0] = TAG_BOOLEAN;
      tagged[1] = key ? 1 : 0;
      return murmur3Bytes(tagged);
    case "bigint": {
      const digits = key.toString();
      const bytes = new Uint8Array(digits.length + 1);
      bytes[0] = TAG_BIGINT;
      for (let i = 0; i < digits.length; i++) bytes[i + 1] = digits.charCodeAt(i);
      return murmur3Bytes(bytes);
    }
    default:
      return murmur3String(String(key));
  }
}
