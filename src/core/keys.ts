/**
 * Key equality. Strings, numbers, booleans, bigints, null and undefined compare by value, as
 * `Map` does (so NaN equals NaN and -0 equals 0). Arrays compare structurally, as Scala tuples
 * do, element by element (the partitioner hashes their canonical string); other objects compare
 * by reference, and so do symbols (a registered one, `Symbol.for(key)`, is the same symbol for
 * the same key). `__proto__` and `constructor` are ordinary keys because everything lives in
 * `Map`s, never in plain objects.
 */

import { objectId, symbolId } from "./identity.ts";
import { NumberSlots } from "./number-slots.ts";
import { SHORT_STRING, StringSlots } from "./string-slots.ts";
import { sameTuple, snapshot, TupleTable } from "./tuple-table.ts";

/** What a removed entry's key becomes: nothing a caller's key can be equal to. */
const GONE: unique symbol = Symbol("removed");

/**
 * A `Map` whose array keys compare structurally; the first-seen key object is kept.
 *
 * Plain keys live in insertion-ordered entry arrays, found through a `StringSlots` for short
 * strings (hashed in JS: a `Map` would leave the compiled code to hash every string it has not
 * seen, as each parsed or decoded string is), a `NumberSlots` for numbers and a `Map` for every
 * other plain key, bigints by their decimal text. None of them hashes a key that a sender could
 * choose without a random seed: a `Map` hashes numbers unseeded and bigints by their low 64 bits
 * alone, so keys made to share a bucket would make every lookup walk them all. Iteration gives
 * the plain keys in insertion order, as a `Map` does, then the array keys.
 */
export class KeyMap<V> {
  private keys: unknown[] = [];
  private values: (V | undefined)[] = [];
  private live = 0;
  private strings: StringSlots | undefined;
  private numbers: NumberSlots | undefined;
  private bigints: Map<string, number> | undefined;
  private others: Map<unknown, number> | undefined;
  private composite: TupleTable<V> | undefined;
  /** forEach calls running: entries are not compacted under them. */
  private iterating = 0;

  get size(): number {
    return this.live + (this.composite?.size ?? 0);
  }

  get(key: unknown): V | undefined {
    if (Array.isArray(key)) return this.composite?.get(key);
    const slot = this.slotOf(key);
    return slot >= 0 ? this.values[slot] : undefined;
  }

  has(key: unknown): boolean {
    if (Array.isArray(key)) return this.composite?.has(key) ?? false;
    return this.slotOf(key) >= 0;
  }

  set(key: unknown, value: V): void {
    if (Array.isArray(key)) {
      (this.composite ??= new TupleTable()).set(key, value);
      return;
    }
    const slot = this.placedSlot(key);
    if (slot >= 0) {
      this.values[slot] = value;
      return;
    }
    this.keys.push(key === 0 ? 0 : key); // as a Map keeps -0
    this.values.push(value);
    this.live++;
  }

  /**
   * Folds `value` into `key`'s entry with one lookup: `create(value)` for a key not yet held,
   * `merge(current, value)` otherwise.
   */
  fold<W>(key: unknown, value: W, create: (w: W) => V, merge: (v: V, w: W) => V): void {
    if (Array.isArray(key)) {
      (this.composite ??= new TupleTable()).fold(key, value, create, merge);
      return;
    }
    const slot = this.placedSlot(key);
    if (slot >= 0) {
      this.values[slot] = merge(this.values[slot] as V, value);
      return;
    }
    this.keys.push(key === 0 ? 0 : key);
    this.values.push(create(value));
    this.live++;
  }

  delete(key: unknown): boolean {
    if (Array.isArray(key)) return this.composite?.delete(key) ?? false;
    let slot: number;
    if (typeof key === "string" && key.length <= SHORT_STRING) {
      slot = this.strings?.remove(key, this.keys) ?? -1;
    } else if (typeof key === "number") {
      slot = this.numbers?.remove(key, this.keys) ?? -1;
    } else if (typeof key === "bigint") {
      slot = removedFrom(this.bigints, key.toString());
    } else {
      slot = removedFrom(this.others, key);
    }
    if (slot < 0) return false;
    this.keys[slot] = GONE;
    this.values[slot] = undefined;
    this.live--;
    if (this.keys.length - this.live > Math.max(64, this.live) && this.iterating === 0) this.compact();
    return true;
  }

  /** Calls `fn` for every entry, plain keys in insertion order, then array keys; entries set meanwhile are visited too. */
  forEach(fn: (value: V, key: unknown) => void): void {
    this.iterating++;
    try {
      const { keys, values } = this;
      for (let i = 0; i < keys.length; i++) {
        const k = keys[i];
        if (k !== GONE) fn(values[i] as V, k);
      }
    } finally {
      this.iterating--;
    }
    this.composite?.forEach(fn);
  }

  /**
   * The keys and values in iteration order, as two arrays (the map's own when nothing was
   * removed and no key is an array: hand the map over with them).
   */
  columns(): { keys: unknown[]; values: V[] } {
    if (this.live === this.keys.length && this.composite === undefined) return { keys: this.keys, values: this.values as V[] };
    const keys: unknown[] = [];
    const values: V[] = [];
    this.forEach((v, k) => {
      keys.push(k);
      values.push(v);
    });
    return { keys, values };
  }

  /** The entry index of a plain key, or -1. */
  private slotOf(key: unknown): number {
    if (typeof key === "string" && key.length <= SHORT_STRING) return this.strings?.find(key, this.keys) ?? -1;
    if (typeof key === "number") return this.numbers?.find(key, this.keys) ?? -1;
    if (typeof key === "bigint") return this.bigints?.get(key.toString()) ?? -1;
    return this.others?.get(key) ?? -1;
  }

  /** The entry index of a plain key; or, when it has none, -1 after taking the next index for it. */
  private placedSlot(key: unknown): number {
    if (typeof key === "string" && key.length <= SHORT_STRING) return (this.strings ??= new StringSlots()).slotOf(key, this.keys);
    if (typeof key === "number") return (this.numbers ??= new NumberSlots()).slotOf(key, this.keys);
    if (typeof key === "bigint") return slotIn((this.bigints ??= new Map()), key.toString(), this.keys.length);
    return slotIn((this.others ??= new Map()), key, this.keys.length);
  }

  /** The entries without the removed ones, and their indexes made again. */
  private compact(): void {
    const { keys, values } = this;
    this.keys = [];
    this.values = [];
    this.live = 0;
    this.strings = undefined;
    this.numbers = undefined;
    this.bigints = undefined;
    this.others = undefined;
    for (let i = 0; i < keys.length; i++) if (keys[i] !== GONE) this.set(keys[i], values[i] as V);
  }
}

/** The index `map` holds for `key`; or, when it holds none, -1 after taking `next` for it. */
function slotIn<K>(map: Map<K, number>, key: K, next: number): number {
  const slot = map.get(key);
  if (slot !== undefined) return slot;
  map.set(key, next);
  return -1;
}

/** The index `map` held for `key`, now forgotten, or -1. */
function removedFrom<K>(map: Map<K, number> | undefined, key: K): number {
  const slot = map?.get(key);
  if (slot === undefined) return -1;
  map!.delete(key);
  return slot;
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
