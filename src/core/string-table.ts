import { hashSpread, hashStart, hashStep, tableSeed } from "./table-hash.ts";

/**
 * Strings no longer than this go to a `StringTable`; longer ones hash faster in a `Map`, whose
 * hash runs outside the compiled code but in one call whatever the length (1M words of 32
 * characters: 214 ms in a Map, 260 ms hashed here; of 4 characters: 150 ms against 29 ms).
 */
export const SHORT_STRING = 16;

/**
 * What a removed entry's key becomes: a string longer than any key the table holds, so never
 * equal to one (a symbol here would make every comparison in the probe loop a generic one).
 */
const REMOVED = "\u0000".repeat(SHORT_STRING + 1);

/**
 * Short strings (at most `SHORT_STRING` long) and their values at the positions of an open-addressing table, hashed by a JS
 * loop (`hashString`). A `Map` looking up a string it has never hashed (every string a parser,
 * `split` or a decoder makes) leaves the compiled code to hash it, which costs several times the
 * loop over a short string. A key and its value share a position: a lookup touches that place in
 * memory only, where a table of slot numbers would be followed by a second, dependent, miss.
 *
 * Each entry also keeps a number of its owner's (its index in the owner's order of entries):
 * `KeyMap` iterates in insertion order through it, and learns where entries move when the table
 * grows.
 */
export class StringTable<V> {
  private keysAt: (string | undefined)[] = vacant(16);
  private valuesAt: (V | undefined)[] = vacant(16);
  private tagsAt = new Int32Array(16);
  private mask = 15;
  private live = 0;
  private removed = 0;
  private readonly seed = tableSeed();

  /** The position of `key`, or `~p` with `p` the position it would take. */
  locate(key: string): number {
    const { keysAt, mask } = this;
    let at = hashString(key, this.seed) & mask;
    for (let k = keysAt[at]; k !== undefined; k = keysAt[at]) {
      if (k === key) return at;
      at = (at + 1) & mask;
    }
    return this.removed === 0 ? ~at : this.vacancy(key);
  }

  /**
   * Where absent `key` goes in a table holding removed marks: the first on its probe run, or the
   * run's end (kept out of `locate`, whose loop it slows by 8%).
   */
  private vacancy(key: string): number {
    const { keysAt, mask } = this;
    let at = hashString(key, this.seed) & mask;
    for (let k = keysAt[at]; k !== undefined && k !== REMOVED; k = keysAt[at]) at = (at + 1) & mask;
    return ~at;
  }

  /** The number of positions: a position is below it. */
  get capacity(): number {
    return this.keysAt.length;
  }

  keyAt(at: number): string {
    return this.keysAt[at] as string;
  }

  valueAt(at: number): V {
    return this.valuesAt[at] as V;
  }

  setValueAt(at: number, value: V): void {
    this.valuesAt[at] = value;
  }

  /**
   * Puts `key` at `at` (from `~locate(key)`) with `value` and `tag`. When the table then grows,
   * entries move: `moved(tag, position)` is called for each.
   */
  insert(at: number, key: string, value: V, tag: number, moved: (tag: number, at: number) => void): void {
    if (this.keysAt[at] === REMOVED) this.removed--;
    this.keysAt[at] = key;
    this.valuesAt[at] = value;
    this.tagsAt[at] = tag;
    this.live++;
    if ((this.live + this.removed) * 2 > this.keysAt.length) this.rehash(this.live * 4 > this.keysAt.length ? this.keysAt.length * 2 : this.keysAt.length, moved);
  }

  /** Removes the entry at `at`: its tag. */
  removeAt(at: number): number {
    this.keysAt[at] = REMOVED;
    this.valuesAt[at] = undefined;
    this.live--;
    this.removed++;
    return this.tagsAt[at]!;
  }

  /** The entries again in a table of `capacity`, without the removed ones' marks. */
  private rehash(capacity: number, moved: (tag: number, at: number) => void): void {
    const { keysAt, valuesAt, tagsAt } = this;
    this.keysAt = vacant(capacity);
    this.valuesAt = vacant(capacity);
    this.tagsAt = new Int32Array(capacity);
    this.mask = capacity - 1;
    this.removed = 0;
    for (let i = 0; i < keysAt.length; i++) {
      const key = keysAt[i];
      if (key === undefined || key === REMOVED) continue;
      const at = ~this.locate(key);
      this.keysAt[at] = key;
      this.valuesAt[at] = valuesAt[i];
      this.tagsAt[at] = tagsAt[i]!;
      moved(tagsAt[i]!, at);
    }
  }
}

/** An array of `n` undefined elements, packed (the fast kind for these reads). */
function vacant<T>(n: number): (T | undefined)[] {
  const out: (T | undefined)[] = [];
  for (let i = 0; i < n; i++) out.push(undefined);
  return out;
}

/**
 * FNV-1a steps over the UTF-16 code units two at a time (half the chain of multiplies: 8% off
 * folding 4M 7-character keys), from the seed and the length, spread; `seed` is for tests.
 */
export function hashString(key: string, seed: number = tableSeed()): number {
  const n = key.length;
  let h = hashStart(seed) ^ n;
  let i = 0;
  for (; i + 1 < n; i += 2) h = hashStep(h, key.charCodeAt(i) | (key.charCodeAt(i + 1) << 16));
  if (i < n) h = hashStep(h, key.charCodeAt(i));
  return hashSpread(h);
}
