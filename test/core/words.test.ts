// words(): splits on runs of Unicode White_Space (exactly that set), no empty tokens, no case
// folding; carries a tag the planner recognises.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { isWhiteSpace, isWordsTokenizer, words, WORDS_TAG } from "../../src/core/words.ts";

/** Unicode 15 PropList White_Space, listed independently of the implementation. */
const WHITE_SPACE = new Set([
  0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x20, 0x85, 0xa0, 0x1680, 0x2000, 0x2001, 0x2002, 0x2003, 0x2004, 0x2005,
  0x2006, 0x2007, 0x2008, 0x2009, 0x200a, 0x2028, 0x2029, 0x202f, 0x205f, 0x3000,
]);

/** Oracle: walk code points; a token is a maximal run of non-White_Space code points. */
function oracle(line: string): string[] {
  const out: string[] = [];
  let current = "";
  for (const ch of line) {
    if (WHITE_SPACE.has(ch.codePointAt(0)!)) {
      if (current !== "") out.push(current);
      current = "";
    } else current += ch;
  }
  if (current !== "") out.push(current);
  return out;
}

const spaceChar = fc.constantFrom(...[...WHITE_SPACE].map((c) => String.fromCodePoint(c)));
const nearMiss = fc.constantFrom("\ufeff", "\u200b", "\u180e", "\u0084", "\u0086", "\u00a1", "\u2027", "\u202a", "\u3001", "\u0000", "\u001f");
const lineArb = fc
  .array(fc.oneof(fc.string({ unit: "grapheme", maxLength: 5 }), spaceChar, nearMiss, fc.string({ unit: "binary", maxLength: 3 })), { maxLength: 20 })
  .map((parts) => parts.join(""));

describe("words", () => {
  it("matches a code-point oracle over White_Space", () => {
    fc.assert(
      fc.property(lineArb, (line) => {
        expect(words(line)).toEqual(oracle(line));
      }),
      { numRuns: 2000 },
    );
  });

  it("splits on every White_Space character and nothing else in the BMP", () => {
    for (let c = 0; c <= 0xffff; c++) {
      if (c >= 0xd800 && c <= 0xdfff) continue;
      const ch = String.fromCharCode(c);
      const expected = WHITE_SPACE.has(c) ? ["a", "b"] : [`a${ch}b`];
      const got = words(`a${ch}b`);
      if (got.length !== expected.length || got[0] !== expected[0]) expect(got, `U+${c.toString(16)}`).toEqual(expected);
      expect(isWhiteSpace(c)).toBe(WHITE_SPACE.has(c));
    }
  });

  it("no empty tokens, no case folding, runs collapse", () => {
    expect(words("")).toEqual([]);
    expect(words(" \t\r\n ")).toEqual([]);
    expect(words("  Hello   World  ")).toEqual(["Hello", "World"]);
    expect(words("a\r\nb\u3000\u3000C")).toEqual(["a", "b", "C"]);
    expect(words("x")).toEqual(["x"]);
    expect(words("\ufeffx y")).toEqual(["\ufeffx", "y"]);
    expect(words("😀 𝄞\u00a0é")).toEqual(["😀", "𝄞", "é"]);
  });

  it("is recognisable by its tag, and usable as a flatMap callback", () => {
    expect(isWordsTokenizer(words)).toBe(true);
    expect(words.tokenizerTag).toBe(WORDS_TAG);
    expect(isWordsTokenizer((l: string) => l.split(" "))).toBe(false);
    expect(isWordsTokenizer(undefined)).toBe(false);
    expect(Object.keys(words)).toEqual([]);
    expect(["a b", "c"].flatMap(words)).toEqual(["a", "b", "c"]);
  });
});
