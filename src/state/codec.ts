import { RivuletError } from "../core/errors.ts";
import { fromWire } from "./codec-decode.ts";
import { toWire } from "./codec-encode.ts";
import type { Wire } from "./codec-wire.ts";
import type { EncodingCache, Piece } from "./encoding-cache.ts";

/**
 * The lossless value codec of checkpoints: the tagged JSON tree of codec-wire.ts, as UTF-8.
 *
 * Round-trips undefined, null, booleans, every number (NaN, ±Infinity, -0), strings (lone
 * surrogates too: JSON.stringify escapes them as \uXXXX, so UTF-8 never replaces them), bigints,
 * arrays, plain objects (also with a null prototype), Map, Set, Date and the standard typed
 * arrays. Known losses, by design:
 * - an array hole comes back as undefined, and non-index properties of arrays are dropped;
 * - only own enumerable string-keyed properties of objects are kept (getters are read once);
 * - a value reachable twice is written twice and comes back as two distinct copies;
 * - a typed array comes back with its own exactly sized buffer, whatever view it was.
 * Anything else (functions, symbols, class instances, circular references) is refused with
 * CHECKPOINT_FAILED naming the type and where it sits, e.g. "a function (f) at value[3].update".
 */

const utf8Encoder = new TextEncoder();
// fatal: a damaged payload must fail, not decode into replacement characters.
const utf8Decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/**
 * `value` as UTF-8 JSON. With `cache`, each `Piece` in it is encoded once and its bytes reused by
 * later calls; the result is byte for byte what encoding the value without pieces gives.
 */
export function encodeValue(value: unknown, cache?: EncodingCache): Uint8Array {
  if (!cache) return utf8Encoder.encode(stringify(toWire(value)));
  const pieces: Piece[] = [];
  let json: string;
  let parts: Uint8Array[];
  try {
    json = stringify(toWire(value, (piece) => `${cache.marker}${pieces.push(piece) - 1}`));
    parts = pieces.map((piece) => cache.bytesOf(piece, (v) => utf8Encoder.encode(stringify(toWire(v)))));
  } catch (error) {
    // Encoded whole again, so the error names where in the value the bad part sits.
    if (error instanceof RivuletError) return encodeValue(value);
    throw error;
  }
  // JSON.stringify writes a subtree as it would alone, and in tree order: each piece's marker
  // comes after the previous one's, quoted, and is replaced by the piece's bytes. A string of the
  // value's own holding the marker (outside the pieces, which are encoded apart) would be taken
  // for one: then the value is encoded whole instead.
  const found: number[] = [];
  for (let at = json.indexOf(cache.marker); at >= 0; at = json.indexOf(cache.marker, at + 1)) found.push(at);
  if (found.length !== pieces.length) return encodeValue(value);
  const out: Uint8Array[] = [];
  let at = 0;
  for (let i = 0; i < pieces.length; i++) {
    const quoted = `"${cache.marker}${i}"`;
    if (json.slice(found[i]! - 1, found[i]! - 1 + quoted.length) !== quoted) return encodeValue(value);
    out.push(utf8Encoder.encode(json.slice(at, found[i]! - 1)), parts[i]!);
    at = found[i]! - 1 + quoted.length;
  }
  out.push(utf8Encoder.encode(json.slice(at)));
  return concat(out);
}

function stringify(tree: Wire): string {
  try {
    return JSON.stringify(tree);
  } catch (error) {
    // V8 limits a string to about 2^29 characters; state larger than that needs several checkpoints.
    throw new RivuletError("CHECKPOINT_FAILED", `Cannot checkpoint this value: its encoding is too large`, {
      cause: error,
    });
  }
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  let length = 0;
  for (const p of parts) length += p.length;
  const out = new Uint8Array(length);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

export function decodeValue(bytes: Uint8Array): unknown {
  let tree: unknown;
  try {
    tree = JSON.parse(utf8Decoder.decode(bytes));
  } catch (error) {
    throw new RivuletError("CHECKPOINT_CORRUPT", `Checkpoint payload is not valid UTF-8 JSON: ${String(error)}`, {
      cause: error,
    });
  }
  return fromWire(tree);
}
