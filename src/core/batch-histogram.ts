import type { Batch } from "./batch.ts";
import { RivuletError } from "./errors.ts";
import type { Partitions } from "./executor.ts";

// Spark's DoubleRDDFunctions.histogram, both forms, with its edge cases: each bucket holds
// [left, right) but the last also its right edge; values outside the buckets (and NaN) are not
// counted; evenly spaced buckets find their bucket by arithmetic, others by binary search.

/** A histogram over `bucketCount` evenly spaced buckets from the smallest to the largest record. */
export async function histogramOf(batch: Batch<number>, bucketCount: number): Promise<[number[], number[]]> {
  if (!Number.isInteger(bucketCount) || bucketCount < 1) {
    throw new RivuletError("INVALID_ARGUMENT", `histogram: the number of buckets must be an integer of at least 1, got ${bucketCount}`);
  }
  const parts = await batch.partitions();
  let min = Infinity;
  let max = -Infinity;
  for (const p of parts) {
    for (let i = 0; i < p.length; i++) {
      // As Scala's Double max/min: a NaN wins, and is refused below.
      const x = p[i]!;
      max = x > max || x !== x ? x : max;
      min = x < min || x !== x ? x : min;
    }
  }
  if (!Number.isFinite(min) || !Number.isFinite(max)) {
    throw new RivuletError("ILLEGAL_STATE", "histogram of an empty batch, or of one holding ±Infinity or NaN: its buckets have no bounds (pass the bucket edges instead)");
  }
  // Spark's customRange: min + (s * span) / steps, then max itself (no accumulated step error).
  const buckets: number[] = [];
  if (min !== max) {
    for (let s = 0; s < bucketCount; s++) buckets.push(min + (s * (max - min)) / bucketCount);
    buckets.push(max);
  } else {
    buckets.push(min, min);
  }
  return [buckets, count(parts, buckets, true)];
}

/** How many records fall in each bucket of `buckets` (sorted edges, at least two). */
export async function histogramIn(batch: Batch<number>, buckets: readonly number[], evenBuckets: boolean): Promise<number[]> {
  if (buckets.length < 2) throw new RivuletError("INVALID_ARGUMENT", "histogram: buckets array must have at least two elements");
  for (let i = 0; i < buckets.length; i++) {
    const b = buckets[i]!;
    if (typeof b !== "number" || b !== b) throw new RivuletError("INVALID_ARGUMENT", `histogram: bucket edge ${i} is ${String(b)}, not a number`);
    if (i > 0 && !(b > buckets[i - 1]!)) throw new RivuletError("INVALID_ARGUMENT", `histogram: buckets must be sorted and distinct, but edge ${i} (${b}) follows ${buckets[i - 1]}`);
  }
  return count(await batch.partitions(), buckets, evenBuckets);
}

function count(parts: Partitions<number>, buckets: readonly number[], even: boolean): number[] {
  const counters = new Array<number>(buckets.length - 1).fill(0);
  const find = even ? evenBucket(buckets[0]!, buckets[buckets.length - 1]!, buckets.length - 1) : (x: number) => searchBucket(buckets, x);
  for (const p of parts) {
    for (let i = 0; i < p.length; i++) {
      const b = find(p[i]!);
      if (b >= 0) counters[b]!++;
    }
  }
  return counters;
}

/** Spark's fastBucketFunction: the bucket by arithmetic, -1 outside [min, max] or for NaN. */
function evenBucket(min: number, max: number, buckets: number): (x: number) => number {
  return (x) => {
    if (x !== x || x < min || x > max) return -1;
    // Scala's Double.toInt: toward zero, NaN (min === max) as 0.
    const at = Math.trunc(((x - min) / (max - min)) * buckets);
    return Math.min(at !== at ? 0 : at, buckets - 1);
  };
}

/**
 * Spark's basicBucketFunction over java.util.Arrays.binarySearch, which orders doubles as
 * Double.compare does: -0 before 0, NaN after everything. So -0 is outside buckets starting at 0.
 */
function searchBucket(buckets: readonly number[], x: number): number {
  let low = 0;
  let high = buckets.length - 1;
  let found = -1;
  while (low <= high) {
    const mid = (low + high) >>> 1;
    const c = compareDoubles(buckets[mid]!, x);
    if (c < 0) low = mid + 1;
    else if (c > 0) high = mid - 1;
    else {
      found = mid;
      break;
    }
  }
  if (found < 0) return low > 0 && low < buckets.length ? low - 1 : -1;
  return found < buckets.length - 1 ? found : found - 1;
}

function compareDoubles(a: number, b: number): number {
  if (a < b) return -1;
  if (a > b) return 1;
  const an = a !== a;
  const bn = b !== b;
  if (an || bn) return an === bn ? 0 : an ? 1 : -1;
  if (a === 0 && b === 0) return Object.is(a, b) ? 0 : Object.is(a, -0) ? -1 : 1;
  return 0;
}
