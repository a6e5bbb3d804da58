/**
 * The built-in tokenizer, `words`: splits a line on runs of Unicode White_Space, with no empty
 * tokens and no case folding. An ordinary function (`lines.flatMap(words)`) that also carries a
 * tag the planner recognises, so `flatMap(words)` followed by a count can run as the fused WASM
 * word-count kernel, which tokenizes the same way over UTF-8 bytes.
 *
 * White_Space (Unicode PropList), exactly: U+0009–U+000D, U+0020, U+0085, U+00A0, U+1680,
 * U+2000–U+200A, U+2028, U+2029, U+202F, U+205F, U+3000. Not JavaScript's `\s`, which adds
 * U+FEFF (not White_Space) and lacks U+0085 (which is).
 *
 * Implementation: a native regex split on a whitespace-run class, then at most the first and the
 * last token (the only ones that can be empty) dropped. Measured (bench/kernels/words.ts, 2M Zipf
 * words in 12-word lines, Node 20): the split, `split` + `filter` and `match` with a global
 * non-whitespace class are within noise of one another (~30-60 ns a word depending on load); a
 * `charCodeAt` scan with `slice` is ~30% slower. The split is the simplest correct one.
 */

/** One run of White_Space characters. */
const WHITE_SPACE_RUN = /[\t-\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+/;

/** The tag `words` carries. */
export const WORDS_TAG = "words";

/** A tokenizer the planner recognises. */
export interface WordsTokenizer {
  (line: string): string[];
  readonly tokenizerTag: typeof WORDS_TAG;
}

function splitWords(line: string): string[] {
  if (line.length === 0) return [];
  const tokens = line.split(WHITE_SPACE_RUN);
  if (tokens[tokens.length - 1] === "") tokens.pop();
  if (tokens.length > 0 && tokens[0] === "") tokens.shift();
  return tokens;
}

/** The tokens of `line`: maximal runs of non-White_Space characters, in order. */
export const words: WordsTokenizer = Object.defineProperty(splitWords, "tokenizerTag", {
  value: WORDS_TAG,
  enumerable: false,
}) as WordsTokenizer;

/** True for the built-in `words` tokenizer (by its tag), false for any other value. */
export function isWordsTokenizer(fn: unknown): fn is WordsTokenizer {
  return typeof fn === "function" && (fn as { tokenizerTag?: unknown }).tokenizerTag === WORDS_TAG;
}

/** True for a code point in Unicode White_Space (the separators of `words`). */
export function isWhiteSpace(codePoint: number): boolean {
  return (
    (codePoint >= 0x09 && codePoint <= 0x0d) ||
    codePoint === 0x20 ||
    codePoint === 0x85 ||
    codePoint === 0xa0 ||
    codePoint === 0x1680 ||
    (codePoint >= 0x2000 && codePoint <= 0x200a) ||
    codePoint === 0x2028 ||
    codePoint === 0x2029 ||
    codePoint === 0x202f ||
    codePoint === 0x205f ||
    codePoint === 0x3000
  );
}
