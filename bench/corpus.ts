// Deterministic Zipf-distributed text for the benchmarks: the same corpus every run.

import { prng } from "../test/support/random.ts";
import { zipfRank } from "./kernels/common.ts";

export { prng };

/** `distinct` made-up words of 2 to 12 lowercase letters, all different. */
export function vocabulary(distinct: number, seed = 7): string[] {
  const random = prng(seed);
  const seen = new Set<string>();
  while (seen.size < distinct) {
    const len = 2 + Math.floor(random() * 11);
    let w = "";
    for (let i = 0; i < len; i++) w += String.fromCharCode(97 + Math.floor(random() * 26));
    seen.add(w);
  }
  return [...seen];
}

/** Lines of `wordsPerLine` words drawn from `vocab` with Zipf(1) frequencies, `totalWords` in all. */
export function zipfLines(vocab: readonly string[], totalWords: number, wordsPerLine = 10, seed = 11): string[] {
  const random = prng(seed);
  const rank = zipfRank(vocab.length, random);
  const pick = (): string => vocab[rank()]!;
  const lines: string[] = [];
  for (let n = 0; n < totalWords; n += wordsPerLine) {
    const parts: string[] = [];
    for (let i = 0; i < wordsPerLine && n + i < totalWords; i++) parts.push(pick());
    lines.push(parts.join(" "));
  }
  return lines;
}
