// Fused WASM word count vs a plain JS word count (TextDecoder + split + Map) over the same bytes,
// on one thread. Zipf-distributed words, >= 4M words a batch, 100 / 10k / 1M distinct words.
//
//   npx esbuild --bundle --platform=node --format=esm --log-level=warning bench/kernels/wordcount.ts \
//     | node --expose-gc --max-old-space-size=4096 --input-type=module
//
// Needs build/kernels.wasm.js (node scripts/build-wasm.mjs). Optional argument: words a batch.
import { words } from "../../src/core/words.ts";
import { aggregateEntries } from "../../src/engine/kernels/columnar.ts";
import { loadKernels } from "../../src/engine/kernels/load.ts";
import { fmt, measureInterleaved, vocabulary, zipfText } from "./common.ts";

const WORDS = Number(process.argv[2] ?? 4_000_000);
const kernels = await loadKernels({ implementation: "wasm", maxMemoryBytes: 2 ** 31 });

/** The JS path a planner without WASM would run: decode, lines, words(), Map. */
function jsWordCount(bytes: Uint8Array): Map<string, number> {
  const text = new TextDecoder().decode(bytes);
  const counts = new Map<string, number>();
  for (const line of text.split("\n")) {
    for (const w of words(line)) counts.set(w, (counts.get(w) ?? 0) + 1);
  }
  return counts;
}

/** The leanest JS: one split of the whole text on a whitespace run, Map. */
function jsWordCountSplit(bytes: Uint8Array): Map<string, number> {
  const text = new TextDecoder().decode(bytes);
  const counts = new Map<string, number>();
  for (const w of text.split(/\s+/)) if (w !== "") counts.set(w, (counts.get(w) ?? 0) + 1);
  return counts;
}

console.log(`word count, ${WORDS.toLocaleString("en")} Zipf words a batch, one thread, Node ${process.versions.node}`);
console.log(
  "vocab".padStart(9),
  "distinct".padStart(9),
  "MB".padStart(6),
  "JS words+Map".padStart(13),
  "JS split+Map".padStart(13),
  "WASM P=1".padStart(9),
  "WASM P=8".padStart(9),
  "WASM+decode".padStart(12),
  "| x vs words".padStart(13),
  "x vs split".padStart(11),
  "x e2e".padStart(7),
);
// Zipf(1) over 1M words puts ~510k distinct words in 4M; the last row (2.2M words, exponent 0.9)
// puts ~1M distinct words in the batch.
for (const [vocabSize, exponent] of [[100, 1], [10_000, 1], [1_000_000, 1], [2_200_000, 0.9]] as const) {
  const { bytes, distinct } = zipfText(vocabulary(vocabSize), WORDS, 12, exponent);
  // Same answer first.
  const expected = jsWordCount(bytes);
  const got = new Map(kernels.wordCount(bytes, 8).flatMap((part) => aggregateEntries(part)));
  if (got.size !== expected.size || [...expected].some(([k, v]) => got.get(k) !== v)) throw new Error("counts differ");

  const [js, jsSplit, wasm1, wasm8, e2e] = measureInterleaved([
    () => jsWordCount(bytes),
    () => jsWordCountSplit(bytes),
    () => kernels.wordCount(bytes, 1),
    () => kernels.wordCount(bytes, 8),
    () => kernels.wordCount(bytes, 8).map((part) => aggregateEntries(part)),
  ]) as [number, number, number, number, number];
  console.log(
    `${vocabSize}${exponent === 1 ? "" : `^${exponent}`}`.padStart(9),
    String(distinct).padStart(9),
    fmt(bytes.length / 2 ** 20).padStart(6),
    `${fmt(js)} ms`.padStart(13),
    `${fmt(jsSplit)} ms`.padStart(13),
    `${fmt(wasm1)} ms`.padStart(9),
    `${fmt(wasm8)} ms`.padStart(9),
    `${fmt(e2e)} ms`.padStart(12),
    `| ${fmt(js / wasm8, 2)}x`.padStart(13),
    `${fmt(jsSplit / wasm8, 2)}x`.padStart(11),
    `${fmt(js / e2e, 2)}x`.padStart(7),
  );
}
console.log("x vs words / x vs split: JS time / WASM P=8 time; x e2e: JS words+Map / (WASM P=8 + decoding every key to a JS string).");
console.log(`linear memory after the runs: ${fmt(kernels.memoryBytes() / 2 ** 20)} MiB`);
