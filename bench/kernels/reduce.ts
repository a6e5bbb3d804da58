// reduceByKey(sum) of [string, number] pairs: the JS path (a Map fold over the pairs) against the
// WASM path as the planner would run it (encodePairs, kernels.reduceByKey map-side into P
// partitions, merge of each partition, decode to pairs). One thread.
//
//   npx esbuild --bundle --platform=node --format=esm --log-level=warning bench/kernels/reduce.ts \
//     | node --expose-gc --max-old-space-size=4096 --input-type=module
import { sum } from "../../src/core/reducers.ts";
import { aggregateEntries, encodePairs } from "../../src/engine/kernels/columnar.ts";
import { loadKernels } from "../../src/engine/kernels/load.ts";
import { fmt, measureInterleaved, random, vocabulary, zipfRank } from "./common.ts";

const N = Number(process.argv[2] ?? 2_000_000);
const P = 4;
const kernels = await loadKernels({ implementation: "wasm", maxMemoryBytes: 2 ** 31 });

function zipfPairs(vocab: readonly string[]): [string, number][] {
  const rand = random(3);
  const pick = zipfRank(vocab.length, rand);
  const out: [string, number][] = [];
  for (let i = 0; i < N; i++) out.push([vocab[pick()]!, (rand() * 100) | 0]);
  return out;
}

function jsReduce(pairs: readonly [string, number][]): Map<string, number> {
  const out = new Map<string, number>();
  for (const [k, v] of pairs) {
    const prev = out.get(k);
    out.set(k, prev === undefined ? v : sum(prev, v));
  }
  return out;
}

console.log(`reduceByKey(sum), ${N.toLocaleString("en")} [string, number] pairs (Zipf keys), P = ${P}, one thread`);
console.log(
  "vocab".padStart(9),
  "JS Map".padStart(10),
  "encode".padStart(10),
  "kernel".padStart(10),
  "merge".padStart(10),
  "decode".padStart(10),
  "WASM total".padStart(11),
  "| JS/total".padStart(11),
  "JS/kernel".padStart(10),
);
for (const vocabSize of [100, 10_000, 1_000_000]) {
  const pairs = zipfPairs(vocabulary(vocabSize));
  const encoded = encodePairs(pairs)!;
  const partials = kernels.reduceByKey(encoded.keys, encoded.values, "sum", P);
  const merged = partials.map((part) => kernels.merge([part], "sum"));
  const [js, encode, kernel, merge, decode] = measureInterleaved([
    () => jsReduce(pairs),
    () => encodePairs(pairs),
    () => kernels.reduceByKey(encoded.keys, encoded.values, "sum", P),
    () => partials.map((part) => kernels.merge([part], "sum")),
    () => merged.map((part) => aggregateEntries(part)),
  ]) as [number, number, number, number, number];
  const total = encode + kernel + merge + decode;
  console.log(
    String(vocabSize).padStart(9),
    `${fmt(js)} ms`.padStart(10),
    `${fmt(encode)} ms`.padStart(10),
    `${fmt(kernel)} ms`.padStart(10),
    `${fmt(merge)} ms`.padStart(10),
    `${fmt(decode)} ms`.padStart(10),
    `${fmt(total)} ms`.padStart(11),
    `| ${fmt(js / total, 2)}x`.padStart(11),
    `${fmt(js / kernel, 2)}x`.padStart(10),
  );
}
