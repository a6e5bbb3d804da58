import type { Pair } from "../core/executor.ts";
import { KeyMap } from "../core/keys.ts";
import type { Feed } from "../core/pipeline.ts";
import type { ReducerTag } from "../core/reducers.ts";
import { grown } from "../core/slot-table.ts";
import { hashString, SHORT_STRING } from "../core/string-slots.ts";
import { tableSeed } from "../core/table-hash.ts";

/** A fold's distinct keys in the order they came, and each key's value (the local executor's `Folded`). */
interface Folded {
  readonly keys: unknown[];
  readonly values: unknown[];
}

/** A value as its own first combiner. */
const same = (v: unknown): unknown => v;

const SUM = 0;
const MIN = 1;
const MAX = 2;

/**
 * One input partition folded by a built-in reducer (`sum`, `min`, `max`): the same keys, order
 * and values as `foldWith` with the reducer, found faster where keys are short strings and values
 * numbers. Each key's string and its running value sit at the same position of an
 * open-addressing table (a key array and a `Float64Array`), so a record costs its hash and one
 * place in memory, where a `KeyMap` reaches its slot through the table, then the slot's value,
 * and calls the reducer: the pairs of a large batch stream through the cache between two visits
 * of a key, and each of those steps is a miss. 4M pairs, 10k keys: 97-108 ms against KeyMap's
 * 131-146; through the public API 104 against 145 ms (counts), 113 against 148 (amounts).
 *
 * (KeyMap keeps its slot table: a shuffle makes several KeyMaps afresh for every partition of
 * every batch, and positional tables of JS arrays cost more to allocate than they save there:
 * 200k fresh pairs a batch at parallelism 2, reduceByKey took 76-89 ms with them against 38-45.)
 *
 * The first record it cannot hold this way (another key, a value that is not a number) hands
 * what it folded, in order, to a `KeyMap`, which folds the rest with the reducer itself.
 */
export function foldNumbers<K>(feed: Feed<Pair<K, unknown>>, tag: ReducerTag, reducer: (a: unknown, b: unknown) => unknown): Folded {
  const table = new NumberTable(tag === "sum" ? SUM : tag === "min" ? MIN : MAX);
  let map: KeyMap<unknown> | undefined;
  const records = feed.records;
  if (records) {
    let i = 0;
    for (; i < records.length; i++) {
      const r = records[i]!;
      if (!table.fold(r[0], r[1])) break;
    }
    if (i === records.length) return table.finish();
    map = table.toKeyMap();
    for (; i < records.length; i++) {
      const r = records[i]!;
      map.fold(r[0], r[1], same, reducer);
    }
    return map.columns();
  }
  feed((r) => {
    if (map === undefined) {
      if (table.fold(r[0], r[1])) return;
      map = table.toKeyMap();
    }
    map.fold(r[0], r[1], same, reducer);
  });
  return map === undefined ? table.finish() : (map as KeyMap<unknown>).columns();
}

/** Short string keys and their numbers by position; the positions in insertion order beside. */
class NumberTable {
  private keysAt: (string | undefined)[] = vacantKeys(64);
  private valuesAt = new Float64Array(64);
  private mask = 63;
  /** Table positions, in the order their keys came. */
  private order: Int32Array<ArrayBuffer> = new Int32Array(32);
  private size = 0;
  private readonly seed = tableSeed();

  constructor(private readonly op: typeof SUM | typeof MIN | typeof MAX) {}

  /** Folds `value` into `key`'s entry; false, folding nothing, when either is not one this table holds. */
  fold(key: unknown, value: unknown): boolean {
    if (typeof key !== "string" || key.length > SHORT_STRING || typeof value !== "number") return false;
    const { keysAt, mask } = this;
    let at = hashString(key, this.seed) & mask;
    for (let k = keysAt[at]; k !== undefined; k = keysAt[at]) {
      if (k === key) {
        const v = this.valuesAt;
        v[at] = this.op === SUM ? v[at]! + value : this.op === MIN ? Math.min(v[at]!, value) : Math.max(v[at]!, value);
        return true;
      }
      at = (at + 1) & mask;
    }
    keysAt[at] = key;
    this.valuesAt[at] = value;
    if (this.size === this.order.length) this.order = grown(this.order);
    this.order[this.size++] = at;
    if (this.size * 2 > keysAt.length) this.grow();
    return true;
  }

  /** The keys and values in the order the keys came; the table is done with. */
  finish(): Folded {
    const keys = new Array<unknown>(this.size);
    const values = new Array<unknown>(this.size);
    for (let i = 0; i < this.size; i++) {
      const at = this.order[i]!;
      keys[i] = this.keysAt[at];
      values[i] = this.valuesAt[at];
    }
    this.release();
    return { keys, values };
  }

  /** The entries, in order, in a `KeyMap` to go on folding; the table is done with. */
  toKeyMap(): KeyMap<unknown> {
    const map = new KeyMap<unknown>();
    for (let i = 0; i < this.size; i++) {
      const at = this.order[i]!;
      map.set(this.keysAt[at], this.valuesAt[at]);
    }
    this.release();
    return map;
  }

  /** The table at twice the capacity, entries placed again in insertion order (the order stays valid). */
  private grow(): void {
    const { keysAt, valuesAt, order, size } = this;
    const capacity = keysAt.length * 2;
    const mask = capacity - 1;
    this.keysAt = vacantKeys(capacity);
    this.valuesAt = new Float64Array(capacity);
    this.mask = mask;
    for (let i = 0; i < size; i++) {
      const from = order[i]!;
      const key = keysAt[from]!;
      keysAt[from] = undefined;
      let at = hashString(key, this.seed) & mask;
      while (this.keysAt[at] !== undefined) at = (at + 1) & mask;
      this.keysAt[at] = key;
      this.valuesAt[at] = valuesAt[from]!;
      order[i] = at;
    }
    releaseKeys(keysAt);
  }

  /** Hands the key array over for another table (this one is done with). */
  private release(): void {
    const { keysAt, order, size } = this;
    for (let i = 0; i < size; i++) keysAt[order[i]!] = undefined;
    releaseKeys(keysAt);
    this.keysAt = [];
  }
}

/**
 * Key arrays of tables done with, all vacant, by capacity. A JS array of 16k elements or more
 * lives in V8's large-object space, whose fresh pages cost about 30 ns an element here (3 ns
 * below that size): every partition of every batch folds in a new table, so the large ones are
 * used again instead: one of each capacity up to 2^19 positions (8 MB in all at most; a thread
 * folds one partition at a time).
 */
const spareKeys = new Map<number, (string | undefined)[]>();

function vacantKeys(capacity: number): (string | undefined)[] {
  const spare = spareKeys.get(capacity);
  if (spare === undefined) return new Array<string | undefined>(capacity).fill(undefined);
  spareKeys.delete(capacity);
  return spare;
}

/** Keeps `keys`, vacant, for another table. */
function releaseKeys(keys: (string | undefined)[]): void {
  const capacity = keys.length;
  if (capacity >= 1 << 14 && capacity <= 1 << 19 && !spareKeys.has(capacity)) spareKeys.set(capacity, keys);
}
