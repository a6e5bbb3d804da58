/**
 * Line splitting for text sources, with Spark's `socketTextStream` record semantics: one record
 * per line, the terminator is not part of the record, empty lines are records. Lines end at
 * '\n'; one '\r' right before it is dropped (CRLF); a '\r' anywhere else is ordinary text, also
 * at the very end of the stream (unlike Java's `readLine`, which would end a line there).
 *
 * Byte chunks decode exactly as `new TextDecoder("utf-8")` would decode the concatenation of all
 * of them, wherever the chunk boundaries fall: the same U+FFFD replacements and the same leading
 * BOM removal (only at the start of the stream). String chunks are already text and pass through
 * verbatim. When a string chunk follows bytes that stopped in the middle of a UTF-8 sequence, that
 * sequence is truncated: it becomes U+FFFD, as at the end of the stream.
 */
import { RivuletError } from "../core/errors.ts";

export interface LineSplitterOptions {
  /** In UTF-16 code units (string `.length`), excluding the terminator. Default 1_048_576. */
  maxLineLength?: number;
}

const DEFAULT_MAX_LINE_LENGTH = 1_048_576;
const CR = 13;

// `ignoreBOM: true` because every chunk is decoded by its own non-streaming call, and the
// default would strip a U+FEFF at the start of every chunk, not just of the stream.
const fatalDecoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
const lenientDecoder = new TextDecoder("utf-8", { ignoreBOM: true });

/** Length of the UTF-8 sequence a lead byte announces, or 0 if no valid sequence starts with it. */
function sequenceLength(byte: number): number {
  if (byte < 0xc2) return byte < 0x80 ? 1 : 0;
  if (byte < 0xe0) return 2;
  if (byte < 0xf0) return 3;
  return byte < 0xf5 ? 4 : 0;
}

function isContinuation(byte: number): boolean {
  return (byte & 0xc0) === 0x80;
}

export class LineSplitter {
  private readonly maxLineLength: number;
  /** Text of the line in progress; never longer than maxLineLength + 1 (room for a CRLF's '\r'). */
  private pending = "";
  /** True while discarding the rest of an over-long line, up to its '\n'. */
  private skipping = false;
  /** Whether the next decoded text is the start of the stream, where a BOM is dropped. */
  private atStreamStart = true;
  /**
   * Trailing bytes of the last chunk that may be the start of a multi-byte sequence completed by
   * the next chunk. At most 3 bytes: a lead byte and up to two continuation bytes.
   */
  private readonly carry = new Uint8Array(4);
  private carryLength = 0;
  private _invalidUtf8 = 0;
  private _overlongLines = 0;

  constructor(options?: LineSplitterOptions) {
    const max = options?.maxLineLength ?? DEFAULT_MAX_LINE_LENGTH;
    if (!(max >= 0 && (Number.isInteger(max) || max === Infinity))) {
      throw new RivuletError(
        "INVALID_ARGUMENT",
        `maxLineLength must be a non-negative integer or Infinity, got ${String(max)}`,
      );
    }
    this.maxLineLength = max;
  }

  /** U+FFFD replacements made for invalid or truncated UTF-8 (WHATWG decoder semantics). */
  get invalidUtf8(): number {
    return this._invalidUtf8;
  }

  /** Lines longer than maxLineLength, dropped whole (never emitted, never truncated). */
  get overlongLines(): number {
    return this._overlongLines;
  }

  /** Feeds one chunk; appends every line completed by it to `out`, returns the number appended. */
  push(chunk: Uint8Array | string, out: string[]): number {
    if (typeof chunk === "string") {
      if (chunk.length === 0) return 0;
      let n = 0;
      if (this.carryLength > 0) n += this.flushCarry(out);
      this.atStreamStart = false;
      return n + this.cut(chunk, out);
    }
    let bytes = chunk;
    if (bytes.length === 0) return 0;
    let n = 0;
    if (this.carryLength > 0) {
      // Complete the carried sequence with the continuation bytes it still needs, then decode it
      // on its own. Where that stops, the WHATWG decoder is back in its initial state whatever the
      // bytes were (the sequence is complete, or it failed and each leftover continuation byte
      // is its own error, or the next byte is not a continuation), so decoding the rest of the
      // chunk separately gives the same text as decoding everything at once.
      const need = sequenceLength(this.carry[0]!);
      let i = 0;
      while (this.carryLength < need && i < bytes.length && isContinuation(bytes[i]!)) {
        this.carry[this.carryLength++] = bytes[i++]!;
      }
      if (this.carryLength < need && i === bytes.length) return 0;
      n += this.flushCarry(out);
      if (i === bytes.length) return n;
      bytes = bytes.subarray(i);
    }
    // Hold back a trailing incomplete sequence for the next chunk. Cutting right before a byte that
    // is not a continuation byte never changes the decoding: the decoder either is in its initial
    // state there or ends its current sequence with an error and starts over at that byte.
    let end = bytes.length;
    const stop = Math.max(0, end - 3);
    for (let j = end - 1; j >= stop; j--) {
      const b = bytes[j]!;
      if (isContinuation(b)) continue;
      if (sequenceLength(b) > end - j) {
        this.carry.set(bytes.subarray(j, end));
        this.carryLength = end - j;
        end = j;
      }
      break;
    }
    if (end === 0) return n;
    return n + this.cut(this.decode(end === bytes.length ? bytes : bytes.subarray(0, end)), out);
  }

  /**
   * End of stream: flushes a truncated UTF-8 sequence as U+FFFD and emits the last line if it had
   * no trailing newline. The splitter is then ready for a new stream; the counters keep counting.
   */
  end(out: string[]): number {
    let n = 0;
    if (this.carryLength > 0) n += this.flushCarry(out);
    const line = this.pending;
    if (!this.skipping && line.length > 0) {
      // Nothing follows, so a trailing '\r' stays in the line and counts towards its length.
      if (line.length > this.maxLineLength) this._overlongLines++;
      else {
        out.push(line);
        n++;
      }
    }
    this.pending = "";
    this.skipping = false;
    this.atStreamStart = true;
    return n;
  }

  private flushCarry(out: string[]): number {
    const text = this.decode(this.carry.subarray(0, this.carryLength));
    this.carryLength = 0;
    return this.cut(text, out);
  }

  private decode(bytes: Uint8Array): string {
    let text: string;
    try {
      text = fatalDecoder.decode(bytes);
    } catch {
      text = lenientDecoder.decode(bytes);
      this._invalidUtf8 += countReplacements(text, bytes);
    }
    if (this.atStreamStart) {
      this.atStreamStart = false;
      // U+FEFF first in the text can only come from the bytes EF BB BF at the very start.
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    return text;
  }

  /** Cuts decoded text into lines, continuing the pending line. */
  private cut(s: string, out: string[]): number {
    if (s.length === 0) return 0;
    const max = this.maxLineLength;
    let n = 0;
    let start = 0;
    let nl = s.indexOf("\n");
    if (this.skipping) {
      if (nl === -1) return 0;
      this.skipping = false;
      start = nl + 1;
      nl = s.indexOf("\n", start);
    } else if (this.pending.length > 0 && nl !== -1) {
      const p = this.pending;
      const cr = nl > 0 ? s.charCodeAt(nl - 1) === CR : p.charCodeAt(p.length - 1) === CR;
      const length = p.length + nl - (cr ? 1 : 0);
      // Lengths are checked before concatenating so a dropped line costs no allocation.
      if (length > max) this._overlongLines++;
      else {
        out.push(nl === 0 ? (cr ? p.slice(0, -1) : p) : p + s.slice(0, cr ? nl - 1 : nl));
        n++;
      }
      this.pending = "";
      start = nl + 1;
      nl = s.indexOf("\n", start);
    }
    while (nl !== -1) {
      const lineEnd = nl > start && s.charCodeAt(nl - 1) === CR ? nl - 1 : nl;
      if (lineEnd - start > max) this._overlongLines++;
      else {
        out.push(s.slice(start, lineEnd));
        n++;
      }
      start = nl + 1;
      nl = s.indexOf("\n", start);
    }
    if (start < s.length) this.keepTail(s, start);
    return n;
  }

  private keepTail(s: string, start: number): void {
    const length = this.pending.length + s.length - start;
    const limit = this.maxLineLength + 1;
    // One unit over the limit is still fine if it is a '\r' that a following '\n' will strip;
    // anything more can only end as an over-long line, so stop buffering it now.
    if (length > limit || (length === limit && s.charCodeAt(s.length - 1) !== CR)) {
      this._overlongLines++;
      this.skipping = true;
      this.pending = "";
      return;
    }
    this.pending = start === 0 ? this.pending + s : this.pending + s.slice(start);
  }
}

/**
 * Replacements made by the lenient decoder: U+FFFD in its output minus the valid EF BF BD
 * sequences in the input. Every EF BF BD decodes to a genuine U+FFFD because EF is never a
 * continuation byte, so whatever precedes it cannot absorb it.
 */
function countReplacements(text: string, bytes: Uint8Array): number {
  let replacements = 0;
  for (let i = text.indexOf("\ufffd"); i !== -1; i = text.indexOf("\ufffd", i + 1)) replacements++;
  for (let i = bytes.indexOf(0xef); i !== -1 && i + 2 < bytes.length; i = bytes.indexOf(0xef, i + 1)) {
    if (bytes[i + 1] === 0xbf && bytes[i + 2] === 0xbd) replacements--;
  }
  return replacements;
}
