// The fused word count: WASM against the reference (exactly), and against words() + Map over the
// decoded lines; arbitrary bytes (invalid UTF-8) never fail and agree with the reference.
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { hashKey } from "../../../src/core/hash.ts";
import { words } from "../../../src/core/words.ts";
import { decodeKeys } from "../../../src/engine/kernels/columnar.ts";
import { referenceKernels as ref } from "../../../src/engine/kernels/reference.ts";
import type { PartitionedAggregate } from "../../../src/engine/kernels/types.ts";
import type { WasmKernels } from "../../../src/engine/kernels/wasm.ts";
import { expectSamePartitioned, toMap, wasmKernels } from "./support.ts";

let wasm: WasmKernels;
beforeAll(async () => {
  wasm = await wasmKernels();
});

const encoder = new TextEncoder();

/** Every Unicode White_Space character. */
const SPACES = [
  "\t", "\n", "\u000b", "\f", "\r", " ", "\u0085", "\u00a0", "\u1680",
  ..."\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a",
  "\u2028", "\u2029", "\u202f", "\u205f", "\u3000",
];
/** Characters next to White_Space in code or in UTF-8 bytes, which are NOT separators. */
const NEAR_MISSES = [
  "\u0000", "\u0008", "\u000e", "\u001f", "\u0021", "\u0084", "\u0086", "\u009f", "\u00a1", "\u1681",
  "\u180e", "\u1fff", "\u200b", "\u200c", "\u2020", "\u2027", "\u202a", "\u202e", "\u2030", "\u205e",
  "\u2060", "\u2fff", "\u3001", "\ufeff", "\u{1a680}", "\u{12000}",
];
const TOKEN_CHARS = ["a", "b", "Z", "0", "é", "ß", "日", "本", "😀", "𝄞", "\u0301", ...NEAR_MISSES];

const token = fc.array(fc.constantFrom(...TOKEN_CHARS), { minLength: 1, maxLength: 6 }).map((cs) => cs.join(""));
const separator = fc.array(fc.constantFrom(...SPACES), { minLength: 1, maxLength: 3 }).map((cs) => cs.join(""));
const line = fc
  .tuple(fc.option(separator), fc.array(fc.tuple(fc.oneof(token, fc.constantFrom("the", "a", "__proto__")), separator), { maxLength: 12 }))
  .map(([lead, parts]) => (lead ?? "") + parts.map(([t, s]) => t + s).join(""));
const text = fc
  .tuple(fc.array(line, { maxLength: 30 }), fc.constantFrom("\n", "\r\n"), fc.boolean())
  .map(([lines, eol, trailing]) => lines.join(eol) + (trailing ? eol : ""));

function jsWordCount(source: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const l of source.split(/\r?\n/)) for (const w of words(l)) counts.set(w, (counts.get(w) ?? 0) + 1);
  return counts;
}

function expectPartitioning(parts: PartitionedAggregate): void {
  parts.forEach((part, p) => {
    decodeKeys(part.keys).forEach((k, i) => {
      expect(part.hashes[i]).toBe(hashKey(k));
      expect(part.hashes[i]! % parts.length).toBe(p);
    });
  });
}

describe("wordCount", () => {
  it("WASM equals the reference equals words() + Map, on text with every White_Space", () => {
    fc.assert(
      fc.property(text, fc.constantFrom(1, 2, 5, 8), (source, n) => {
        const bytes = encoder.encode(source);
        const expected = ref.wordCount(bytes, n);
        expectSamePartitioned(wasm.wordCount(bytes, n), expected);
        expect(toMap(expected)).toEqual(jsWordCount(source));
        expectPartitioning(expected);
      }),
      { numRuns: 400 },
    );
  });

  it("each separator splits and each near miss does not", () => {
    for (const s of SPACES) {
      const got = toMap(wasm.wordCount(encoder.encode(`x${s}y${s}${s}x${s}`), 1));
      expect(got, JSON.stringify(s)).toEqual(new Map([["x", 2], ["y", 1]]));
    }
    for (const c of NEAR_MISSES) {
      const got = toMap(wasm.wordCount(encoder.encode(`x${c}y x${c}y`), 1));
      expect(got, JSON.stringify(c)).toEqual(new Map([[`x${c}y`, 2]]));
    }
  });

  it("arbitrary bytes (invalid UTF-8, truncated separators) agree with the reference", () => {
    const spaceBytes = SPACES.map((s) => Array.from(encoder.encode(s)));
    const chunk = fc.oneof(
      fc.uint8Array({ maxLength: 8 }).map((b) => Array.from(b)),
      fc.constantFrom(...spaceBytes),
      fc.constantFrom(...spaceBytes).map((b) => b.slice(0, -1)), // truncated
      fc.constantFrom([0xc2], [0xe2, 0x80], [0xe1, 0x9a], [0xe3, 0x80], [0xff], [0x80, 0x80]),
    );
    fc.assert(
      fc.property(fc.array(chunk, { maxLength: 40 }), fc.constantFrom(1, 3, 4), (chunks, n) => {
        const bytes = Uint8Array.from(chunks.flat());
        expectSamePartitioned(wasm.wordCount(bytes, n), ref.wordCount(bytes, n));
      }),
      { numRuns: 500 },
    );
  });

  it("counts text given in pieces (cut at line ends, each in its own buffer) as the whole", () => {
    const line = fc.array(fc.constantFrom("a", "bb", "größe", "🦀", " ", "\u3000", "\t"), { maxLength: 8 }).map((ts) => `${ts.join("")}\n`);
    fc.assert(
      fc.property(fc.array(line, { minLength: 1, maxLength: 30 }), fc.array(fc.nat(29), { maxLength: 5 }), fc.nat(7), fc.constantFrom(1, 3), (lines, cuts, skew, n) => {
        const bounds = [...new Set([0, ...cuts.filter((c) => c < lines.length), lines.length])].sort((a, b) => a - b);
        const pieces = bounds.slice(1).map((end, i) => {
          const bytes = encoder.encode(lines.slice(bounds[i]!, end).join(""));
          const buffer = new Uint8Array(bytes.length + skew);
          buffer.set(bytes, skew);
          return buffer.subarray(skew);
        });
        const whole = encoder.encode(lines.join(""));
        expectSamePartitioned(wasm.wordCount(pieces, n), ref.wordCount(whole, n));
        expectSamePartitioned(ref.wordCount(pieces, n), ref.wordCount(whole, n));
      }),
      { numRuns: 500 },
    );
  });

  it("counts a larger Zipf-like text like words() + Map", () => {
    const vocab = Array.from({ length: 5000 }, (_, i) => (i % 11 === 0 ? `wörd${i}` : i % 13 === 0 ? `😀${i}` : `w${i.toString(36)}`));
    let seed = 7;
    const rand = (): number => ((seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32);
    const lines: string[] = [];
    for (let l = 0; l < 5000; l++) {
      const ws: string[] = [];
      for (let k = 0; k < 12; k++) ws.push(vocab[Math.floor(vocab.length * rand() ** 3)]!);
      lines.push(ws.join(l % 3 === 0 ? "\u3000" : " "));
    }
    const source = lines.join("\r\n");
    const bytes = encoder.encode(source);
    const got = wasm.wordCount(bytes, 4);
    expectSamePartitioned(got, ref.wordCount(bytes, 4));
    expect(toMap(got)).toEqual(jsWordCount(source));
  });

  it("keeps a 64 KiB token whole", () => {
    const long = "ab".repeat(32 * 1024);
    const got = toMap(wasm.wordCount(encoder.encode(`${long} x ${long}\n${long}x`), 3));
    expect(got).toEqual(new Map([[long, 2], ["x", 1], [`${long}x`, 1]]));
  });
});
