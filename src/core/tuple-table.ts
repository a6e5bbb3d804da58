import { objectId, symbolId } from "./identity.ts";
import { hashSpread, hashStart, hashStep, tableSeed } from "./table-hash.ts";

/**
 * A hash table of array keys (Scala's tuples), compared structurally by the key rules: elements
 * by SameValueZero (NaN equals NaN, -0 equals 0), nested arrays structurally, objects and symbols
 * by reference, a hole as undefined. The same equality as comparing `canonicalKey` texts, without
 * building a text per lookup: a tuple key is hashed and compared element by element, which costs a
 * fraction of making the text and hashing it as a fresh string.
 *
 * Each entry keeps the first-seen key (what callers get back) and a copy of its content as it was
 * then, which lookups compare with: a key array changed after it was stored (a reused buffer)
 * does not move its entry, as the canonical text taken at insertion would not. Entries keep
 * insertion order; a deleted one leaves a gap, reclaimed once gaps outnumber live entries.
 */
export class TupleTable<V> {
  private keys: unknown[] = [];
  private snapshots: (readonly unknown[] | undefined)[] = [];
  private values: (V | undefined)[] = [];
  private hashes: number[] = [];
  /** Entry index + 1 per slot, 0 when free; a deleted entry keeps its slot until the next rebuild. */
  private slots = new Int32Array(16);
  private live = 0;

  get size(): number {
    return this.live;
  }

  get(key: readonly unknown[]): V | undefined {
    const e = this.find(key, hashTuple(key));
    return e < 0 ? undefined : this.values[e];
  }

  has(key: readonly unknown[]): boolean {
    return this.find(key, hashTuple(key)) >= 0;
  }

  set(key: readonly unknown[], value: V): void {
    const h = hashTuple(key);
    const e = this.find(key, h);
    if (e >= 0) this.values[e] = value;
    else this.add(key, h, value);
  }

  /** `create(value)` for a key not yet held, `merge(current, value)` otherwise: one lookup. */
  fold<W>(key: readonly unknown[], value: W, create: (w: W) => V, merge: (v: V, w: W) => V): void {
    const h = hashTuple(key);
    const e = this.find(key, h);
    if (e >= 0) this.values[e] = merge(this.values[e] as V, value);
    else this.add(key, h, create(value));
  }

  private add(key: readonly unknown[], h: number, value: V): void {
    const entry = this.keys.length;
    this.keys.push(key);
    this.snapshots.push(snapshot(key));
    this.values.push(value);
    this.hashes.push(h);
    this.live++;
    if (entry * 2 >= this.slots.length) this.rebuild();
    else this.place(entry);
  }

  delete(key: readonly unknown[]): boolean {
    const e = this.find(key, hashTuple(key));
    if (e < 0) return false;
    this.keys[e] = undefined;
    this.snapshots[e] = undefined;
    this.values[e] = undefined;
    this.live--;
    const dead = this.keys.length - this.live;
    if (dead > 16 && dead > this.live) this.rebuild();
    return true;
  }

  /** Every entry in insertion order. */
  forEach(fn: (value: V, key: readonly unknown[]) => void): void {
    const { keys, snapshots, values } = this;
    for (let e = 0; e < keys.length; e++) if (snapshots[e] !== undefined) fn(values[e] as V, keys[e] as readonly unknown[]);
  }

  /** The entry holding `key` (hashed to `h`), or -1. */
  private find(key: readonly unknown[], h: number): number {
    const { slots, snapshots, hashes } = this;
    const mask = slots.length - 1;
    for (let pos = h & mask; ; pos = (pos + 1) & mask) {
      const s = slots[pos]!;
      if (s === 0) return -1;
      const e = s - 1;
      const stored = snapshots[e];
      if (stored !== undefined && hashes[e] === h && sameTuple(stored, key)) return e;
    }
  }

  private place(entry: number): void {
    const { slots } = this;
    const mask = slots.length - 1;
    let pos = this.hashes[entry]! & mask;
    while (slots[pos] !== 0) pos = (pos + 1) & mask;
    slots[pos] = entry + 1;
  }

  /** Drops deleted entries (keeping order) and sizes the slots for at most half full. */
  private rebuild(): void {
    if (this.live < this.keys.length) {
      const keys: unknown[] = [];
      const snapshots: (readonly unknown[] | undefined)[] = [];
      const values: (V | undefined)[] = [];
      const hashes: number[] = [];
      for (let e = 0; e < this.keys.length; e++) {
        if (this.snapshots[e] === undefined) continue;
        keys.push(this.keys[e]);
        snapshots.push(this.snapshots[e]);
        values.push(this.values[e]);
        hashes.push(this.hashes[e]!);
      }
      this.keys = keys;
      this.snapshots = snapshots;
      this.values = values;
      this.hashes = hashes;
    }
    let capacity = 16;
    while (capacity < this.keys.length * 4) capacity *= 2;
    this.slots = new Int32Array(capacity);
    for (let e = 0; e < this.keys.length; e++) this.place(e);
  }
}

/** The content of a key as it is now: nested arrays copied, holes read as undefined. */
export function snapshot(key: readonly unknown[]): readonly unknown[] {
  const out = new Array<unknown>(key.length);
  for (let i = 0; i < key.length; i++) {
    const v = key[i];
    out[i] = Array.isArray(v) ? snapshot(v) : v;
  }
  return out;
}

/** Whether two tuple keys are equal under the key rules. */
export function sameTuple(a: readonly unknown[], b: readonly unknown[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i];
    const y = b[i];
    // === is SameValueZero but for NaN; strings and bigints compare by value.
    if (x === y) continue;
    if (typeof x === "number") {
      if (x !== x && typeof y === "number" && y !== y) continue;
      return false;
    }
    if (Array.isArray(x) && Array.isArray(y) && sameTuple(x, y)) continue;
    return false;
  }
  return true;
}

const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);

/** A hash equal for keys `sameTuple` finds equal (from the tables' random seed; `seed` is for tests). */
export function hashTuple(key: readonly unknown[], seed: number = tableSeed()): number {
  let h = hashStep(hashStart(seed), 0x5b ^ key.length);
  for (let i = 0; i < key.length; i++) h = hashElement(h, key[i]);
  return hashSpread(h) >>> 0;
}

function hashElement(h: number, v: unknown): number {
  switch (typeof v) {
    case "string": {
      h = hashStep(h, 0x73);
      for (let i = 0; i < v.length; i++) h = hashStep(h, v.charCodeAt(i));
      return hashStep(h, v.length);
    }
    case "number":
      if (v !== v) return hashStep(h, 0x7ff80000);
      if ((v | 0) === v) return hashStep(hashStep(h, 0x6e), v | 0); // -0 | 0 is 0, so -0 hashes as 0
      f64[0] = v;
      return hashStep(hashStep(hashStep(h, 0x64), u32[0]!), u32[1]!);
    case "boolean":
      return hashStep(h, v ? 0x74 : 0x66);
    case "undefined":
      return hashStep(h, 0x75);
    case "bigint":
      return hashElement(hashStep(h, 0x62), v.toString());
    case "symbol": {
      const registered = Symbol.keyFor(v);
      return registered === undefined ? hashStep(hashStep(h, 0x79), symbolId(v)) : hashElement(hashStep(h, 0x52), registered);
    }
    case "object":
      if (v === null) return hashStep(h, 0x6c);
      if (Array.isArray(v)) {
        h = hashStep(h, 0x5b ^ v.length);
        for (let i = 0; i < v.length; i++) h = hashElement(h, v[i]);
        return hashStep(h, 0x5d);
      }
      return hashStep(hashStep(h, 0x23), objectId(v));
    default:
      return hashStep(hashStep(h, 0x23), objectId(v as object));
  }
}
