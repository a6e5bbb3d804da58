// Byte strings that all share one MurmurHash3_x86_32 value, whatever the seed. A 4-byte block
// enters the state as h = rotl(h ^ mix(block), 13) * 5 + c, with mix a bijection; two blocks whose
// mixed words differ in bit 18 leave states that differ in bit 31 alone (rotl moves 18 to 31, and
// adding 2^31 commutes with *5 and +c), and a next pair of blocks whose mixed words differ in
// bit 31 cancels that. Each 8-byte unit is one of two such pairs, so t units give 2^t keys of 8t
// bytes. No byte is whitespace or starts a multi-byte whitespace, so each key is one token to the
// word count kernel; they are not UTF-8 (no printable pair of first blocks exists).

const C1 = 0xcc9e2d51;
const C2 = 0x1b873593;
/** Bytes that are, or may start, White_Space in UTF-8. */
const SPACE_LEADS = new Set([0x85, 0xa0, 0xc2, 0xe1, 0xe2, 0xe3]);

/** The inverse of an odd number modulo 2^32 (Newton's iteration). */
function inverse(c: number): number {
  let x = c;
  for (let i = 0; i < 5; i++) x = Math.imul(x, 2 - Math.imul(c, x));
  return x;
}

/** The block whose mixed word (c1, rotl 15, c2) is `k`. */
function unmix(k: number): number {
  const r = Math.imul(k, inverse(C2)) >>> 0;
  return Math.imul(((r >>> 15) | (r << 17)) >>> 0, inverse(C1)) >>> 0;
}

function tokenBytes(block: number): boolean {
  for (let i = 0; i < 4; i++) {
    const b = (block >>> (8 * i)) & 0xff;
    if (b <= 0x20 || SPACE_LEADS.has(b)) return false;
  }
  return true;
}

/** The first block (by mixed words stepping through multiples of a constant) that, with its partner, is all token bytes. */
function pairFor(difference: number): [number, number] {
  for (let i = 1; ; i++) {
    const k = Math.imul(i, 0x9e3779b9) >>> 0;
    const a = unmix(k);
    const b = unmix((k ^ difference) >>> 0);
    if (tokenBytes(a) && tokenBytes(b)) return [a, b];
  }
}

/** 2^units distinct keys of 8 * units bytes, all with one MurmurHash3 value. */
export function murmurCollisions(units: number): Uint8Array[] {
  const [first, firstFlipped] = pairFor(1 << 18);
  const [second, secondFlipped] = pairFor(0x80000000);
  const out: Uint8Array[] = [];
  for (let j = 0; j < 2 ** units; j++) {
    const key = new DataView(new ArrayBuffer(8 * units));
    for (let u = 0; u < units; u++) {
      const flipped = ((j >>> u) & 1) === 1;
      key.setUint32(8 * u, flipped ? firstFlipped : first, true); // MurmurHash3 reads blocks little-endian
      key.setUint32(8 * u + 4, flipped ? secondFlipped : second, true);
    }
    out.push(new Uint8Array(key.buffer));
  }
  return out;
}
