// `npm run bench`: every performance claim of the README, measured as ratios against baselines
// in the same run. `npm run bench -- --quick` runs smaller sizes.

import { mkdtemp, rm } from "node:fs/promises";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { FileCheckpointStore } from "../src/index.ts";
import { checkpointMs } from "./checkpoint-cost.ts";
import { benchWordCount } from "./dstream-wordcount.ts";
import { runInChromium } from "./in-chromium.ts";
import { spawnSync } from "node:child_process";
import { benchFusedWordCount } from "./fused-wordcount.ts";
import type { TaggedReduceResult } from "./tagged-reduce.ts";
import { benchStringKeys } from "./string-keys.ts";
import { benchTupleKeys } from "./tuple-keys.ts";
import { benchWindows } from "./windows.ts";
import { streamingSection } from "./workers/streaming-section.ts";

const fmt = (n: number) => `${(n / 1e6).toFixed(2)} M/s`;
const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

console.log(`Rivulet benchmarks — node ${process.version}, ${process.platform}/${process.arch}, ${cpus().length} × ${cpus()[0]?.model ?? "cpu"}\n`);

// First, on a fresh heap: the other sections leave freed memory that this VM faults back in
// slowly, which shows in the workers' figures (see bench/workers/README.md).
const { lines: streaming } = await streamingSection({
  rounds: process.argv.includes("--quick") ? 3 : 7,
  webWorkerFile: here("../web/kernel-worker.js"),
  browserEntry: here("../../bench/workers/streaming.browser.ts"),
});
console.log(`${streaming.join("\n")}\n`);

const wc = await benchWordCount();
console.log(`DStream word count, in-thread JS path (${wc.words.toLocaleString("en")} words per batch, 10k distinct, Zipf):`);
console.log(`  plain Map loop           ${fmt(wc.plainWordsPerSecond)}`);
for (const [p, r] of Object.entries(wc.dstreamWordsPerSecond)) {
  console.log(`  DStream, parallelism ${p}  ${fmt(r)}   ratio ${(r / wc.plainWordsPerSecond).toFixed(2)} (target >= 0.5)`);
}

console.log(`\nWord count from a UTF-8 byte stream, one thread: textStream(bytes).flatMap(words).countByValue() or .map(w => [w, 1]).reduceByKey(sum)`);
console.log(`(fused into the WASM kernel) vs TextDecoder + lines + words() + Map over the same bytes, 4M Zipf words:`);
for (const r of await benchFusedWordCount()) {
  const target = r.vocabulary >= 1_000_000 ? 2 : 3;
  console.log(
    `  ${String(r.vocabulary).padStart(9)} words (${r.distinct} distinct, ${r.megabytes.toFixed(1)} MB): JS ${r.jsMs.toFixed(0)} ms, fused ${r.fusedMs.toFixed(0)} ms, ratio ${(r.jsMs / r.fusedMs).toFixed(2)}x (target >= ${target}x)`,
  );
  console.log(`  ${" ".repeat(9)}       as map(w => [w, 1]).reduceByKey(sum): fused ${r.pairsMs.toFixed(0)} ms, ratio ${(r.jsMs / r.pairsMs).toFixed(2)}x`);
}

const taggedRun = spawnSync(process.execPath, ["--max-old-space-size=4096", here("./tagged-reduce.js")], { encoding: "utf8" });
if (taggedRun.status !== 0) throw new Error(`the reduceByKey(sum) section failed: ${taggedRun.stderr}`);
const tagged = JSON.parse(taggedRun.stdout) as TaggedReduceResult;
console.log(`\nreduceByKey(sum) vs reduceByKey((a, b) => a + b), 4M [string, number] pairs, 10k keys, one thread, best of 5 each:`);
console.log(`  values 1 (counts):     tagged ${tagged.taggedMs.toFixed(0)} ms, JS reducer ${tagged.jsMs.toFixed(0)} ms, ratio ${(tagged.jsMs / tagged.taggedMs).toFixed(2)}x (target >= 1.5x)`);
console.log(
  `  values 0.01 to 100.00: tagged ${tagged.fractionalTaggedMs.toFixed(0)} ms, JS reducer ${tagged.fractionalJsMs.toFixed(0)} ms, ratio ${(tagged.fractionalJsMs / tagged.fractionalTaggedMs).toFixed(2)}x (target >= 1.5x)`,
);
console.log(
  `  values 1, one Map lookup + add per pair, no DStream: ${tagged.floorMs.toFixed(0)} ms (tagged / that = ${(tagged.taggedMs / tagged.floorMs).toFixed(2)}, JS reducer / that = ${(tagged.jsMs / tagged.floorMs).toFixed(2)})`,
);
console.log(
  `  reading the pairs into a key array and a Float64Array, as a columnar (WASM) path would first: ${tagged.columnsMs.toFixed(0)} ms (${(tagged.columnsMs / tagged.floorMs).toFixed(2)}x the Map loop)`,
);
console.log(
  `  reading the pairs and hashing each key, no lookup (the least a fold hashing keys in JS takes): ${tagged.hashFloorMs.toFixed(0)} ms (JS reducer / that = ${(tagged.jsMs / tagged.hashFloorMs).toFixed(2)}x, tagged / that = ${(tagged.taggedMs / tagged.hashFloorMs).toFixed(2)})`,
);

console.log(`\nHash kernel vs copying the same bytes (ratio = copy time / hash time):`);
const hash = spawnSync(process.execPath, ["--expose-gc", here("./kernels-hash.js")], { encoding: "utf8" });
process.stdout.write(hash.stdout.split("\n").map((l) => `  ${l}`).join("\n"));
if (hash.status !== 0) console.log(`  (failed: ${hash.stderr})`);

const strings = benchStringKeys();
console.log(`\nCounting 1M words (10k distinct) by get + set, KeyMap (short strings hashed in JS) vs Map:`);
console.log(`  fresh strings (from split): KeyMap ${strings.freshKeyMapNs.toFixed(0)} ns a word, Map ${strings.freshMapNs.toFixed(0)} ns: ${(strings.freshMapNs / strings.freshKeyMapNs).toFixed(2)}x faster`);
console.log(`  strings V8 has hashed already: KeyMap ${strings.hashedKeyMapNs.toFixed(0)} ns, Map ${strings.hashedMapNs.toFixed(0)} ns: ${(strings.hashedMapNs / strings.hashedKeyMapNs).toFixed(2)}x`);

const tuples = await benchTupleKeys();
console.log(`\nreduceByKey((a, b) => a + b), 1M pairs, 10k keys ([user, page] tuples vs "user/page" strings), parallelism 2, JS path:`);
console.log(`  tuple keys ${tuples.tupleMs.toFixed(0)} ms, string keys ${tuples.stringMs.toFixed(0)} ms: tuples take ${(tuples.tupleMs / tuples.stringMs).toFixed(2)}x the time`);
console.log(`  counting tuple keys: KeyMap ${tuples.keyMapNs.toFixed(0)} ns a key, a Map by canonical text ${tuples.textMapNs.toFixed(0)} ns: ${(tuples.textMapNs / tuples.keyMapNs).toFixed(1)}x faster`);
console.log(`  canonical text of a tuple key (the partitioner's) ${tuples.textNs.toFixed(0)} ns, built with Array.from and join ${tuples.joinedNs.toFixed(0)} ns: ${(tuples.joinedNs / tuples.textNs).toFixed(1)}x faster`);

const win = await benchWindows();
console.log(`\nreduceByKeyAndWindow, window 30 batches, slide 1, 10k keys, 50k pairs per batch:`);
console.log(`  without invFn (window reduced again)   ${win.recomputeMsPerBatch.toFixed(1)} ms per batch`);
console.log(`  with invFn (incremental)               ${win.incrementalMsPerBatch.toFixed(1)} ms per batch`);
console.log(`  ratio ${(win.recomputeMsPerBatch / win.incrementalMsPerBatch).toFixed(1)}x`);
console.log(
  `  the per-batch reduceByKey(sum) alone, no window: ${win.reduceOnlyMsPerBatch.toFixed(1)} ms per batch (both forms pay it: the ratio can be at most ${(win.recomputeMsPerBatch / win.reduceOnlyMsPerBatch).toFixed(1)}x)`,
);

const dir = await mkdtemp(join(tmpdir(), "rivulet-bench-"));
const fsMs = await checkpointMs(new FileCheckpointStore(dir));
await rm(dir, { recursive: true, force: true });
const idbMs = await runInChromium<number>(here("../../bench/checkpoint-cost.browser.ts"));
console.log(`\nCheckpoint of 100k keys of state (median of 7):`);
console.log(`  file system (temp file, fsync, rename)   ${fsMs.toFixed(1)} ms = ${((fsMs / 1000) * 100).toFixed(1)}% of a 1 s batch interval`);
console.log(`  IndexedDB in Chromium (strict)          ${idbMs.toFixed(1)} ms = ${((idbMs / 1000) * 100).toFixed(1)}% of a 1 s batch interval`);

