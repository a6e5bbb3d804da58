import { EMPTY, REMOVED, SlotTable } from "./slot-table.ts";
import { hashNumberStep, hashSpread, hashStart, tableSeed } from "./table-hash.ts";

/**
 * Slot numbers of number keys, hashed in JS from the thread's random table seed. A `Map` hashes
 * numbers with no seed at all (V8's integer and 64-bit mixes), so anyone can work out keys that
 * share a bucket: 20k such doubles took 600-780 ms to count in a `Map` against 6-12 ms for
 * 20k others, and the time grows with the square of the count. Equality is `Map`'s: NaN is
 * equal to NaN and -0 to 0 (the caller keeps -0 as 0).
 *
 * Slots index the caller's `keys` array, as in `StringSlots`.
 */
export class NumberSlots extends SlotTable {
  private readonly seed = tableSeed();

  /** The slot of `key`; or, when it has none, -1 after taking `keys.length` as its slot. */
  slotOf(key: number, keys: readonly unknown[]): number {
    const h = hashNumber(key, this.seed);
    const at = this.probe(h, key, keys);
    if (at >= 0) return this.table[at]!;
    this.place(h, ~at, keys.length);
    return -1;
  }

  /** The slot of `key`, or -1. */
  find(key: number, keys: readonly unknown[]): number {
    const at = this.probe(hashNumber(key, this.seed), key, keys);
    return at >= 0 ? this.table[at]! : -1;
  }

  /** Forgets `key` (call before its entry in `keys` changes): its slot, or -1 when it had none. */
  remove(key: number, keys: readonly unknown[]): number {
    const at = this.probe(hashNumber(key, this.seed), key, keys);
    return at < 0 ? -1 : this.vacate(at);
  }

  /**
   * Where `key` sits in the table, or `~p` with `p` where it would go. StringSlots' loop with NaN
   * equal to NaN, kept apart so that each loop's `===` compiles for one kind of key.
   */
  private probe(h: number, key: number, keys: readonly unknown[]): number {
    const { table, mask, hashes } = this;
    let at = h & mask;
    let free = -1;
    for (let s = table[at]!; s !== EMPTY; s = table[at]!) {
      if (s === REMOVED) {
        if (free < 0) free = at;
      } else if (hashes[s] === h && (keys[s] === key || (key !== key && keys[s] !== keys[s]))) {
        return at;
      }
      at = (at + 1) & mask;
    }
    return ~(free >= 0 ? free : at);
  }
}

/** A number's table hash (`seed` is for tests). */
export function hashNumber(key: number, seed: number = tableSeed()): number {
  return hashSpread(hashNumberStep(hashStart(seed), key));
}
