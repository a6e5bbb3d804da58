import { RivuletError } from "../core/errors.ts";
import { decodeBase64 } from "./base64.ts";
import { registeredPrototype } from "./checkpoint-classes.ts";
import { typedArrayFromBytes } from "./typed-arrays.ts";

/**
 * Wire tree (as JSON.parse returns it) → value. The tree is ours, so arrays are decoded in place
 * and an array of plain elements is returned as it is: no copy of the common [string, number][].
 *
 * Everything is checked, since a checkpoint may come from another version or a damaged store
 * that still passed the checksum; anything unexpected is CHECKPOINT_CORRUPT, never a guess.
 * Objects are built with defineProperty, so keys such as "__proto__" become own data properties
 * and can neither change a prototype nor reach a setter inherited from Object.prototype.
 */
export function fromWire(tree: unknown): unknown {
  try {
    return decode(tree);
  } catch (error) {
    if (error instanceof RangeError) {
      throw new RivuletError("CHECKPOINT_CORRUPT", `Checkpoint value is nested too deeply to decode: ${error.message}`, {
        cause: error,
      });
    }
    throw error;
  }
}

function decode(wire: unknown): unknown {
  if (typeof wire !== "object" || wire === null) return wire;
  if (Array.isArray(wire)) return decodeArrayInPlace(wire);
  return decodeTagged(wire as Record<string, unknown>);
}

function decodeArrayInPlace(array: unknown[]): unknown[] {
  for (let i = 0; i < array.length; i++) {
    const item = array[i];
    if (typeof item === "object" && item !== null) array[i] = decode(item);
  }
  return array;
}

function decodeTagged(tagged: Record<string, unknown>): unknown {
  const tag = own(tagged, "$");
  const v = own(tagged, "v");
  switch (tag) {
    case "u":
      return undefined;
    case "n":
      return decodeSpecialNumber(v);
    case "b":
      if (typeof v !== "string" || !/^-?\d+$/.test(v)) throw malformed("bigint");
      return BigInt(v);
    case "o":
    case "O":
      return decodePlainObject(entries(v, "object"), tag === "O" ? null : Object.prototype);
    case "c": {
      const name = own(tagged, "n");
      if (typeof name !== "string") throw malformed("class instance");
      return decodePlainObject(entries(v, "class instance"), registeredPrototype(name));
    }
    case "m": {
      const flat = decodeArrayInPlace(entries(v, "Map"));
      const map = new Map<unknown, unknown>();
      for (let i = 0; i < flat.length; i += 2) map.set(flat[i], flat[i + 1]);
      return map;
    }
    case "s":
      if (!Array.isArray(v)) throw malformed("Set");
      return new Set(decodeArrayInPlace(v));
    case "d": {
      const time = decode(v);
      if (typeof time !== "number") throw malformed("Date");
      return new Date(time);
    }
    case "t": {
      const kind = own(tagged, "k");
      const bytes = typeof v === "string" ? decodeBase64(v) : undefined;
      const array = typeof kind === "string" && bytes !== undefined ? typedArrayFromBytes(kind, bytes) : undefined;
      if (array === undefined) throw malformed("typed array");
      return array;
    }
    default:
      throw new RivuletError("CHECKPOINT_CORRUPT", `Checkpoint value holds an unknown tag ${JSON.stringify(tag)}`);
  }
}

function decodeSpecialNumber(v: unknown): number {
  switch (v) {
    case "NaN":
      return NaN;
    case "Infinity":
      return Infinity;
    case "-Infinity":
      return -Infinity;
    case "-0":
      return -0;
    default:
      throw malformed("number");
  }
}

function decodePlainObject(flat: unknown[], prototype: object | null): object {
  const object: object = prototype === Object.prototype ? {} : (Object.create(prototype) as object);
  for (let i = 0; i < flat.length; i += 2) {
    const key = flat[i];
    if (typeof key !== "string") throw malformed("object");
    Object.defineProperty(object, key, { value: decode(flat[i + 1]), writable: true, enumerable: true, configurable: true });
  }
  return object;
}

function entries(v: unknown, what: string): unknown[] {
  if (!Array.isArray(v) || v.length % 2 !== 0) throw malformed(what);
  return v;
}

/** Own properties only: a polluted Object.prototype must not supply a tag or a payload. */
function own(object: Record<string, unknown>, key: string): unknown {
  return Object.hasOwn(object, key) ? object[key] : undefined;
}

function malformed(what: string): RivuletError {
  return new RivuletError("CHECKPOINT_CORRUPT", `Checkpoint value holds a malformed ${what}`);
}
