/**
 * Key equality. Strings, numbers, booleans, bigints, null and undefined compare by value, as
 * `Map` does (so NaN equals NaN and -0 equals 0). Arrays compare structurally, as Scala tuples
 * do, element by element (the partitioner hashes their canonical string); other objects compare
 * by reference, and so do symbols (a registered one, `Symbol.for(key)`, is the same symbol for
 * the same key). `__proto__` and `constructor` are ordinary keys because everything lives in
 * `Map`s, never in plain objects.
 */

import { objectId, symbolId } from "./identity.ts";
import { SHORT_STRING, StringTable } from "./string-table.ts";
import { sameTuple, snapshot, TupleTable } from "./tuple-table.ts";

/** An entry of the order whose key was removed (other keys' entries are `~i`, never this low). */
const DEAD = -0x80000000;

/**
 * A `Map` whose array keys compare structurally; the first-seen key object is kept.
 *
 * Short strings live in a `StringTable`, their values beside them (hashed in JS: a `Map` would
 * leave the compiled code to hash every string it has not seen, as each parsed or decoded string
 * is); every other plain key in a `Map` to its index in two arrays. One list orders both kinds
 * (a table position, or `~i` for the others' index), so iteration gives them in insertion order,
 * as a `Map` does, then the array keys.
 */
export class KeyMap<V> {
  private strings: StringTable<V> | undefined;
  private others: Map<unknown, number> | undefined;
  private otherKeys: unknown[] = [];
  private otherValues: (V | undefined)[] = [];
  /** By other key's index: its entry in the order. */
  private otherTags: number[] = [];
  private order: Int32Array<ArrayBuffer> = new Int32Array(8);
  private entries = 0;
  private live = 0;
  private composite: TupleTable<V> | undefined;
  /** forEach calls running: entries are not compacted under them. */
  private iterating = 0;
  /** The short string a get or has last looked up, and its position then; undefined once the table changed. */
  private lastKey: string | undefined;
  private lastAt = -1;
  /** Where the string table tells of its entries' new positions when it grows. */
  private readonly moved = (tag: number, at: number): void => {
    this.order[tag] = at;
  };

  get size(): number {
    return this.live + (this.composite?.size ?? 0);
  }

  get(key: unknown): V | undefined {
    if (typeof key === "string" && key.length <= SHORT_STRING) {
      const at = this.remember(key);
      return at >= 0 ? this.strings!.valueAt(at) : undefined;
    }
    if (Array.isArray(key)) return this.composite?.get(key);
    const i = this.others?.get(key);
    return i === undefined ? undefined : this.otherValues[i];
  }

  has(key: unknown): boolean {
    if (typeof key === "string" && key.length <= SHORT_STRING) return this.remember(key) >= 0;
    if (Array.isArray(key)) return this.composite?.has(key) ?? false;
    return this.others?.has(key) ?? false;
  }

  set(key: unknown, value: V): void {
    // After a get or has of the same short string, with the table unchanged since: its answer.
    if (key === this.lastKey && this.lastAt >= 0) {
      this.strings!.setValueAt(this.lastAt, value);
      return;
    }
    this.fold(key, value, same, replace);
  }

  /**
   * Folds `value` into `key`'s entry with one lookup: `create(value)` for a key not yet held,
   * `merge(current, value)` otherwise.
   */
  fold<W>(key: unknown, value: W, create: (w: W) => V, merge: (v: V, w: W) => V): void {
    if (typeof key === "string" && key.length <= SHORT_STRING) {
      const strings = (this.strings ??= new StringTable<V>());
      const at = strings.locate(key);
      if (at >= 0) {
        strings.setValueAt(at, merge(strings.valueAt(at), value));
        return;
      }
      const tag = this.append(~at);
      this.lastKey = undefined;
      strings.insert(~at, key, create(value), tag, this.moved);
      return;
    }
    if (Array.isArray(key)) {
      (this.composite ??= new TupleTable()).fold(key, value, create, merge);
      return;
    }
    const others = (this.others ??= new Map());
    const i = others.get(key);
    if (i !== undefined) {
      this.otherValues[i] = merge(this.otherValues[i] as V, value);
      return;
    }
    const index = this.otherKeys.length;
    others.set(key, index);
    this.otherKeys.push(key === 0 ? 0 : key); // as a Map keeps -0
    this.otherValues.push(create(value));
    this.otherTags.push(this.append(~index));
  }

  delete(key: unknown): boolean {
    let tag: number;
    if (typeof key === "string" && key.length <= SHORT_STRING) {
      const at = this.strings?.locate(key) ?? -1;
      if (at < 0) return false;
      this.lastKey = undefined;
      tag = this.strings!.removeAt(at);
    } else if (Array.isArray(key)) {
      return this.composite?.delete(key) ?? false;
    } else {
      const i = this.others?.get(key);
      if (i === undefined) return false;
      this.others!.delete(key);
      this.otherKeys[i] = undefined;
      this.otherValues[i] = undefined;
      tag = this.otherTags[i]!;
    }
    this.order[tag] = DEAD;
    this.live--;
    if (this.entries - this.live > Math.max(64, this.live) && this.iterating === 0) this.compact();
    return true;
  }

  /** Calls `fn` for every entry, plain keys in insertion order, then array keys; entries set meanwhile are visited too. */
  forEach(fn: (value: V, key: unknown) => void): void {
    this.iterating++;
    try {
      // The order and the table may be replaced by a set in `fn`: read them at each step.
      for (let j = 0; j < this.entries; j++) {
        const ref = this.order[j]!;
        if (ref === DEAD) continue;
        if (ref >= 0) fn(this.strings!.valueAt(ref), this.strings!.keyAt(ref));
        else fn(this.otherValues[~ref] as V, this.otherKeys[~ref]);
      }
    } finally {
      this.iterating--;
    }
    this.composite?.forEach(fn);
  }

  /** The keys and values in iteration order, as two arrays. */
  columns(): { keys: unknown[]; values: V[] } {
    const keys: unknown[] = [];
    const values: V[] = [];
    this.forEach((v, k) => {
      keys.push(k);
      values.push(v);
    });
    return { keys, values };
  }

  /** `key`'s position in the string table (or a negative number), remembered for a set of it next. */
  private remember(key: string): number {
    const at = this.strings?.locate(key) ?? -1;
    this.lastKey = key;
    this.lastAt = at;
    return at;
  }

  /** A new entry in the order, referring to `ref`: its index. */
  private append(ref: number): number {
    if (this.entries === this.order.length) {
      const order = new Int32Array(this.order.length * 2);
      order.set(this.order);
      this.order = order;
    }
    this.order[this.entries] = ref;
    this.live++;
    return this.entries++;
  }

  /** The entries without the removed ones, and their indexes made again. */
  private compact(): void {
    const { keys, values } = this.columnsOfPlainKeys();
    this.lastKey = undefined;
    this.strings = undefined;
    this.others = undefined;
    this.otherKeys = [];
    this.otherValues = [];
    this.otherTags = [];
    this.order = new Int32Array(8);
    this.entries = 0;
    this.live = 0;
    for (let i = 0; i < keys.length; i++) this.set(keys[i], values[i]!);
  }

  private columnsOfPlainKeys(): { keys: unknown[]; values: V[] } {
    const { composite } = this;
    this.composite = undefined;
    try {
      return this.columns();
    } finally {
      this.composite = composite;
    }
  }
}

const same = <V>(v: V): V => v;
const replace = <V>(_: V, v: V): V => v;

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
