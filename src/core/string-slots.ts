import { EMPTY, REMOVED, SlotTable } from "./slot-table.ts";
import { hashSpread, hashStart, hashStep, tableSeed } from "./table-hash.ts";

/**
 * Strings no longer than this go to a `StringSlots`; longer ones hash faster in a `Map`, whose
 * hash runs outside the compiled code but in one call whatever the length (1M words of 32
 * characters: 214 ms in a Map, 260 ms hashed here; of 4 characters: 150 ms against 29 ms).
 */
export const SHORT_STRING = 16;

/** No position remembered (positions are table indices, or their complement: never this). */
const NOWHERE = 0x7fffffff;

/**
 * Slot numbers of short strings in an open-addressing table, hashed by a JS loop (FNV-1a with
 * MurmurHash3's finalizer, from the thread's random table seed). A `Map` looking up a string it
 * has never hashed (every string a parser, `split` or a decoder makes) leaves the compiled code to
 * hash it, which costs several times the loop over a short string: folding fresh words is 2–5x
 * faster here.
 *
 * The slots are indices into the caller's `keys` array, which also holds keys placed elsewhere
 * (in a `Map`): the table compares a candidate's hash, then the key in `keys` by `===` (the
 * same equality as a `Map`'s for strings).
 */
export class StringSlots extends SlotTable {
  /** The last string hashed, and its hash: a `set` after a `get` of the same key hashes it once. */
  private readonly seed = tableSeed();
  private lastKey = "";
  private lastHash = hashString("", this.seed);
  /** `position` of the last key, until the table changes. */
  private lastAt = NOWHERE;

  /**
   * The slot of `key`, whose string is `keys[slot]`; or, when it has none, -1 after taking
   * `keys.length` as its slot (the caller then appends the key to `keys`).
   */
  slotOf(key: string, keys: readonly unknown[]): number {
    const h = this.hash(key);
    const at = this.position(h, key, keys);
    if (at >= 0) return this.table[at]!;
    this.place(h, ~at, keys.length);
    this.lastAt = NOWHERE;
    return -1;
  }

  /** The slot of `key`, or -1. */
  find(key: string, keys: readonly unknown[]): number {
    const at = this.position(this.hash(key), key, keys);
    return at >= 0 ? this.table[at]! : -1;
  }

  /** Forgets `key` (call before its entry in `keys` changes): its slot, or -1 when it had none. */
  remove(key: string, keys: readonly unknown[]): number {
    const at = this.position(this.hash(key), key, keys);
    if (at < 0) return -1;
    this.lastAt = NOWHERE;
    return this.vacate(at);
  }

  private hash(key: string): number {
    if (key === this.lastKey) return this.lastHash;
    this.lastKey = key;
    this.lastAt = NOWHERE;
    return (this.lastHash = hashString(key, this.seed));
  }

  /** Where `key` sits in the table, or `~p` with `p` where it would go. */
  private position(h: number, key: string, keys: readonly unknown[]): number {
    // A set after a get of the same key, the table unchanged in between: the get's answer.
    if (this.lastAt !== NOWHERE && key === this.lastKey) return this.lastAt;
    const at = this.probe(h, key, keys);
    if (key === this.lastKey) this.lastAt = at;
    return at;
  }

  private probe(h: number, key: string, keys: readonly unknown[]): number {
    const { table, mask, hashes } = this;
    let at = h & mask;
    let free = -1;
    for (let s = table[at]!; s !== EMPTY; s = table[at]!) {
      if (s === REMOVED) {
        if (free < 0) free = at;
      } else if (hashes[s] === h && keys[s] === key) {
        return at;
      }
      at = (at + 1) & mask;
    }
    return ~(free >= 0 ? free : at);
  }
}

/**
 * FNV-1a steps over the UTF-16 code units two at a time (half the chain of multiplies: 8% off
 * folding 4M 7-character keys), from the seed and the length, spread; `seed` is for tests.
 *
 * Flipping bit 15 of the second unit of any two steps (0x61 to 0x8061, say) gives the same hash
 * under every seed: a flipped top bit survives the multiply alone and the next flip cancels it. A
 * short string has at most 8 steps, so at most 128 strings share a hash that way, which bounds
 * what they cost a lookup; a second multiply per step to stop it would slow every fold.
 */
export function hashString(key: string, seed: number = tableSeed()): number {
  const n = key.length;
  let h = hashStart(seed) ^ n;
  let i = 0;
  for (; i + 1 < n; i += 2) h = hashStep(h, key.charCodeAt(i) | (key.charCodeAt(i + 1) << 16));
  if (i < n) h = hashStep(h, key.charCodeAt(i));
  return hashSpread(h);
}
