// reduceByKey with tuple keys ([user, page], compared structurally as Scala tuples) against the
// same pairs keyed by one string per tuple, through the public API; counting tuple keys in a
// KeyMap (compared element by element) against a Map keyed by their canonical text; and that
// text (what the partitioner hashes) against the same text built with Array.from and join.

import { canonicalKey, KeyMap } from "../src/core/keys.ts";
import { prng } from "./corpus.ts";
import { countNs } from "./string-keys.ts";
import { reduce } from "./tagged-reduce.ts";

const add = (a: number, b: number): number => a + b;

/** The canonical text as first written: an array per element, then join. */
function joinedText(key: unknown): string {
  if (Array.isArray(key)) return `[${Array.from(key, joinedText).join(",")}]`;
  return typeof key === "string" ? JSON.stringify(key) : String(key);
}

function textNsPerKey(keys: readonly unknown[], text: (k: unknown) => string): number {
  let chars = 0;
  const t = performance.now();
  for (let i = 0; i < keys.length; i++) chars += text(keys[i]).length;
  const ms = performance.now() - t;
  if (chars === 0) throw new Error("no text");
  return (ms * 1e6) / keys.length;
}

/** The same counts in a Map keyed by the canonical text, as KeyMap held tuple keys before, ns per key. */
function textMapNsPerKey(keys: readonly unknown[]): number {
  const counts = new Map<string, number>();
  const t = performance.now();
  for (let i = 0; i < keys.length; i++) {
    const id = canonicalKey(keys[i]);
    counts.set(id, (counts.get(id) ?? 0) + 1);
  }
  const ms = performance.now() - t;
  if (counts.size === 0) throw new Error("nothing counted");
  return (ms * 1e6) / keys.length;
}

export interface TupleKeysResult {
  /** reduceByKey over tuple keys, best of the rounds. */
  readonly tupleMs: number;
  /** The same pairs keyed by one string per tuple, best of the rounds. */
  readonly stringMs: number;
  /** canonicalKey of a tuple key, ns per key. */
  readonly textNs: number;
  /** The same text built with Array.from and join, ns per key. */
  readonly joinedNs: number;
  /** Counting tuple keys in a KeyMap, ns per key. */
  readonly keyMapNs: number;
  /** Counting them in a Map by canonical text, ns per key. */
  readonly textMapNs: number;
}

export async function benchTupleKeys(users = 1_000, pages = 10, pairs = 1_000_000, rounds = 3): Promise<TupleKeysResult> {
  const random = prng(11);
  const tuples: [[string, number], number][] = [];
  const strings: [string, number][] = [];
  for (let i = 0; i < pairs; i++) {
    const user = `user${Math.floor(random() * users)}`;
    const page = Math.floor(random() * pages);
    tuples.push([[user, page], 1]);
    strings.push([`${user}/${page}`, 1]);
  }
  const keys = tuples.map((p) => p[0]);
  await reduce(tuples.slice(0, 50_000), add, 2, "js");
  await reduce(strings.slice(0, 50_000), add, 2, "js");
  const tuple: number[] = [];
  const string: number[] = [];
  const text: number[] = [];
  const joined: number[] = [];
  const keyMap: number[] = [];
  const textMap: number[] = [];
  for (let r = 0; r < rounds; r++) {
    tuple.push(await reduce(tuples, add, 2, "js"));
    string.push(await reduce(strings, add, 2, "js"));
    text.push(textNsPerKey(keys, canonicalKey));
    joined.push(textNsPerKey(keys, joinedText));
    keyMap.push(countNs(keys, new KeyMap<number>())); // tuple keys compared element by element
    textMap.push(textMapNsPerKey(keys));
  }
  const best = (xs: number[]): number => Math.min(...xs);
  return { tupleMs: best(tuple), stringMs: best(string), textNs: best(text), joinedNs: best(joined), keyMapNs: best(keyMap), textMapNs: best(textMap) };
}
