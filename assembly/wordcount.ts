// Fused word count: raw UTF-8 bytes -> tokens (maximal runs of non-White_Space) -> count per
// distinct token -> grouped by output partition (system hash of the token's bytes % P).
// No string per word: tokens are byte ranges of the input, hashed and compared in place.
//
// White_Space (Unicode PropList): U+0009-U+000D, U+0020, U+0085, U+00A0, U+1680, U+2000-U+200A,
// U+2028, U+2029, U+202F, U+205F, U+3000. In UTF-8: one ASCII byte, C2 85, C2 A0, E1 9A 80,
// E2 80 80-8A, E2 80 A8, E2 80 A9, E2 80 AF, E2 81 9F, E3 80 80. Any other byte, including
// invalid UTF-8, belongs to a token, so the kernel is total over arbitrary bytes.

import { findString, increment, tableInit, emitStrings } from "./aggregate";
import { fail, ERR_ARGUMENT } from "./arena";
import { murmur3 } from "./hash";

// Byte class: 0 token byte, 1 ASCII whitespace, 2 lead byte of a possible multi-byte whitespace.
const CLASS: usize = memory.data<u8>([
  0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
  1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
  0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
  0, 2, 2, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
]);

/** Length of the multi-byte whitespace sequence at p (lead byte c, class 2), or 0. */
// @ts-ignore: decorator
@inline function wideSpace(p: usize, end: usize, c: u32): usize {
  if (c == 0xc2) {
    if (p + 1 < end) {
      const b = <u32>load<u8>(p, 1);
      if (b == 0x85 || b == 0xa0) return 2;
    }
    return 0;
  }
  if (p + 2 >= end) return 0;
  const b1 = <u32>load<u8>(p, 1);
  const b2 = <u32>load<u8>(p, 2);
  if (c == 0xe2) {
    if (b1 == 0x80) return (b2 - 0x80 <= 0x0a || b2 == 0xa8 || b2 == 0xa9 || b2 == 0xaf) ? 3 : 0;
    return b1 == 0x81 && b2 == 0x9f ? 3 : 0;
  }
  if (c == 0xe1) return b1 == 0x9a && b2 == 0x80 ? 3 : 0;
  return b1 == 0x80 && b2 == 0x80 ? 3 : 0; // 0xe3
}

/**
 * Counts the tokens of the `len` bytes at `ptr` into P output partitions; returns the output
 * header (see aggregate.ts), values are counts.
 */
export function wordCount(ptr: usize, len: usize, P: u32): usize {
  if (P == 0) fail(ERR_ARGUMENT, 0);
  const end = ptr + len;
  tableInit(<u32>min<usize>(len >>> 4, 4096));
  let p = ptr;
  while (p < end) {
    let c = <u32>load<u8>(p);
    let cls = load<u8>(CLASS + c);
    if (cls == 1) {
      p++;
      continue;
    }
    if (cls == 2) {
      const w = wideSpace(p, end, c);
      if (w != 0) {
        p += w;
        continue;
      }
    }
    const start = p;
    p++;
    while (p < end) {
      c = <u32>load<u8>(p);
      cls = load<u8>(CLASS + c);
      if (cls == 0) {
        p++;
        continue;
      }
      if (cls == 1 || wideSpace(p, end, c) != 0) break;
      p++;
    }
    const tokenLen = <u32>(p - start);
    increment(findString(murmur3(start, tokenLen, 0), start, tokenLen));
  }
  return emitStrings(P);
}
