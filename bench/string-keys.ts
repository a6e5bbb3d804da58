// Counting words by key in a KeyMap (short strings hashed by a JS loop) against a Map, both by
// get + set, 1M words (10k distinct, Zipf): from fresh strings, as split or a parser makes them
// (a Map then leaves the compiled code to hash each one), and from the vocabulary's own strings,
// whose hashes V8 has kept (a Map's best case).

import { KeyMap } from "../src/core/keys.ts";
import { vocabulary, zipfLines } from "./corpus.ts";

export interface StringKeysResult {
  /** ns per word, fresh strings: KeyMap, Map. */
  readonly freshKeyMapNs: number;
  readonly freshMapNs: number;
  /** ns per word, strings V8 has hashed already: KeyMap, Map. */
  readonly hashedKeyMapNs: number;
  readonly hashedMapNs: number;
}

interface Counts<K> {
  get(k: K): number | undefined;
  set(k: K, v: number): unknown;
  readonly size: number;
}

/** Counts `keys` by get + set into `counts`: ns per key. */
export function countNs<K>(keys: readonly K[], counts: Counts<K>): number {
  const t = performance.now();
  for (let i = 0; i < keys.length; i++) counts.set(keys[i]!, (counts.get(keys[i]!) ?? 0) + 1);
  const ns = ((performance.now() - t) * 1e6) / keys.length;
  if (counts.size === 0) throw new Error("nothing counted");
  return ns;
}

export function benchStringKeys(rounds = 5): StringKeysResult {
  const vocab = vocabulary(10_000);
  const text = zipfLines(vocab, 1_000_000).join(" ");
  const byWord = new Map(vocab.map((w) => [w, w]));
  const hashed = text.split(" ").map((w) => byWord.get(w)!); // the vocabulary's strings, hashed by that Map
  const best = (xs: number[]): number => Math.min(...xs);
  const r = { fk: [] as number[], fm: [] as number[], hk: [] as number[], hm: [] as number[] };
  for (let i = 0; i < rounds; i++) {
    r.fk.push(countNs(text.split(" "), new KeyMap<number>()));
    r.fm.push(countNs(text.split(" "), new Map<string, number>()));
    r.hk.push(countNs(hashed, new KeyMap<number>()));
    r.hm.push(countNs(hashed, new Map<string, number>()));
  }
  return { freshKeyMapNs: best(r.fk), freshMapNs: best(r.fm), hashedKeyMapNs: best(r.hk), hashedMapNs: best(r.hm) };
}
