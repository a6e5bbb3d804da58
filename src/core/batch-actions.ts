/**
 * The actions of a batch beyond `collect`/`count`/`take` (Spark's RDD actions), as free functions
 * the `Batch` methods delegate to. Each computes the batch once and works on its partitions in
 * this thread, partition after partition, so results are deterministic (Spark merges task results
 * in completion order; any such order is one Spark could give).
 */
import type { Batch } from "./batch.ts";
import { RivuletError } from "./errors.ts";
import type { Pair, Partitions } from "./executor.ts";
import { KeyMap, keyEquals } from "./keys.ts";
import { type Comparator, naturalOrder, smallest } from "./order.ts";
import { HashPartitioner } from "./partitioner.ts";
import { StatCounter } from "./stat-counter.ts";

export async function first<T>(batch: Batch<T>): Promise<T> {
  const head = await batch.take(1);
  if (head.length === 0) throw empty("first");
  return head[0]!;
}

/** Spark's `spark.rdd.limit.scaleUpFactor`: how much wider each scan of `take` may grow. */
const TAKE_SCALE_UP = 4;

/**
 * Spark's `RDD.take`: one partition first, then, while records are missing, more partitions at
 * once (four times those scanned when none gave a record, else an estimate 50% over what the
 * records so far suggest, capped at that), each computed only up to the records still wanted.
 */
export async function take<T>(batch: Batch<T>, n: number): Promise<T[]> {
  checkCount(n);
  const out: T[] = [];
  const total = batch.numPartitions;
  let scanned = 0;
  while (out.length < n && scanned < total) {
    const left = n - out.length;
    let tries = 1;
    if (scanned > 0) {
      tries = out.length === 0 ? scanned * TAKE_SCALE_UP : Math.min(Math.ceil((1.5 * left * scanned) / out.length), scanned * TAKE_SCALE_UP);
    }
    const indices: number[] = [];
    for (let i = scanned; i < Math.min(scanned + tries, total); i++) indices.push(i);
    for (const p of await batch.partitionsAt(indices, left)) {
      for (let i = 0; i < p.length && out.length < n; i++) out.push(p[i]!);
    }
    scanned += indices.length;
  }
  return out;
}

export async function reduce<T>(batch: Batch<T>, fn: (a: T, b: T) => T): Promise<T> {
  let acc: T | undefined;
  let seen = false;
  for (const p of await batch.partitions()) {
    if (p.length === 0) continue;
    let r: T = p[0]!;
    for (let i = 1; i < p.length; i++) r = fn(r, p[i]!);
    acc = seen ? fn(acc as T, r) : r;
    seen = true;
  }
  if (!seen) throw empty("reduce", " (fold takes a zero value and accepts one)");
  return acc as T;
}

export async function aggregate<T, U>(batch: Batch<T>, zero: U, seqOp: (acc: U, record: T) => U, combOp: (a: U, b: U) => U): Promise<U> {
  // As Spark: zero starts every partition, empty ones too, and the merge of their results.
  let acc = zero;
  for (const p of await batch.partitions()) {
    let r = zero;
    for (let i = 0; i < p.length; i++) r = seqOp(r, p[i]!);
    acc = combOp(acc, r);
  }
  return acc;
}

export async function takeOrdered<T>(batch: Batch<T>, n: number, compare: Comparator<T> = naturalOrder): Promise<T[]> {
  checkCount(n);
  return smallest(await batch.partitions(), n, compare);
}

/** Throws `INVALID_ARGUMENT` unless `n` is a count of records (Spark's `num: Int`, not negative). */
export function checkCount(n: number): void {
  if (!Number.isInteger(n) || n < 0) throw new RivuletError("INVALID_ARGUMENT", `the number of records to take must be a non-negative integer, got ${n}`);
}

export function top<T>(batch: Batch<T>, n: number, compare: Comparator<T> = naturalOrder): Promise<T[]> {
  return takeOrdered(batch, n, (a, b) => compare(b, a));
}

/** The smallest record under `compare` (the first of ties), as Spark's `min`: `reduce(ord.min)`. */
export async function min<T>(batch: Batch<T>, compare: Comparator<T> = naturalOrder): Promise<T> {
  return best(batch, compare, "min");
}

export async function max<T>(batch: Batch<T>, compare: Comparator<T> = naturalOrder): Promise<T> {
  return best(batch, (a, b) => compare(b, a), "max");
}

async function best<T>(batch: Batch<T>, compare: Comparator<T>, action: string): Promise<T> {
  let acc: T | undefined;
  let seen = false;
  for (const p of await batch.partitions()) {
    for (let i = 0; i < p.length; i++) {
      if (!seen || compare(p[i]!, acc as T) < 0) acc = p[i]!;
      seen = true;
    }
  }
  if (!seen) throw empty(action);
  return acc as T;
}

export async function sum(batch: Batch<number>): Promise<number> {
  return sumOf(await batch.partitions())[0];
}

export async function mean(batch: Batch<number>): Promise<number> {
  const parts = await batch.partitions();
  const [s, n] = sumOf(parts);
  // Spark's StatCounter starts its mean at 0, so a batch without records has mean 0.
  if (n === 0) return 0;
  // The sum keeps ordinary input exact (integers below 2^53); only a sum that overflowed (to
  // ±Infinity, or NaN once partitions overflowed both ways) needs the running mean, and only when
  // every record is finite (otherwise the sum's Infinity or NaN is the answer).
  if (Number.isFinite(s)) return s / n;
  return runningMean(parts) ?? s / n;
}

export async function stats(batch: Batch<number>): Promise<StatCounter> {
  // As Spark's stats(): a counter per partition, merged in partition order.
  const total = new StatCounter();
  for (const p of await batch.partitions()) total.merge(new StatCounter(p));
  return total;
}

/** The sum and the count; the sum as Spark's fold(0)(_ + _): per partition, then of those, in order. */
function sumOf(parts: Partitions<number>): [number, number] {
  let total = 0;
  let n = 0;
  for (const p of parts) {
    let s = 0;
    for (let i = 0; i < p.length; i++) s += p[i]!;
    total += s;
    n += p.length;
  }
  return [total, n];
}

/**
 * The mean as Spark's StatCounter keeps it, a mean per partition merged into the total, but each
 * step as a weighted average of two means (never their difference, which overflows for values
 * of opposite signs near the largest double). Undefined when a record is not finite.
 */
function runningMean(parts: Partitions<number>): number | undefined {
  let mu = 0;
  let n = 0;
  let lo = Infinity;
  let hi = -Infinity;
  for (const p of parts) {
    let pMu = 0;
    let pN = 0;
    for (let i = 0; i < p.length; i++) {
      const x = p[i]!;
      if (!Number.isFinite(x)) return undefined;
      pMu = mergeMeans(pMu, pN, x, 1);
      pN++;
      if (x < lo) lo = x;
      if (x > hi) hi = x;
    }
    mu = mergeMeans(mu, n, pMu, pN);
    n += pN;
  }
  // A mean lies between the smallest and largest value; rounding must not push it out (to ±Infinity).
  return Math.min(Math.max(mu, lo), hi);
}

function mergeMeans(muA: number, nA: number, muB: number, nB: number): number {
  if (nB === 0) return muA;
  if (nA === 0) return muB;
  const n = nA + nB;
  return muA * (nA / n) + muB * (nB / n);
}

export function countByKey<K>(batch: Batch<Pair<K, unknown>>): Promise<Map<K, number>> {
  return countBy(batch, (pair) => pair[0]);
}

export function countByValue<T>(batch: Batch<T>): Promise<Map<T, number>> {
  // Spark's is map(v => (v, null)).countByKey(); counted here directly, under the same key rules.
  return countBy(batch, (record) => record);
}

/** How many records have each key `keyOf` gives, keys in order of first appearance. */
async function countBy<T, K>(batch: Batch<T>, keyOf: (record: T) => K): Promise<Map<K, number>> {
  const counts = keyedEntries<K, number>();
  for (const p of await batch.partitions()) {
    for (let i = 0; i < p.length; i++) {
      const entry = counts.entry(keyOf(p[i]!));
      entry[1] = (entry[1] ?? 0) + 1;
    }
  }
  return counts.toMap();
}

export async function reduceByKeyLocally<K, V>(batch: Batch<Pair<K, V>>, fn: (a: V, b: V) => V): Promise<Map<K, V>> {
  // As Spark: each partition reduced into its own map, then the maps merged in partition order,
  // so `fn` sees the same groupings as in Spark.
  const out = keyedEntries<K, V>();
  for (const p of await batch.partitions()) {
    const local = keyedEntries<K, V>();
    for (let i = 0; i < p.length; i++) local.fold(p[i]![0], p[i]![1], fn);
    for (const [k, v] of local.entries) out.fold(k, v as V, fn);
  }
  return out.toMap();
}

export async function collectAsMap<K, V>(batch: Batch<Pair<K, V>>): Promise<Map<K, V>> {
  const out = keyedEntries<K, V>();
  for (const p of await batch.partitions()) {
    for (let i = 0; i < p.length; i++) out.entry(p[i]![0])[1] = p[i]![1];
  }
  return out.toMap();
}

export async function lookup<K, V>(batch: Batch<Pair<K, V>>, key: K): Promise<V[]> {
  // A hash-partitioned batch holds the key in one partition only: Spark's lookup with a
  // partitioner runs on that partition alone.
  const parts = batch.hashPartitioned
    ? batch.numPartitions === 0
      ? []
      : await batch.partitionsAt([new HashPartitioner(batch.numPartitions).getPartition(key)])
    : await batch.partitions();
  const matches = keyEquals(key);
  const out: V[] = [];
  for (const p of parts) for (let i = 0; i < p.length; i++) if (matches(p[i]![0])) out.push(p[i]![1]);
  return out;
}

export async function foreach<T>(batch: Batch<T>, fn: (record: T) => void): Promise<void> {
  for (const p of await batch.partitions()) for (let i = 0; i < p.length; i++) fn(p[i]!);
}

export async function foreachPartition<T>(batch: Batch<T>, fn: (records: readonly T[], index: number) => void | Promise<void>): Promise<void> {
  const parts = await batch.partitions();
  // One after another: a partition's sink (a connection, a file) is never used by two at once,
  // and a failure stops the partitions after it.
  for (let i = 0; i < parts.length; i++) await fn(parts[i]!, i);
}

function empty(action: string, hint = ""): RivuletError {
  return new RivuletError("ILLEGAL_STATE", `${action}() of an empty batch${hint}`);
}

/**
 * Entries by key under the key rules, in order of each key's first appearance (a `KeyMap` alone
 * would put tuple keys after the others); a tuple key keeps its first-seen array.
 */
function keyedEntries<K, V>(): {
  entry(key: K): [K, V | undefined];
  /** Sets a new key's value to `value`, or an existing key's to `fn(its value, value)`. */
  fold(key: K, value: V, fn: (a: V, b: V) => V): void;
  readonly entries: readonly [K, V | undefined][];
  toMap(): Map<K, V>;
} {
  const index = new KeyMap<[K, V | undefined]>();
  const entries: [K, V | undefined][] = [];
  const entry = (key: K): [K, V | undefined] => {
    let e = index.get(key);
    if (e === undefined) {
      e = [key, undefined];
      index.set(key, e);
      entries.push(e);
    }
    return e;
  };
  return {
    entry,
    fold(key, value, fn) {
      // A value may itself be undefined, so a new key is told by the entry count, not by its value.
      const before = entries.length;
      const e = entry(key);
      e[1] = entries.length > before ? value : fn(e[1] as V, value);
    },
    entries,
    toMap: () => new Map(entries as [K, V][]),
  };
}
