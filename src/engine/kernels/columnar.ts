/**
 * Columnar encoding of a batch for the kernels: keys (all strings or all numbers) into a
 * `KeyColumn`, numeric values into a `Float64Array`, and back.
 *
 * Strategy (measured by bench/kernels/encoding-strategies.ts; see the figures there):
 * - encode: one `TextEncoder.encodeInto` over `keys.join("")` into a buffer of one byte per UTF-16
 *   unit. When it all fits (`written === read === length`) the keys are all ASCII and the offsets
 *   are the cumulative string lengths: no per-key call. Otherwise the exact UTF-8 length of each
 *   key is counted in JS, the joined string is encoded once more into a buffer of that size, and
 *   if a lone surrogate at a key boundary paired up across keys (so the total disagrees) each key
 *   is encoded on its own. Per-key `encodeInto` is several times slower for short keys.
 * - decode: one fatal `TextDecoder.decode` over all key bytes, then `slice` per key (UTF-16 unit
 *   offsets counted from the bytes unless the text is ASCII). Keys of 13 or more units are decoded
 *   on their own instead, because V8 makes a slice that long a view of its parent string, and a
 *   key kept in state would otherwise keep a whole batch's text alive. Invalid UTF-8 (possible in
 *   word-count output) is decoded per key with U+FFFD replacement.
 */

import type { Aggregate, KeyColumn, NumberKeyColumn, StringKeyColumn } from "./types.ts";

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const fatalDecoder = new TextDecoder("utf-8", { fatal: true });

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

/** Encodes string keys as one UTF-8 arena plus offsets (lone surrogates become U+FFFD). */
export function encodeStrings(keys: readonly string[]): StringKeyColumn {
  const n = keys.length;
  const offsets = new Uint32Array(n + 1);
  let units = 0;
  for (let i = 0; i < n; i++) {
    units += keys[i]!.length;
    offsets[i + 1] = units;
  }
  const joined = n === 1 ? keys[0]! : keys.join("");
  let bytes = new Uint8Array(units);
  const ascii = encoder.encodeInto(joined, bytes);
  if (ascii.read === units && ascii.written === units) return { kind: "string", bytes, offsets };

  let total = 0;
  for (let i = 0; i < n; i++) {
    total += utf8Length(keys[i]!);
    offsets[i + 1] = total;
  }
  bytes = new Uint8Array(total);
  const all = encoder.encodeInto(joined, bytes);
  if (all.read !== units || all.written !== total) {
    // A lone high surrogate ending one key met a lone low surrogate starting the next: joined
    // they form a pair, alone each is U+FFFD. Encode key by key.
    let pos = 0;
    for (let i = 0; i < n; i++) {
      pos += encoder.encodeInto(keys[i]!, bytes.subarray(pos)).written;
    }
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

/** Decodes string keys back to JS strings. */
export function decodeStrings(bytes: Uint8Array, offsets: Uint32Array): string[] {
  const n = offsets.length - 1;
  const out = new Array<string>(Math.max(n, 0));
  if (n <= 0) return out;
  const base = offsets[0]!;
  const end = offsets[n]!;
  let text: string;
  try {
    text = fatalDecoder.decode(bytes.subarray(base, end));
  } catch {
    for (let i = 0; i < n; i++) out[i] = decoder.decode(bytes.subarray(offsets[i]!, offsets[i + 1]!));
    return out;
  }
  if (text.length === end - base) {
    // Valid UTF-8 with one unit per byte: ASCII; byte offsets are unit offsets.
    let start = 0;
    for (let i = 0; i < n; i++) {
      const stop = offsets[i + 1]! - base;
      out[i] =
        stop - start < SLICE_VIEW_MIN ? text.slice(start, stop) : decoder.decode(bytes.subarray(start + base, stop + base));
      start = stop;
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
      // One unit per sequence start (not a continuation byte), two for a 4-byte sequence.
      if ((x & 0xc0) !== 0x80) units += x >= 0xf0 ? 2 : 1;
    }
    out[i] = units < SLICE_VIEW_MIN ? text.slice(unit, unit + units) : decoder.decode(bytes.subarray(from, to));
    unit += units;
  }
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
  const keys = decodeKeys(aggregate.keys);
  const values = aggregate.values;
  const out = new Array<[string | number, number]>(keys.length);
  for (let i = 0; i < keys.length; i++) out[i] = [keys[i]!, values[i]!];
  return out;
}
