// The JS tokenizer `words` (src/core/words.ts) against the alternatives it was chosen over, on
// short lines of Zipf words. All give the same tokens (checked first).
//
//   npx esbuild --bundle --platform=node --format=esm --log-level=warning bench/kernels/words.ts \
//     | node --expose-gc --input-type=module
import { isWhiteSpace, words } from "../../src/core/words.ts";
import { fmt, measureInterleaved, vocabulary, zipfText } from "./common.ts";

const CLASS = "\\t-\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000";
const RUN = new RegExp(`[${CLASS}]+`);
const WORD = new RegExp(`[^${CLASS}]+`, "g");

const splitFilter = (line: string): string[] => line.split(RUN).filter((w) => w !== "");
const matchAll = (line: string): string[] => line.match(WORD) ?? [];
function scan(line: string): string[] {
  const out: string[] = [];
  const n = line.length;
  let i = 0;
  while (i < n) {
    while (i < n && isWhiteSpace(line.charCodeAt(i))) i++;
    if (i >= n) break;
    const start = i;
    while (i < n && !isWhiteSpace(line.charCodeAt(i))) i++;
    out.push(line.slice(start, i));
  }
  return out;
}

const { bytes } = zipfText(vocabulary(10_000), 2_000_000, 12);
const lines = new TextDecoder().decode(bytes).split("\n");
const count = (fn: (line: string) => string[]) => (): number => {
  let c = 0;
  for (const line of lines) c += fn(line).length;
  return c;
};
const candidates: [string, (line: string) => string[]][] = [
  ["words (split + trim ends)", words],
  ["split + filter", splitFilter],
  ["match /[^ws]+/g", matchAll],
  ["charCodeAt scan + slice", scan],
];
const expected = count(words)();
for (const [name, fn] of candidates) if (count(fn)() !== expected) throw new Error(`${name} disagrees`);
const times = measureInterleaved(candidates.map(([, fn]) => count(fn)), 9, 2);
console.log(`${expected.toLocaleString("en")} words in ${lines.length.toLocaleString("en")} lines`);
candidates.forEach(([name], k) => console.log(`  ${name.padEnd(28)} ${fmt(times[k]!).padStart(7)} ms  ${fmt((times[k]! * 1e6) / expected).padStart(5)} ns/word`));
