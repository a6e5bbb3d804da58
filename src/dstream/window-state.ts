import { KeyMap } from "../core/keys.ts";
import type { Pair } from "../core/executor.ts";

/** Per key: the window's value, and how many of the window's batches hold the key. */
export type WindowEntry<V> = readonly [value: V, batches: number];

/** A slot whose key has left the window; its key is no longer in the slot map. */
const DEAD = -0x40000000;

/**
 * One partition of an incremental window, kept from one window to the next so that each slide
 * updates it in place: the batches that left are subtracted, those that arrived are added, and
 * only the keys they hold are touched. Rebuilding a map from the previous window's records every
 * slide cost as much as the rest of the update together.
 *
 * Keys come out as a `KeyMap` rebuilt from the previous window would give them: the previous
 * window's keys in order, then new keys as first seen, plain keys before array keys.
 */
export class WindowPartition<K, V> {
  private slots = new KeyMap<number>();
  private keys: K[] = [];
  private values: V[] = [];
  private counts: number[] = [];
  private dead = 0;
  private arrayKeys = 0;

  /** The partition of a window from its records (after a restart, or when the kept one cannot be used). */
  static of<K, V>(records: readonly (readonly [K, WindowEntry<V>])[]): WindowPartition<K, V> {
    const part = new WindowPartition<K, V>();
    for (let i = 0; i < records.length; i++) {
      const [k, [value, count]] = records[i]!;
      part.insert(k, value, count);
    }
    return part;
  }

  /** Takes a batch that left the window out: `inv(value, leaving)` per key it holds. */
  subtract(records: readonly Pair<K, V>[], inv: (a: V, b: V) => V): void {
    const { slots, values, counts } = this;
    for (let i = 0; i < records.length; i++) {
      const r = records[i]!;
      const slot = slots.get(r[0]);
      if (slot === undefined) {
        // A leaving batch's key the window does not hold: kept as Spark's inverse would see it.
        this.insert(r[0], inv(undefined as V, r[1]), -1);
      } else {
        values[slot] = inv(values[slot]!, r[1]);
        counts[slot]!--;
      }
    }
  }

  /** Adds a batch that arrived in the window: `fn(value, arriving)` per key it holds. */
  add(records: readonly Pair<K, V>[], fn: (a: V, b: V) => V): void {
    const { slots, values, counts } = this;
    for (let i = 0; i < records.length; i++) {
      const r = records[i]!;
      const slot = slots.get(r[0]);
      if (slot === undefined) {
        this.insert(r[0], r[1], 1);
      } else {
        values[slot] = counts[slot] === 0 ? r[1] : fn(values[slot]!, r[1]);
        counts[slot]!++;
      }
    }
  }

  /**
   * The window's records. A key that no batch of the window holds any more stays (with the value
   * the inverse left it) only when `keepEmpty` says so; it is decided here, after the whole
   * update, so that a key leaving and coming back in the same slide keeps its place.
   */
  entries(keepEmpty: (key: K, value: V) => boolean): [K, WindowEntry<V>][] {
    const { keys, values, counts } = this;
    const out: [K, WindowEntry<V>][] = [];
    for (let s = 0; s < keys.length; s++) {
      const c = counts[s]!;
      if (c === DEAD) continue;
      // Below zero, a leaving batch held a key the window did not: nothing sound to keep.
      if (c < 0 || (c === 0 && !keepEmpty(keys[s]!, values[s]!))) {
        this.kill(s);
        continue;
      }
      if (this.arrayKeys > 0 && Array.isArray(keys[s])) continue;
      out.push([keys[s]!, [values[s]!, c]]);
    }
    if (this.arrayKeys > 0) {
      for (let s = 0; s < keys.length; s++) {
        if (counts[s] !== DEAD && Array.isArray(keys[s])) out.push([keys[s]!, [values[s]!, counts[s]!]]);
      }
    }
    // Slots of keys that left are reclaimed once they outnumber the live ones.
    if (this.dead > 1024 && this.dead > keys.length - this.dead) this.compact();
    return out;
  }

  private insert(k: K, value: V, count: number): void {
    this.slots.set(k, this.keys.length);
    // As a Map keeps it: -0 comes out as 0.
    this.keys.push((k === 0 ? 0 : k) as K);
    this.values.push(value);
    this.counts.push(count);
    if (Array.isArray(k)) this.arrayKeys++;
  }

  private kill(slot: number): void {
    const k = this.keys[slot]!;
    this.slots.delete(k);
    if (Array.isArray(k)) this.arrayKeys--;
    this.keys[slot] = undefined as K;
    this.values[slot] = undefined as V;
    this.counts[slot] = DEAD;
    this.dead++;
  }

  private compact(): void {
    const { keys, values, counts } = this;
    this.slots = new KeyMap<number>();
    this.keys = [];
    this.values = [];
    this.counts = [];
    this.dead = 0;
    this.arrayKeys = 0;
    for (let s = 0; s < keys.length; s++) if (counts[s] !== DEAD) this.insert(keys[s]!, values[s]!, counts[s]!);
  }
}
