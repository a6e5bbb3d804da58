/**
 * The open-addressing table under `StringSlots` and `NumberSlots`: slot numbers (indices into the
 * caller's `keys` array) by hash, linear probing, removed slots marked until the next rebuild.
 * Each subclass hashes its keys and probes with its own equality, so each probe loop compiles for
 * one kind of key.
 */

export const EMPTY = -1;
export const REMOVED = -2;

export abstract class SlotTable {
  // Small at first: a fold per partition per batch makes one, and most partitions hold few keys.
  protected table: Int32Array = new Int32Array(64).fill(EMPTY);
  protected mask = 63;
  /** By slot number: the hash of the key in that slot, for the slots this table placed. */
  protected hashes: Int32Array = new Int32Array(64);
  private size = 0;
  private removed = 0;

  /** Takes `slot` for a key hashed to `h` at free position `at` (found by a probe). */
  protected place(h: number, at: number, slot: number): void {
    if (slot >= this.hashes.length) this.hashes = grown(this.hashes, slot + 1);
    this.hashes[slot] = h;
    if (this.table[at] === REMOVED) this.removed--;
    this.table[at] = slot;
    this.size++;
    if ((this.size + this.removed) * 2 > this.table.length) this.rehash(this.size * 4 > this.table.length ? this.table.length * 2 : this.table.length);
  }

  /** Frees position `at` (a live slot's); returns the slot. */
  protected vacate(at: number): number {
    const slot = this.table[at]!;
    this.table[at] = REMOVED;
    this.size--;
    this.removed++;
    return slot;
  }

  /** The table again at `capacity`, without the removed keys' marks. */
  private rehash(capacity: number): void {
    const old = this.table;
    const table = new Int32Array(capacity).fill(EMPTY);
    const mask = capacity - 1;
    for (let i = 0; i < old.length; i++) {
      const s = old[i]!;
      if (s < 0) continue;
      let at = this.hashes[s]! & mask;
      while (table[at] !== EMPTY) at = (at + 1) & mask;
      table[at] = s;
    }
    this.table = table;
    this.mask = mask;
    this.removed = 0;
  }
}

/** `a`'s values in an array at least `atLeast` long and twice `a`'s length. */
export function grown(a: Int32Array, atLeast = 0): Int32Array<ArrayBuffer> {
  const out = new Int32Array(Math.max(atLeast, a.length * 2));
  out.set(a);
  return out;
}
