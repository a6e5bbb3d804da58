import { RivuletError } from "../core/errors.ts";
import { encodeBase64 } from "./base64.ts";
import { registeredName } from "./checkpoint-classes.ts";
import type { SpecialNumber, Wire, WireTagged } from "./codec-wire.ts";
import { Piece } from "./encoding-cache.ts";
import { typedArrayBytes, typedArrayKind, type TypedArray } from "./typed-arrays.ts";

/**
 * Value → wire tree (see codec-wire.ts). Arrays whose elements need no tag are reused as they
 * are instead of copied: the common state, a large array of [string, number] pairs, then costs
 * one pass and no allocation before JSON.stringify.
 */

// Shared tag objects: JSON.stringify only refuses cycles, not a repeated object.
const UNDEFINED: WireTagged = { $: "u" };
const SPECIAL: Readonly<Record<SpecialNumber, WireTagged>> = {
  NaN: { $: "n", v: "NaN" },
  Infinity: { $: "n", v: "Infinity" },
  "-Infinity": { $: "n", v: "-Infinity" },
  "-0": { $: "n", v: "-0" },
};

/** Thrown inside the walk; carries the path outwards, one segment per level, innermost first. */
class Unsupported extends Error {
  readonly segments: string[] = [];
}

/**
 * What a `Piece` becomes in the wire tree: the string that `encodeValue` replaces by the piece's
 * kept encoding. Without it a piece is encoded as its value.
 */
export type PieceHook = (piece: Piece) => string;

let onPiece: PieceHook | undefined;

export function toWire(value: unknown, pieces?: PieceHook): Wire {
  onPiece = pieces;
  try {
    return encode(value, []);
  } catch (error) {
    if (error instanceof Unsupported) {
      const path = "value" + error.segments.reverse().join("");
      throw new RivuletError(
        "CHECKPOINT_FAILED",
        `Cannot checkpoint ${error.message} at ${path}: checkpointed state may hold undefined, null, booleans, ` +
          `numbers, strings, bigints, arrays, plain objects, Map, Set, Date, typed arrays and instances of classes ` +
          `given to registerCheckpointClass`,
      );
    }
    if (error instanceof RangeError) {
      throw new RivuletError("CHECKPOINT_FAILED", `Cannot checkpoint a value nested this deeply: ${error.message}`, {
        cause: error,
      });
    }
    throw error;
  } finally {
    onPiece = undefined;
  }
}

function encode(value: unknown, ancestors: object[]): Wire {
  switch (typeof value) {
    case "string":
    case "boolean":
      return value;
    case "number":
      return encodeNumber(value);
    case "undefined":
      return UNDEFINED;
    case "bigint":
      return { $: "b", v: value.toString() };
    case "object":
      return value === null ? null : encodeObject(value, ancestors);
    default:
      throw new Unsupported(describe(value));
  }
}

function encodeNumber(n: number): Wire {
  if (Number.isFinite(n)) return n === 0 && 1 / n < 0 ? SPECIAL["-0"] : n;
  return n !== n ? SPECIAL.NaN : n > 0 ? SPECIAL.Infinity : SPECIAL["-Infinity"];
}

function encodeObject(value: object, ancestors: object[]): Wire {
  if (ancestors.includes(value)) throw new Unsupported("a circular reference");
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto === Array.prototype) return encodeArray(value as unknown[], ancestors);
  if (proto === Object.prototype || proto === null) return encodePlainObject(value, proto === null, ancestors);
  if (proto === Map.prototype) return encodeMap(value as Map<unknown, unknown>, ancestors);
  if (proto === Set.prototype) return encodeSet(value as Set<unknown>, ancestors);
  if (proto === Date.prototype) return { $: "d", v: encodeNumber((value as Date).getTime()) };
  const kind = typedArrayKind(proto as object);
  if (kind !== undefined) return { $: "t", k: kind, v: encodeBase64(typedArrayBytes(value as TypedArray)) };
  if (value instanceof Piece) return onPiece ? onPiece(value) : encode(value.value, ancestors);
  const name = proto !== null && typeof proto === "object" ? registeredName(proto) : undefined;
  if (name !== undefined) return { $: "c", n: name, v: encodePlainObject(value, false, ancestors).v };
  throw new Unsupported(describe(value));
}

function encodeArray(array: unknown[], ancestors: object[]): Wire[] {
  ancestors.push(array);
  let out: Wire[] | undefined;
  let i = 0;
  try {
    for (const n = array.length; i < n; i++) {
      const item = array[i];
      const wire = encode(item, ancestors);
      if (out !== undefined) out.push(wire);
      else if (wire !== item) {
        // Everything before i was its own wire form; from here on a copy is needed.
        out = array.slice(0, i) as Wire[];
        out.push(wire);
      }
    }
  } catch (error) {
    if (error instanceof Unsupported) error.segments.push(`[${i}]`);
    throw error;
  }
  ancestors.pop();
  return out ?? (array as Wire[]);
}

function encodePlainObject(object: object, nullPrototype: boolean, ancestors: object[]): { $: "o" | "O"; v: Wire[] } {
  for (const symbol of Object.getOwnPropertySymbols(object)) {
    if (Object.prototype.propertyIsEnumerable.call(object, symbol)) {
      throw new Unsupported(`an object with the symbol key ${String(symbol)}`);
    }
  }
  ancestors.push(object);
  const keys = Object.keys(object);
  const out: Wire[] = new Array(keys.length * 2);
  let key = "";
  try {
    for (let i = 0; i < keys.length; i++) {
      key = keys[i]!;
      out[2 * i] = key;
      out[2 * i + 1] = encode((object as Record<string, unknown>)[key], ancestors);
    }
  } catch (error) {
    if (error instanceof Unsupported) error.segments.push(propertySegment(key));
    throw error;
  }
  ancestors.pop();
  return { $: nullPrototype ? "O" : "o", v: out };
}

function encodeMap(map: Map<unknown, unknown>, ancestors: object[]): WireTagged {
  ancestors.push(map);
  const out: Wire[] = [];
  let i = 0;
  let atKey = true;
  let key: unknown;
  try {
    for (const [k, v] of map) {
      key = k;
      atKey = true;
      out.push(encode(k, ancestors));
      atKey = false;
      out.push(encode(v, ancestors));
      i++;
    }
  } catch (error) {
    if (error instanceof Unsupported) error.segments.push(atKey ? `.keys()[${i}]` : `.get(${keyText(key, i)})`);
    throw error;
  }
  ancestors.pop();
  return { $: "m", v: out };
}

function encodeSet(set: Set<unknown>, ancestors: object[]): WireTagged {
  ancestors.push(set);
  const out: Wire[] = [];
  try {
    for (const item of set) out.push(encode(item, ancestors));
  } catch (error) {
    if (error instanceof Unsupported) error.segments.push(`.values()[${out.length}]`);
    throw error;
  }
  ancestors.pop();
  return { $: "s", v: out };
}

function propertySegment(key: string): string {
  return /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`;
}

function keyText(key: unknown, index: number): string {
  if (typeof key === "string") return JSON.stringify(key);
  if (typeof key === "number" || typeof key === "boolean") return String(key);
  return `<key ${index}>`;
}

/** What the value is, for an error message: "a function (named f)", "a symbol", "a RegExp", ... */
function describe(value: unknown): string {
  if (typeof value === "function") return value.name ? `a function (${value.name})` : "a function";
  if (typeof value === "symbol") return `a symbol (${value.toString()})`;
  if (typeof value !== "object" || value === null) return `a ${typeof value}`;
  const name = constructorName(value);
  return name !== undefined ? `an instance of ${name}` : `an object of type ${Object.prototype.toString.call(value)}`;
}

function constructorName(value: object): string | undefined {
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto === null || typeof proto !== "object") return undefined;
  const descriptor = Object.getOwnPropertyDescriptor(proto, "constructor");
  const ctor: unknown = descriptor?.value;
  return typeof ctor === "function" && ctor.name !== "" ? ctor.name : undefined;
}
