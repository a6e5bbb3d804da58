/**
 * The natural order of records and keys (`sortBy`, `sortByKey`, `top`, `takeOrdered`, `min`,
 * `max` without a comparator), and the bounded selection behind `top` and `takeOrdered`.
 */
import type { Partitions } from "./executor.ts";

/**
 * What has a natural order: numbers, bigints, strings, booleans, and arrays (tuples) of them,
 * as Scala's implicit `Ordering`s for numbers, strings, booleans and tuples.
 */
export type Orderable = number | bigint | string | boolean | readonly Orderable[];

/** A comparator: negative when `a` comes first, positive when `b` does, 0 for a tie. */
export type Comparator<T> = (a: T, b: T) => number;

/**
 * The natural order: numbers numerically, with NaN after every other number (as Java's
 * `Double.compare`, so the order is total) and -0 equal to 0 (as keys compare); strings by UTF-16
 * code unit; false before true; arrays element by element, a prefix first. Values of different
 * kinds order by kind: numbers, bigints, strings, booleans, arrays, anything else (all tied).
 */
export function naturalOrder(a: unknown, b: unknown): number {
  const ta = typeof a;
  if (ta === typeof b) {
    if (ta === "number") {
      // Spelled out so NaN is ordered instead of comparing neither less nor greater than anything.
      if ((a as number) < (b as number)) return -1;
      if ((a as number) > (b as number)) return 1;
      const nanA = a !== a;
      return nanA === (b !== b) ? 0 : nanA ? 1 : -1;
    }
    if (ta === "string" || ta === "bigint" || ta === "boolean") return (a as string) < (b as string) ? -1 : (a as string) > (b as string) ? 1 : 0;
    if (Array.isArray(a) && Array.isArray(b)) {
      const n = Math.min(a.length, b.length);
      for (let i = 0; i < n; i++) {
        const c = naturalOrder(a[i], b[i]);
        if (c !== 0) return c;
      }
      return a.length - b.length;
    }
  }
  return rank(a) - rank(b);
}

function rank(x: unknown): number {
  switch (typeof x) {
    case "number":
      return 0;
    case "bigint":
      return 1;
    case "string":
      return 2;
    case "boolean":
      return 3;
    default:
      return Array.isArray(x) ? 4 : 5;
  }
}

/**
 * The `n` smallest records under `compare`, smallest first; ties keep their order in the batch,
 * so the result is the first `n` records of a stable sort. A bounded max-heap of `n` candidates
 * when `n` is small against the batch (O(N log n), n records kept), a sort otherwise.
 */
export function smallest<T>(parts: Partitions<T>, n: number, compare: Comparator<T>): T[] {
  let total = 0;
  for (const p of parts) total += p.length;
  if (n === 0 || total === 0) return [];
  if (n * 8 >= total) {
    const all = ([] as T[]).concat(...parts);
    // Array.prototype.sort is stable, so ties stay in batch order.
    return all.sort(compare).slice(0, n);
  }
  // Heap entries are (record, position in the batch); the root is the worst candidate kept.
  const recs: T[] = [];
  const pos: number[] = [];
  const worse = (i: number, j: number): boolean => {
    const c = compare(recs[i]!, recs[j]!);
    return c > 0 || (c === 0 && pos[i]! > pos[j]!);
  };
  const swap = (i: number, j: number): void => {
    const r = recs[i]!;
    recs[i] = recs[j]!;
    recs[j] = r;
    const q = pos[i]!;
    pos[i] = pos[j]!;
    pos[j] = q;
  };
  const siftDown = (i: number): void => {
    for (;;) {
      const l = 2 * i + 1;
      if (l >= recs.length) return;
      const r = l + 1;
      const child = r < recs.length && worse(r, l) ? r : l;
      if (!worse(child, i)) return;
      swap(child, i);
      i = child;
    }
  };
  let at = 0;
  for (const p of parts) {
    for (let i = 0; i < p.length; i++, at++) {
      const x = p[i]!;
      if (recs.length < n) {
        recs.push(x);
        pos.push(at);
        for (let c = recs.length - 1; c > 0; ) {
          const parent = (c - 1) >> 1;
          if (!worse(c, parent)) break;
          swap(c, parent);
          c = parent;
        }
      } else if (compare(x, recs[0]!) < 0) {
        // A tie with the root is not better: the root came earlier in the batch.
        recs[0] = x;
        pos[0] = at;
        siftDown(0);
      }
    }
  }
  const order = recs.map((_, i) => i);
  order.sort((i, j) => compare(recs[i]!, recs[j]!) || pos[i]! - pos[j]!);
  return order.map((i) => recs[i]!);
}
