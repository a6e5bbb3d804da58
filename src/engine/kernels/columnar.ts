/**
 * Columnar encoding of a batch for the kernels: keys (all strings or all numbers) into a
 * `KeyColumn`, numeric values into a `Float64Array`, and back.
 *
 * Strategy (measured by bench/kernels/encoding-strategies.ts, 500k keys, Node 20):
 * - encode, short keys (average < 16 UTF-16 units): a JS `charCodeAt` loop into a buffer of one
 *   byte per unit, optimistic about ASCII; from the first non-ASCII key on, into a buffer of 3
 *   bytes a unit, trimmed at the end. For 3-10 letter keys this is
 *   ~3x faster than one `TextEncoder.encodeInto` over `keys.join("")` and ~6x faster than a
 *   per-key `encodeInto` (whose subarray and result object per key dominate).
 * - encode, long keys (average >= 16 units): one `encodeInto` over `keys.join("")`; when it was
 *   all ASCII (`read === written === length`) the offsets are the cumulative string lengths,
 *   else each key's UTF-8 length is counted and the joined string encoded once more. For 40-80
 *   letter keys this is ~3x faster than either loop. A lone surrogate at a key boundary that
 *   would pair up across keys is caught (totals disagree) and those keys are encoded one by one.
 * - decode: one fatal `TextDecoder.decode` over all key bytes, then `slice` per key (UTF-16 unit
 *   offsets counted from the bytes unless the text is ASCII): ~2x faster than a decode per key
 *   for short keys. Keys of 13 or more units are decoded on their own instead (and batches whose
 *   keys average that long skip the whole-text decode), because V8 makes a slice that long a
 *   view of its parent string, and a key kept in state would otherwise keep a whole batch's text
 *   alive. Invalid UTF-8 (possible in word-count output) is decoded per key with U+FFFD.
 *   Decoders ignore the BOM, so a key may start with U+FEFF.
 */

import type { Aggregate, KeyColumn, NumberKeyColumn, StringKeyColumn } from "./types.ts";

const encoder = new TextEncoder();
// ignoreBOM: a key may start with U+FEFF, which a default decoder would strip.
const decoder = new TextDecoder("utf-8", { ignoreBOM: true });
const fatalDecoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/** V8 makes substrings of at least this many UTF-16 units views of their parent. */
const SLICE_VIEW_MIN = 13;

/** Number of UTF-8 bytes TextEncoder writes for `s` (a lone surrogate as U+FFFD, 3 bytes). */
export function utf8Length(s: string): number {
  let n = 0;
  const len = s.length;
  for (let i = 0; i < len; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < len) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        n += 4;
        i++;
      } else n += 3;
    } else n += 3;
  }
  return n;
}

/** Keys at least this long are encoded by TextEncoder.encodeInto; shorter ones by a JS loop. */
const ENCODE_INTO_MIN = 64;

/** Writes the UTF-8 of `s` at `bytes[pos]` (room guaranteed); returns the new position. */
function writeUtf8(s: string, bytes: Uint8Array, pos: number): number {
  const len = s.length;
  if (len >= ENCODE_INTO_MIN) return pos + encoder.encodeInto(s, bytes.subarray(pos)).written;
  for (let j = 0; j < len; j++) {
    let c = s.charCodeAt(j);
    if (c < 0x80) {
      bytes[pos++] = c;
    } else if (c < 0x800) {
      bytes[pos++] = 0xc0 | (c >> 6);
      bytes[pos++] = 0x80 | (c & 0x3f);
    } else {
      if (c >= 0xd800 && c <= 0xdfff) {
        const d = j + 1 < len ? s.charCodeAt(j + 1) : 0;
        if (c <= 0xdbff && d >= 0xdc00 && d <= 0xdfff) {
          c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
          j++;
          bytes[pos++] = 0xf0 | (c >> 18);
          bytes[pos++] = 0x80 | ((c >> 12) & 0x3f);
          bytes[pos++] = 0x80 | ((c >> 6) & 0x3f);
          bytes[pos++] = 0x80 | (c & 0x3f);
          continue;
        }
        c = 0xfffd; // a lone surrogate, as TextEncoder writes it
      }
      bytes[pos++] = 0xe0 | (c >> 12);
      bytes[pos++] = 0x80 | ((c >> 6) & 0x3f);
      bytes[pos++] = 0x80 | (c & 0x3f);
    }
  }
  return pos;
}

/** Average key length (UTF-16 units) from which one `encodeInto` over the joined keys wins. */
const JOIN_MIN_AVERAGE = 16;

/**
 * Encodes string keys as one UTF-8 arena plus offsets (lone surrogates become U+FFFD, as
 * TextEncoder writes them). Picks the faster strategy for the batch (see the module comment).
 */
export function encodeStrings(keys: readonly string[]): StringKeyColumn {
  let units = 0;
  for (let i = 0; i < keys.length; i++) units += keys[i]!.length;
  return units >= JOIN_MIN_AVERAGE * keys.length ? encodeStringsJoined(keys, units) : encodeStringsLoop(keys, units);
}

/** Strategy for short keys: a JS loop, optimistic about ASCII. `units`: total key length. */
export function encodeStringsLoop(keys: readonly string[], units: number): StringKeyColumn {
  const n = keys.length;
  const offsets = new Uint32Array(n + 1);
  // ASCII keys take one byte per unit, so a buffer of `units` bytes fits them all.
  let bytes = new Uint8Array(units);
  let pos = 0;
  let i = 0;
  ascii: for (; i < n; i++) {
    const s = keys[i]!;
    const len = s.length;
    if (len >= ENCODE_INTO_MIN) {
      const r = encoder.encodeInto(s, bytes.subarray(pos, pos + len));
      if (r.read !== len || r.written !== len) break;
    } else {
      for (let j = 0; j < len; j++) {
        const c = s.charCodeAt(j);
        if (c >= 0x80) break ascii;
        bytes[pos + j] = c;
      }
    }
    pos += len;
    offsets[i + 1] = pos;
  }
  if (i < n) {
    // From the first non-ASCII key on: room for 3 bytes a unit (the most UTF-8 takes for one
    // UTF-16 unit), encode, then trim. One pass; cheaper than counting exact lengths first.
    const room = new Uint8Array(pos + 3 * (units - pos));
    room.set(bytes.subarray(0, pos));
    for (; i < n; i++) {
      pos = writeUtf8(keys[i]!, room, pos);
      offsets[i + 1] = pos;
    }
    // Copy when trimming frees a lot (the column may be kept or transferred), else a view.
    bytes = room.length - pos > room.length >> 2 ? room.slice(0, pos) : room.subarray(0, pos);
  }
  return { kind: "string", bytes, offsets };
}

/** Strategy for long keys: one `encodeInto` over `keys.join("")`. `units`: total key length. */
export function encodeStringsJoined(keys: readonly string[], units: number): StringKeyColumn {
  const n = keys.length;
  const offsets = new Uint32Array(n + 1);
  const joined = n === 1 ? keys[0]! : keys.join("");
  let bytes = new Uint8Array(units);
  const r = encoder.encodeInto(joined, bytes);
  if (r.read === units && r.written === units) {
    // All ASCII: byte offsets are the cumulative string lengths.
    let pos = 0;
    for (let i = 0; i < n; i++) offsets[i + 1] = pos += keys[i]!.length;
    return { kind: "string", bytes, offsets };
  }
  let total = 0;
  for (let i = 0; i < n; i++) offsets[i + 1] = total += utf8Length(keys[i]!);
  bytes = new Uint8Array(total);
  const all = encoder.encodeInto(joined, bytes);
  if (all.read !== units || all.written !== total) {
    // A lone high surrogate ending one key met a lone low surrogate starting the next: joined
    // they form a pair, alone each is U+FFFD. Encode key by key.
    let pos = 0;
    for (let i = 0; i < n; i++) pos = writeUtf8(keys[i]!, bytes, pos);
  }
  return { kind: "string", bytes, offsets };
}

/** Number keys as a column (a copy). */
export function encodeNumbers(keys: readonly number[]): NumberKeyColumn {
  return { kind: "number", keys: Float64Array.from(keys) };
}

/**
 * Encodes a batch's keys: all strings or all numbers; anything else (mixed, booleans, objects)
 * gives `undefined`, meaning the JS path.
 */
export function encodeKeys(keys: readonly unknown[]): KeyColumn | undefined {
  const n = keys.length;
  if (n === 0) return { kind: "string", bytes: new Uint8Array(0), offsets: new Uint32Array(1) };
  const kind = typeof keys[0];
  if (kind !== "string" && kind !== "number") return undefined;
  for (let i = 1; i < n; i++) if (typeof keys[i] !== kind) return undefined;
  return kind === "string" ? encodeStrings(keys as readonly string[]) : encodeNumbers(keys as readonly number[]);
}

/**
 * Numeric values as a column; `undefined` when any value is not a number (the JS path).
 */
export function encodeValues(values: readonly unknown[]): Float64Array | undefined {
  const n = values.length;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (typeof v !== "number") return undefined;
    out[i] = v;
  }
  return out;
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * Keys and their numeric values as columns; `undefined` (the JS path) when the keys are not all
 * strings or all numbers, a string is not well-formed UTF-16 (UTF-8 would merge lone
 * surrogates), or a value is not a number.
 */
export function encodeColumns(keys: readonly unknown[], values: readonly unknown[]): { keys: KeyColumn; values: Float64Array } | undefined {
  if (typeof keys[0] === "string" && keys.some((k) => typeof k === "string" && LONE_SURROGATE.test(k))) return undefined;
  const column = encodeKeys(keys);
  const numbers = column && encodeValues(values);
  return column && numbers ? { keys: column, values: numbers } : undefined;
}

/**
 * Encodes `[key, value]` pairs into a key column and a value column; `undefined` when the keys
 * are not all strings or all numbers, or a value is not a number.
 */
export function encodePairs(
  pairs: readonly (readonly [unknown, unknown])[],
): { keys: KeyColumn; values: Float64Array } | undefined {
  const n = pairs.length;
  const values = new Float64Array(n);
  const keys = new Array<unknown>(n);
  for (let i = 0; i < n; i++) {
    const pair = pairs[i]!;
    const v = pair[1];
    if (typeof v !== "number") return undefined;
    values[i] = v;
    keys[i] = pair[0];
  }
  const column = encodeKeys(keys);
  return column === undefined ? undefined : { keys: column, values };
}

/** Decodes string keys back to JS strings (invalid UTF-8 as U+FFFD). */
export function decodeStrings(bytes: Uint8Array, offsets: Uint32Array): string[] {
  const n = offsets.length - 1;
  const out: string[] = [];
  if (n <= 0) return out;
  const base = offsets[0]!;
  const end = offsets[n]!;
  if (end - base >= SLICE_VIEW_MIN * n) return decodeEach(bytes, offsets, out);
  let text: string;
  try {
    text = fatalDecoder.decode(bytes.subarray(base, end));
  } catch {
    return decodeEach(bytes, offsets, out);
  }
  if (text.length === end - base) {
    // Valid UTF-8 with one unit per byte: ASCII, so byte offsets are unit offsets.
    for (let i = 0; i < n; i++) {
      const from = offsets[i]!;
      const to = offsets[i + 1]!;
      out.push(to - from < SLICE_VIEW_MIN ? text.slice(from - base, to - base) : decoder.decode(bytes.subarray(from, to)));
    }
    return out;
  }
  let unit = 0;
  for (let i = 0; i < n; i++) {
    const from = offsets[i]!;
    const to = offsets[i + 1]!;
    let units = 0;
    for (let b = from; b < to; b++) {
      const x = bytes[b]!;
      // Valid UTF-8: one unit per sequence (a byte that is no continuation), two for 4 bytes.
      if ((x & 0xc0) !== 0x80) units += x >= 0xf0 ? 2 : 1;
    }
    out.push(units < SLICE_VIEW_MIN ? text.slice(unit, unit + units) : decoder.decode(bytes.subarray(from, to)));
    unit += units;
  }
  return out;
}

function decodeEach(bytes: Uint8Array, offsets: Uint32Array, out: string[]): string[] {
  const n = offsets.length - 1;
  for (let i = 0; i < n; i++) out.push(decoder.decode(bytes.subarray(offsets[i]!, offsets[i + 1]!)));
  return out;
}

/** Decodes a key column back to JS keys. */
export function decodeKeys(keys: KeyColumn): string[] | number[] {
  return keys.kind === "string" ? decodeStrings(keys.bytes, keys.offsets) : Array.from(keys.keys);
}

/** Number of keys in a column. */
export function keyCount(keys: KeyColumn): number {
  return keys.kind === "string" ? keys.offsets.length - 1 : keys.keys.length;
}

/** An aggregate as `[key, value]` pairs, in its order. */
export function aggregateEntries(aggregate: Aggregate): [string | number, number][] {
  return columnEntries(aggregate.keys, aggregate.values);
}

/** A key column and its values as `[key, value]` pairs, in order. */
export function columnEntries(keyColumn: KeyColumn, values: Float64Array): [string | number, number][] {
  const keys = decodeKeys(keyColumn);
  const out = new Array<[string | number, number]>(keys.length);
  for (let i = 0; i < keys.length; i++) out[i] = [keys[i]!, values[i]!];
  return out;
}
