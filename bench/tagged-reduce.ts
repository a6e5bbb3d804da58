// reduceByKey(sum) (the tagged built-in) against reduceByKey((a, b) => a + b) over pre-built
// [string, number] pairs, 10k keys, 4M pairs, through the public API. Next to both, what a plain
// JS loop pays (one Map lookup per pair and an add, outside the DStream), and what a columnar
// path (UTF-8 arena, WASM aggregation) pays before hashing anything: reading the pairs into two
// columns, which is why the kernels never see pairs that are already JS strings.

import { ManualClock, Seconds, StreamingContext, sum } from "../src/index.ts";
import { hashString } from "../src/core/string-slots.ts";
import { tableSeed } from "../src/core/table-hash.ts";
import { prng } from "./corpus.ts";

/** One batch of `pairs` reduced by key with `fn` through the public API: the batch's time in ms. */
export async function reduce<K>(pairs: [K, number][], fn: (a: number, b: number) => number, parallelism: number, kernels?: "js"): Promise<number> {
  const clock = new ManualClock();
  const ssc = new StreamingContext({ batchInterval: Seconds(1), clock, parallelism, kernels });
  let keys = 0;
  ssc
    .queueStream([pairs])
    .reduceByKey(fn)
    .foreachRDD(async (b) => void (keys = await b.count()));
  ssc.start();
  const t = performance.now();
  await clock.advance(1000);
  const ms = performance.now() - t;
  await ssc.stop();
  if (keys === 0) throw new Error("nothing reduced");
  return ms;
}

/** One Map lookup per pair and an add into a slot: the plain JS loop. */
function lookupFloor(pairs: readonly [string, number][]): number {
  const t = performance.now();
  const slots = new Map<string, number>();
  const sums = new Float64Array(pairs.length === 0 ? 1 : Math.min(pairs.length, 1 << 20));
  for (let i = 0; i < pairs.length; i++) {
    const pair = pairs[i]!;
    let slot = slots.get(pair[0]);
    if (slot === undefined) slots.set(pair[0], (slot = slots.size));
    sums[slot] += pair[1];
  }
  const ms = performance.now() - t;
  if (slots.size === 0 && pairs.length > 0) throw new Error("nothing looked up");
  return ms;
}

/**
 * Reading every pair, hashing its key as the JS tables do, and adding its value at the position
 * the hash names: no probe, no key compared, so not a fold (keys that share a position are mixed
 * up). The least that any fold finding string keys by a hash computed in JS takes.
 */
function hashFloor(pairs: readonly [string, number][]): number {
  const t = performance.now();
  const seed = tableSeed();
  const sums = new Float64Array(1 << 15);
  for (let i = 0; i < pairs.length; i++) {
    const pair = pairs[i]!;
    const key = pair[0];
    const value = pair[1];
    if (typeof key !== "string" || typeof value !== "number") throw new Error("not a pair of a string and a number");
    sums[hashString(key, seed) & 0x7fff] += value;
  }
  const ms = performance.now() - t;
  if (sums.every((s) => s === 0) && pairs.length > 0) throw new Error("nothing added");
  return ms;
}

/**
 * Reading every pair into a key array and a Float64Array, without hashing anything: the least a
 * columnar path (UTF-8 arena, WASM aggregation, workers) pays before its first hash.
 */
function columnsFloor(pairs: readonly [string, number][]): number {
  const t = performance.now();
  const keys: string[] = new Array<string>(pairs.length);
  const values = new Float64Array(pairs.length);
  for (let i = 0; i < pairs.length; i++) {
    const pair = pairs[i]!;
    keys[i] = pair[0];
    values[i] = pair[1];
  }
  const ms = performance.now() - t;
  if (keys.length !== values.length) throw new Error("columns differ");
  return ms;
}

export interface TaggedReduceResult {
  /** reduceByKey(sum) through the public API, best of the rounds, values 1 (counts). */
  readonly taggedMs: number;
  /** reduceByKey((a, b) => a + b) through the public API, best of the rounds, values 1. */
  readonly jsMs: number;
  /** The same two over the same keys with fractional values (amounts: 0.01 to 100.00). */
  readonly fractionalTaggedMs: number;
  readonly fractionalJsMs: number;
  /** One Map lookup and one add per pair, nothing else, best of the rounds. */
  readonly floorMs: number;
  /** Reading the pairs into two columns, no hashing, best of the rounds. */
  readonly columnsMs: number;
  /** Reading the pairs and hashing each key, nothing looked up, best of the rounds. */
  readonly hashFloorMs: number;
}

const jsSum = (a: number, b: number): number => a + b;

/** Both paths once at full size (compiled code ready for each), then in turns: the best of each. */
async function bothPaths(data: [string, number][], rounds: number): Promise<{ taggedMs: number; jsMs: number }> {
  await reduce(data, sum, 1);
  await reduce(data, jsSum, 1);
  const tagged: number[] = [];
  const js: number[] = [];
  for (let r = 0; r < rounds; r++) {
    tagged.push(await reduce(data, sum, 1));
    js.push(await reduce(data, jsSum, 1));
  }
  return { taggedMs: Math.min(...tagged), jsMs: Math.min(...js) };
}

export async function benchTaggedReduce(keys = 10_000, pairs = 4_000_000, rounds = 3): Promise<TaggedReduceResult> {
  const random = prng(5);
  const names = Array.from({ length: keys }, (_, i) => `key${i}`);
  const pick = (): string => names[Math.floor(random() * keys)]!;
  let data: [string, number][] = Array.from({ length: pairs }, () => [pick(), 1]);
  const counts = await bothPaths(data, rounds);
  // The loops outside the DStream after the paths: reading into columns leaves 64 MB of garbage,
  // which the next path would pay for.
  lookupFloor(data);
  const floor: number[] = [];
  const columns: number[] = [];
  const hashed: number[] = [];
  for (let r = 0; r < rounds; r++) floor.push(lookupFloor(data));
  for (let r = 0; r < rounds; r++) hashed.push(hashFloor(data));
  for (let r = 0; r < rounds; r++) columns.push(columnsFloor(data));
  // Amounts too: neither path may lean on sums staying small integers.
  data = Array.from({ length: pairs }, () => [pick(), Math.floor(random() * 10_000 + 1) / 100]);
  const amounts = await bothPaths(data, rounds);
  return {
    ...counts,
    fractionalTaggedMs: amounts.taggedMs,
    fractionalJsMs: amounts.jsMs,
    floorMs: Math.min(...floor),
    columnsMs: Math.min(...columns),
    hashFloorMs: Math.min(...hashed),
  };
}
