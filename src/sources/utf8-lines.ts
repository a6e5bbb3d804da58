/**
 * Whole-batch checks and decoding of UTF-8 text made of complete lines, for text batches kept as
 * bytes: lines are decoded only if an operator needs them, and a fused kernel can count words
 * straight from the bytes.
 */

import { decodable } from "../core/shared-memory.ts";

const decoderAtStart = new TextDecoder("utf-8"); // strips a byte order mark, as at a stream's start
const decoder = new TextDecoder("utf-8", { ignoreBOM: true });
const strict = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

export interface LinesScan {
  /** Number of lines (the bytes end with a newline). */
  readonly lines: number;
  /**
   * True when the bytes are valid UTF-8 and no line can exceed `maxLineLength` UTF-16 units:
   * decoding them then gives exactly the lines a `LineSplitter` would, with nothing replaced or
   * dropped.
   */
  readonly clean: boolean;
}

/** Counts the lines of `bytes` (ending with "\n") and checks them; see `LinesScan`. */
export function scanLines(bytes: Uint8Array, maxLineLength: number): LinesScan {
  const { newlines, ascii } = countNewlines(bytes);
  if (hasLongerLine(bytes, maxLineLength)) return { lines: newlines, clean: false };
  return { lines: newlines, clean: ascii || isValidUtf8(bytes) };
}

/**
 * True when some line may be longer than `max` UTF-16 units: a line no longer than that in
 * bytes is fine (a unit takes at least one byte); longer ones are left to the exact path. Jumps
 * from newline to the last newline within `max + 1` bytes, so it costs one native search per
 * `max` bytes, not one per line.
 */
export function hasLongerLine(bytes: Uint8Array, max: number): boolean {
  const n = bytes.length;
  let start = 0;
  while (n - start > max + 1) {
    const newline = bytes.lastIndexOf(10, start + max);
    if (newline < start) return true;
    start = newline + 1;
  }
  return false;
}

/**
 * Newlines counted four bytes at a time (a zero-byte test on `word ^ 0x0a0a0a0a`), and whether
 * every byte is ASCII, in the same pass.
 */
export function countNewlines(bytes: Uint8Array): { newlines: number; ascii: boolean } {
  const n = bytes.length;
  let newlines = 0;
  let or = 0;
  let i = 0;
  const head = (4 - (bytes.byteOffset & 3)) & 3;
  for (; i < Math.min(head, n); i++) {
    or |= bytes[i]!;
    if (bytes[i] === 10) newlines++;
  }
  const words = (n - i) >>> 2;
  if (words > 0) {
    const view = new Uint32Array(bytes.buffer, bytes.byteOffset + i, words);
    for (let w = 0; w < words; w++) {
      const x = view[w]!;
      or |= x;
      const y = x ^ 0x0a0a0a0a;
      // High bit of each byte set exactly where that byte of y is zero.
      const zero = ~(((y & 0x7f7f7f7f) + 0x7f7f7f7f) | y | 0x7f7f7f7f);
      if (zero !== 0) newlines += Math.imul(zero >>> 7, 0x01010101) >>> 24;
    }
    i += words << 2;
  }
  for (; i < n; i++) {
    or |= bytes[i]!;
    if (bytes[i] === 10) newlines++;
  }
  return { newlines, ascii: (or & 0x80808080) === 0 };
}

/** The lines of `bytes` (each "\n"-terminated, a "\r" before it removed). */
export function decodeLines(bytes: Uint8Array, atStreamStart: boolean): string[] {
  const text = (atStreamStart ? decoderAtStart : decoder).decode(decodable(bytes));
  const lines = text.split("\n");
  lines.pop(); // the empty piece after the last newline
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.charCodeAt(line.length - 1) === 13) lines[i] = line.slice(0, -1);
  }
  return lines;
}

function isValidUtf8(bytes: Uint8Array): boolean {
  try {
    strict.decode(bytes);
    return true;
  } catch {
    return false;
  }
}
