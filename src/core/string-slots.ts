/**
 * Strings no longer than this go to a `StringSlots`; longer ones hash faster in a `Map`, whose
 * hash runs outside the compiled code but in one call whatever the length (1M words of 32
 * characters: 214 ms in a Map, 260 ms hashed here; of 4 characters: 150 ms against 29 ms).
 */
export const SHORT_STRING = 16;

/**
 * Slot numbers of short strings in an open-addressing table, hashed by a JS loop (FNV-1a with
 * MurmurHash3's finalizer). A `Map` looking up a string it has never hashed (every string a
 * parser, `split` or a decoder makes) leaves the compiled code to hash it, which costs several
 * times the loop over a short string: folding fresh words is 2–5x faster here.
 *
 * The slots are indices into the caller's `keys` array, which also holds keys placed elsewhere
 * (in a `Map`): the table compares a candidate's hash, then the key in `keys` by `===` (the
 * same equality as a `Map`'s for strings).
 */
export class StringSlots {
  private table: Int32Array = new Int32Array(1024).fill(-1);
  private mask = 1023;
  /** By slot number: the hash of the string in that slot, for the slots this table placed. */
  private hashes: Int32Array = new Int32Array(1024);
  private size = 0;

  /**
   * The slot of `key`, whose string is `keys[slot]`; or, when it has none, -1 after taking
   * `keys.length` as its slot (the caller then appends the key to `keys`).
   */
  slotOf(key: string, keys: readonly unknown[]): number {
    let h = 0x811c9dc5;
    for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
    h ^= h >>> 16;
    h = Math.imul(h, 0x85ebca6b);
    h ^= h >>> 13;
    const { table, mask, hashes } = this;
    let at = h & mask;
    for (let s = table[at]!; s >= 0; s = table[at]!) {
      if (hashes[s] === h && keys[s] === key) return s;
      at = (at + 1) & mask;
    }
    const slot = keys.length;
    if (slot >= hashes.length) this.hashes = grown(hashes, slot + 1);
    this.hashes[slot] = h;
    table[at] = slot;
    if (++this.size * 2 > table.length) this.rehash();
    return -1;
  }

  private rehash(): void {
    const old = this.table;
    const table = new Int32Array(old.length * 2).fill(-1);
    const mask = table.length - 1;
    for (let i = 0; i < old.length; i++) {
      const s = old[i]!;
      if (s < 0) continue;
      let at = this.hashes[s]! & mask;
      while (table[at]! >= 0) at = (at + 1) & mask;
      table[at] = s;
    }
    this.table = table;
    this.mask = mask;
  }
}

function grown(a: Int32Array, atLeast: number): Int32Array {
  const out = new Int32Array(Math.max(atLeast, a.length * 2));
  out.set(a);
  return out;
}
