// `npm run bench`: every performance claim of the README, measured as ratios against baselines
// in the same run.

import { benchWordCount } from "./dstream-wordcount.ts";

const fmt = (n: number) => `${(n / 1e6).toFixed(2)} M/s`;

console.log(`Rivulet benchmarks — node ${process.version}, ${process.platform}/${process.arch}\n`);

const wc = await benchWordCount();
console.log(`DStream word count, in-thread JS path (${wc.words.toLocaleString("en")} words per batch, 10k distinct, Zipf):`);
console.log(`  plain Map loop           ${fmt(wc.plainWordsPerSecond)}`);
for (const [p, r] of Object.entries(wc.dstreamWordsPerSecond)) {
  console.log(`  DStream, parallelism ${p}  ${fmt(r)}   ratio ${(r / wc.plainWordsPerSecond).toFixed(2)} (target >= 0.5)`);
}
