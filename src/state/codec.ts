import { RivuletError } from "../core/errors.ts";
import { fromWire } from "./codec-decode.ts";
import { toWire } from "./codec-encode.ts";

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

export function encodeValue(value: unknown): Uint8Array {
  const tree = toWire(value);
  let json: string;
  try {
    json = JSON.stringify(tree);
  } catch (error) {
    // V8 limits a string to about 2^29 characters; state larger than that needs several checkpoints.
    throw new RivuletError("CHECKPOINT_FAILED", `Cannot checkpoint this value: its encoding is too large`, {
      cause: error,
    });
  }
  return utf8Encoder.encode(json);
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
