/**
 * The JSON tree a checkpoint payload holds (format version 1). Strings, booleans, null, finite
 * numbers other than -0 and arrays are themselves; every other value is a tagged object
 * `{ "$": tag, ... }`. Plain JSON objects never appear untagged, so a decoder can tell a tag from
 * data without looking at keys a user chose.
 *
 *   { "$": "u" }                        undefined (also what an array hole becomes)
 *   { "$": "n", "v": "NaN" }            NaN, "Infinity", "-Infinity" or "-0"
 *   { "$": "b", "v": "-12" }            bigint, decimal
 *   { "$": "o", "v": [k, v, ...] }      plain object: own enumerable string keys, raw, with values
 *   { "$": "O", "v": [k, v, ...] }      the same with a null prototype
 *   { "$": "m", "v": [k, v, ...] }      Map, keys and values both encoded
 *   { "$": "s", "v": [v, ...] }         Set
 *   { "$": "d", "v": time }             Date; time encoded as a number (NaN for an invalid date)
 *   { "$": "t", "k": kind, "v": b64 }   typed array: kind "Float64Array" etc., little-endian bytes
 *   { "$": "c", "n": name, "v": [k, v, ...] }  instance of a class registered under name: its own
 *                                       enumerable properties, as a plain object's
 */
export type Wire = null | boolean | number | string | Wire[] | WireTagged;

export type SpecialNumber = "NaN" | "Infinity" | "-Infinity" | "-0";

export type WireTagged =
  | { $: "u" }
  | { $: "n"; v: SpecialNumber }
  | { $: "b"; v: string }
  | { $: "o" | "O" | "m" | "s"; v: Wire[] }
  | { $: "d"; v: Wire }
  | { $: "t"; k: string; v: string }
  | { $: "c"; n: string; v: Wire[] };
