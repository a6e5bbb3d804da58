/**
 * Key equality. Strings, numbers, booleans, bigints, null and undefined compare by value, as
 * `Map` does (so NaN equals NaN and -0 equals 0). Arrays compare structurally, as Scala tuples
 * do, element by element (the partitioner hashes their canonical string); other objects compare
 * by reference, and so do symbols (a registered one, `Symbol.for(key)`, is the same symbol for
 * the same key). `__proto__` and `constructor` are ordinary keys because everything lives in
 * `Map`s, never in plain objects.
 */

import { objectId, symbolId } from "./identity.ts";
import { sameTuple, snapshot, TupleTable } from "./tuple-table.ts";

/** A `Map` whose array keys compare structurally; the first-seen key object is kept. */
export class KeyMap<V> {
  private readonly plain = new Map<unknown, V>();
  private composite: TupleTable<V> | undefined;

  get size(): number {
    return this.plain.size + (this.composite?.size ?? 0);
  }

  get(key: unknown): V | undefined {
    if (!Array.isArray(key)) return this.plain.get(key);
    return this.composite?.get(key);
  }

  has(key: unknown): boolean {
    if (!Array.isArray(key)) return this.plain.has(key);
    return this.composite?.has(key) ?? false;
  }

  set(key: unknown, value: V): void {
    if (!Array.isArray(key)) {
      this.plain.set(key, value);
      return;
    }
    (this.composite ??= new TupleTable()).set(key, value);
  }

  delete(key: unknown): boolean {
    if (!Array.isArray(key)) return this.plain.delete(key);
    return this.composite?.delete(key) ?? false;
  }

  /** Calls `fn` for every entry, plain keys in insertion order, then composite keys. */
  forEach(fn: (value: V, key: unknown) => void): void {
    this.plain.forEach(fn);
    this.composite?.forEach(fn);
  }
}

/** What JSON.stringify writes other than as it is: quote, backslash, controls, surrogates. */
const NEEDS_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/;

/**
 * A string that is equal for structurally equal array keys and differs otherwise. The exact text
 * is part of the format: the hash partitioner hashes it, so partitions of tuple keys depend on it.
 */
export function canonicalKey(key: unknown): string {
  switch (typeof key) {
    case "string":
      // JSON.stringify quotes and escapes; a string with nothing to escape is quoted as it is,
      // the same text at a third of the cost.
      return NEEDS_ESCAPE.test(key) ? JSON.stringify(key) : '"' + key + '"';
    case "number":
      // NaN is the one number unequal to itself; -0 === 0 and both write "0".
      return key !== key ? "NaN" : key === 0 ? "0" : String(key);
    case "bigint":
      return `${key}n`;
    case "boolean":
    case "undefined":
      return String(key);
    case "object":
      if (key === null) return "null";
      if (Array.isArray(key)) {
        // Appended in one loop: a per-element array and join cost several times more, and tuple
        // keys pay this once per record. A hole reads as undefined (map would skip it and make
        // [,] equal []).
        let s = "[";
        for (let i = 0; i < key.length; i++) s += i === 0 ? canonicalKey(key[i]) : "," + canonicalKey(key[i]);
        return s + "]";
      }
      return `#${objectId(key)}`;
    case "symbol": {
      // A registered symbol is one per registry key for the whole runtime (a WeakMap refuses it,
      // since it can never be collected), so its key names it.
      const registered = Symbol.keyFor(key);
      return registered === undefined ? `#${symbolId(key)}` : `$${JSON.stringify(registered)}`;
    }
    default:
      return `#${objectId(key as object)}`;
  }
}

/** A test for keys equal to `key` under these rules (an array key compared element by element, as it is now). */
export function keyEquals(key: unknown): (other: unknown) => boolean {
  if (Array.isArray(key)) {
    const tuple = snapshot(key);
    return (k) => Array.isArray(k) && sameTuple(tuple, k);
  }
  // NaN is the one value not equal to itself; === already takes -0 for 0.
  if (key !== key) return (k) => k !== k;
  return (k) => k === key;
}
