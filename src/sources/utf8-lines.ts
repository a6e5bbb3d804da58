/**
 * Whole-batch checks and decoding of UTF-8 text made of complete lines, for text batches kept as
 * bytes: lines are decoded only if an operator needs them, and a fused kernel can count words
 * straight from the bytes.
 */

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
  let lines = 0;
  let longest = 0;
  for (let start = 0; start < bytes.length; ) {
    let end = bytes.indexOf(10, start);
    if (end < 0) end = bytes.length - 1;
    if (end - start > longest) longest = end - start;
    lines++;
    start = end + 1;
  }
  // A UTF-16 unit takes at least one byte, so a line no longer than the limit in bytes is fine;
  // longer ones are rare enough to leave to the exact path.
  if (longest > maxLineLength) return { lines, clean: false };
  return { lines, clean: isAscii(bytes) || isValidUtf8(bytes) };
}

/** The lines of `bytes` (each "\n"-terminated, a "\r" before it removed). */
export function decodeLines(bytes: Uint8Array, atStreamStart: boolean): string[] {
  const text = (atStreamStart ? decoderAtStart : decoder).decode(bytes);
  const lines = text.split("\n");
  lines.pop(); // the empty piece after the last newline
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.charCodeAt(line.length - 1) === 13) lines[i] = line.slice(0, -1);
  }
  return lines;
}

function isAscii(bytes: Uint8Array): boolean {
  const n = bytes.length;
  let i = 0;
  // Four bytes at a time where the view allows it.
  if (bytes.byteOffset % 4 === 0) {
    const words = new Uint32Array(bytes.buffer, bytes.byteOffset, n >>> 2);
    let acc = 0;
    for (let w = 0; w < words.length; w++) acc |= words[w]!;
    if (acc & 0x80808080) return false;
    i = words.length << 2;
  }
  let acc = 0;
  for (; i < n; i++) acc |= bytes[i]!;
  return (acc & 0x80) === 0;
}

function isValidUtf8(bytes: Uint8Array): boolean {
  try {
    strict.decode(bytes);
    return true;
  } catch {
    return false;
  }
}
