import { describe, it, expect } from "vitest";
import fc from "fast-check";
import { LineSplitter, type LineSplitterOptions } from "../../src/sources/lines.ts";
import { RivuletError } from "../../src/core/errors.ts";

const enc = new TextEncoder();
const bytes = (...values: number[]): Uint8Array => Uint8Array.from(values);
const utf8 = (s: string): Uint8Array => enc.encode(s);

interface Run {
  lines: string[];
  returned: number;
  invalidUtf8: number;
  overlongLines: number;
}

function run(chunks: ReadonlyArray<Uint8Array | string>, options?: LineSplitterOptions): Run {
  const splitter = new LineSplitter(options);
  const lines: string[] = [];
  let returned = 0;
  for (const chunk of chunks) returned += splitter.push(chunk, lines);
  returned += splitter.end(lines);
  return {
    lines,
    returned,
    invalidUtf8: splitter.invalidUtf8,
    overlongLines: splitter.overlongLines,
  };
}

/** Cuts `data` at the given offsets (clamped, sorted, duplicates give empty chunks). */
function chunked<T extends Uint8Array | string>(data: T, offsets: readonly number[]): T[] {
  const cuts = offsets.map((o) => o % (data.length + 1)).sort((a, b) => a - b);
  const chunks: T[] = [];
  let from = 0;
  for (const cut of cuts) {
    chunks.push(data.slice(from, cut) as T);
    from = cut;
  }
  chunks.push(data.slice(from) as T);
  return chunks;
}

function everyByte(data: Uint8Array): Uint8Array[] {
  return Array.from(data, (b) => bytes(b));
}

/**
 * The expected records: split on '\n', drop one '\r' before each '\n', drop the empty piece after
 * a final '\n'. The last piece had no '\n', so its '\r' (if any) is text.
 */
function referenceLines(text: string, max = 1_048_576): { lines: string[]; overlong: number } {
  const pieces = text.split("\n");
  const last = pieces.pop()!;
  const all = pieces.map((p) => (p.endsWith("\r") ? p.slice(0, -1) : p));
  if (last !== "") all.push(last);
  const lines = all.filter((l) => l.length <= max);
  return { lines, overlong: all.length - lines.length };
}

/**
 * The WHATWG Encoding Standard's UTF-8 decoder, byte by byte, so that the replacement count has
 * an oracle independent of the implementation's trick (it is checked against TextDecoder too).
 */
function referenceDecode(input: Uint8Array): { text: string; errors: number } {
  let text = "";
  let errors = 0;
  let codePoint = 0;
  let seen = 0;
  let needed = 0;
  let lower = 0x80;
  let upper = 0xbf;
  let i = input.length >= 3 && input[0] === 0xef && input[1] === 0xbb && input[2] === 0xbf ? 3 : 0;
  while (i < input.length) {
    const b = input[i]!;
    if (needed === 0) {
      i++;
      if (b <= 0x7f) text += String.fromCharCode(b);
      else if (b >= 0xc2 && b <= 0xdf) {
        needed = 1;
        codePoint = b & 0x1f;
      } else if (b >= 0xe0 && b <= 0xef) {
        if (b === 0xe0) lower = 0xa0;
        if (b === 0xed) upper = 0x9f;
        needed = 2;
        codePoint = b & 0xf;
      } else if (b >= 0xf0 && b <= 0xf4) {
        if (b === 0xf0) lower = 0x90;
        if (b === 0xf4) upper = 0x8f;
        needed = 3;
        codePoint = b & 0x7;
      } else {
        errors++;
        text += "\ufffd";
      }
      continue;
    }
    if (b < lower || b > upper) {
      // The byte is not consumed: it is processed again from the initial state.
      codePoint = needed = seen = 0;
      lower = 0x80;
      upper = 0xbf;
      errors++;
      text += "\ufffd";
      continue;
    }
    i++;
    lower = 0x80;
    upper = 0xbf;
    codePoint = (codePoint << 6) | (b & 0x3f);
    if (++seen === needed) {
      text += String.fromCodePoint(codePoint);
      codePoint = needed = seen = 0;
    }
  }
  if (needed !== 0) {
    errors++;
    text += "\ufffd";
  }
  return { text, errors };
}

describe("LineSplitter: line boundaries", () => {
  it("splits on '\\n', appends to `out` without replacing it, and returns the count", () => {
    const splitter = new LineSplitter();
    const out = ["earlier"];
    expect(splitter.push("a\nbb\nc", out)).toBe(2);
    expect(out).toEqual(["earlier", "a", "bb"]);
    expect(splitter.push("c\n", out)).toBe(1);
    expect(splitter.end(out)).toBe(0);
    expect(out).toEqual(["earlier", "a", "bb", "cc"]);
  });

  it("treats empty lines as records", () => {
    expect(run(["\n\n"]).lines).toEqual(["", ""]);
    expect(run(["a\n\nb\n"]).lines).toEqual(["a", "", "b"]);
    expect(run(["\r\n"]).lines).toEqual([""]);
    expect(run([utf8("\n"), "\n", utf8("\r\n")]).lines).toEqual(["", "", ""]);
  });

  it("strips the '\\r' of a CRLF", () => {
    expect(run(["a\r\nb\r\n"]).lines).toEqual(["a", "b"]);
    expect(run([utf8("a\r\nb\r\n")]).lines).toEqual(["a", "b"]);
  });

  it("strips the '\\r' of a CRLF split across chunks", () => {
    expect(run(["a\r", "\nb"]).lines).toEqual(["a", "b"]);
    expect(run(["a", "\r", "\n"]).lines).toEqual(["a"]);
    expect(run(["\r", "\n"]).lines).toEqual([""]);
    expect(run([utf8("a\r"), utf8("\nb")]).lines).toEqual(["a", "b"]);
    expect(run(["a\r", utf8("\n")]).lines).toEqual(["a"]);
  });

  it("strips only one '\\r' before '\\n'", () => {
    expect(run(["a\r\r\n"]).lines).toEqual(["a\r"]);
    expect(run(["a\r", "\r", "\n"]).lines).toEqual(["a\r"]);
  });

  it("keeps a lone '\\r' as part of the line", () => {
    expect(run(["a\rb\n"]).lines).toEqual(["a\rb"]);
    expect(run(["a\r", "b\n"]).lines).toEqual(["a\rb"]);
    expect(run(["\rx\n\r"]).lines).toEqual(["\rx", "\r"]);
  });

  it("keeps a '\\r' that ends the stream, since no '\\n' follows it", () => {
    expect(run(["a\r"]).lines).toEqual(["a\r"]);
    expect(run(["a\n\r"]).lines).toEqual(["a", "\r"]);
  });

  it("emits the final line without trailing newline only at end()", () => {
    const splitter = new LineSplitter();
    const out: string[] = [];
    expect(splitter.push("a\nlast", out)).toBe(1);
    expect(out).toEqual(["a"]);
    expect(splitter.end(out)).toBe(1);
    expect(out).toEqual(["a", "last"]);
  });

  it("emits no extra empty line when the input ends with '\\n'", () => {
    expect(run(["a\n"]).lines).toEqual(["a"]);
    expect(run(["a\r\n"]).lines).toEqual(["a"]);
    expect(run(["a", "\n", ""]).lines).toEqual(["a"]);
  });

  it("emits nothing for empty input", () => {
    expect(run([])).toEqual({ lines: [], returned: 0, invalidUtf8: 0, overlongLines: 0 });
    expect(run(["", new Uint8Array(0), ""]).lines).toEqual([]);
  });

  it("can be reused after end()", () => {
    const splitter = new LineSplitter();
    const out: string[] = [];
    splitter.push(utf8("\ufeffa\nb"), out);
    splitter.end(out);
    splitter.push(bytes(0xf0, 0x9f), out);
    splitter.end(out);
    splitter.push(utf8("\ufeffc"), out);
    splitter.end(out);
    expect(out).toEqual(["a", "b", "\ufffd", "c"]);
    expect(splitter.invalidUtf8).toBe(1);
  });
});

describe("LineSplitter: UTF-8 across chunk boundaries", () => {
  // 1-, 2-, 3- and 4-byte sequences (é, €, 😀, 𝄞), next to LF, CRLF and a lone CR.
  const text = "aé€😀\nb𝄞\r\n\r€\r\néé\n😀";
  const data = utf8(text);
  const expected = referenceLines(text).lines;

  it("decodes identically for every split into two and three chunks", () => {
    for (let i = 0; i <= data.length; i++) {
      expect(run([data.subarray(0, i), data.subarray(i)]).lines).toEqual(expected);
      for (let j = i; j <= data.length; j++) {
        const result = run([data.subarray(0, i), data.subarray(i, j), data.subarray(j)]);
        expect(result.lines).toEqual(expected);
        expect(result.invalidUtf8).toBe(0);
      }
    }
  });

  it("decodes an astral character fed one byte at a time", () => {
    const result = run([bytes(0xf0), bytes(0x9f), bytes(0x98), bytes(0x80), bytes(0x0a)]);
    expect(result.lines).toEqual(["😀"]);
    expect(result.invalidUtf8).toBe(0);
    expect(run(everyByte(data)).lines).toEqual(expected);
  });

  it("decodes 2-, 3- and 4-byte sequences split at each inner byte", () => {
    for (const ch of ["é", "€", "😀"]) {
      const seq = utf8(ch);
      for (let i = 1; i < seq.length; i++) {
        expect(run([seq.subarray(0, i), seq.subarray(i)]).lines).toEqual([ch]);
      }
    }
  });
});

describe("LineSplitter: invalid UTF-8", () => {
  const cases: Array<[string, Uint8Array]> = [
    ["lone continuation byte", bytes(0x61, 0x80, 0x62)],
    ["overlong encoding", bytes(0xc0, 0xaf)],
    ["E0 with a too-low second byte", bytes(0xe0, 0x80, 0x80)],
    ["UTF-16 surrogate", bytes(0xed, 0xa0, 0x80)],
    ["above U+10FFFF", bytes(0xf4, 0x90, 0x80, 0x80)],
    ["byte that never occurs", bytes(0xf5, 0xff, 0xfe)],
    ["truncated sequence followed by ASCII", bytes(0xf0, 0x9f, 0x41)],
    ["truncated sequence followed by another lead", bytes(0xe2, 0x82, 0xe2, 0x82, 0xac)],
    ["valid U+FFFD next to an invalid byte", bytes(0xef, 0xbf, 0xbd, 0xff, 0xef, 0xbf, 0xbd)],
  ];

  for (const [name, input] of cases) {
    it(`replaces and counts like TextDecoder: ${name}`, () => {
      const whole = new TextDecoder().decode(input);
      const errors = referenceDecode(input).errors;
      expect(errors).toBeGreaterThan(0);
      for (const chunks of [[input], everyByte(input)]) {
        const result = run(chunks);
        expect(result.lines).toEqual([whole]);
        expect(result.invalidUtf8).toBe(errors);
      }
    });
  }

  it("counts each maximal invalid subpart once", () => {
    // F0 9F 98 is one truncated sequence (one U+FFFD); C0 and AF are two.
    const result = run([bytes(0xf0, 0x9f, 0x98, 0x0a, 0xc0, 0xaf, 0x0a)]);
    expect(result.lines).toEqual(["\ufffd", "\ufffd\ufffd"]);
    expect(result.invalidUtf8).toBe(3);
  });

  it("does not count a valid encoded U+FFFD, even split across chunks", () => {
    const result = run([bytes(0x61, 0xef), bytes(0xbf), bytes(0xbd, 0x0a), utf8("\ufffd")]);
    expect(result.lines).toEqual(["a\ufffd", "\ufffd"]);
    expect(result.invalidUtf8).toBe(0);
  });

  it("replaces and counts a sequence truncated by the end of the stream", () => {
    const splitter = new LineSplitter();
    const out: string[] = [];
    expect(splitter.push(bytes(0x61, 0xf0, 0x9f, 0x98), out)).toBe(0);
    expect(splitter.invalidUtf8).toBe(0);
    expect(splitter.end(out)).toBe(1);
    expect(out).toEqual(["a\ufffd"]);
    expect(splitter.invalidUtf8).toBe(1);
  });

  it("replaces and counts a sequence truncated mid-stream across chunks", () => {
    const result = run([bytes(0x61, 0xe2), bytes(0x82), bytes(0x0a, 0x62)]);
    expect(result.lines).toEqual(["a\ufffd", "b"]);
    expect(result.invalidUtf8).toBe(1);
  });

  it("treats a sequence interrupted by a string chunk as truncated", () => {
    const result = run([bytes(0x61, 0xf0, 0x9f), "x\n"]);
    expect(result.lines).toEqual(["a\ufffdx"]);
    expect(result.invalidUtf8).toBe(1);
  });

  it("drops a byte-order mark only at the start of the byte stream", () => {
    expect(run([utf8("\ufeffa\n")]).lines).toEqual(["a"]);
    expect(run([bytes(0xef, 0xbb), bytes(0xbf, 0x61)]).lines).toEqual(["a"]);
    expect(run([utf8("\ufeff\ufeffa")]).lines).toEqual(["\ufeffa"]);
    expect(run([utf8("a\n"), utf8("\ufeffb")]).lines).toEqual(["a", "\ufeffb"]);
    // Strings are text already: nothing is removed from them.
    expect(run(["\ufeffa"]).lines).toEqual(["\ufeffa"]);
    expect(run(["a", utf8("\ufeffb")]).lines).toEqual(["a\ufeffb"]);
  });
});

describe("LineSplitter: over-long lines", () => {
  it("keeps a line of exactly maxLineLength and drops a longer one, counting it once", () => {
    const result = run(["abc\nabcd\nab\n"], { maxLineLength: 3 });
    expect(result.lines).toEqual(["abc", "ab"]);
    expect(result.overlongLines).toBe(1);
  });

  it("measures in UTF-16 code units, without the terminator", () => {
    expect(run([utf8("😀\n")], { maxLineLength: 1 }).lines).toEqual([]);
    expect(run([utf8("😀\r\n")], { maxLineLength: 2 }).lines).toEqual(["😀"]);
    expect(run([utf8("😀\r\n")], { maxLineLength: 1 }).overlongLines).toBe(1);
  });

  it("keeps a CRLF line of exactly maxLineLength when '\\r' and '\\n' arrive apart", () => {
    const result = run(["ab", "c\r", "\nd\n"], { maxLineLength: 3 });
    expect(result.lines).toEqual(["abc", "d"]);
    expect(result.overlongLines).toBe(0);
  });

  it("counts the '\\r' of a line when no '\\n' follows it", () => {
    const mid = run(["abc\r", "x\n"], { maxLineLength: 3 });
    expect(mid.lines).toEqual([]);
    expect(mid.overlongLines).toBe(1);
    const atEnd = run(["abc\r"], { maxLineLength: 3 });
    expect(atEnd.lines).toEqual([]);
    expect(atEnd.overlongLines).toBe(1);
    expect(run(["ab\r"], { maxLineLength: 3 }).lines).toEqual(["ab\r"]);
  });

  it("drops a line spanning many chunks once and resumes at the next line", () => {
    const chunks = ["ok\nxx", ...Array.from({ length: 100 }, () => "yyyy"), "zz\r", "\nnext\n"];
    const result = run(chunks, { maxLineLength: 5 });
    expect(result.lines).toEqual(["ok", "next"]);
    expect(result.overlongLines).toBe(1);
  });

  it("drops an over-long last line that has no trailing newline", () => {
    const result = run(["a\n", "toolong"], { maxLineLength: 3 });
    expect(result.lines).toEqual(["a"]);
    expect(result.overlongLines).toBe(1);
  });

  it("does not buffer an over-long line", () => {
    const splitter = new LineSplitter({ maxLineLength: 8 });
    // The only way to observe the buffer; the field is private to the API, not to this test.
    const buffered = (): number => (splitter as unknown as { pending: string }).pending.length;
    const out: string[] = [];
    for (let i = 0; i < 1000; i++) {
      splitter.push("0123456789", out);
      expect(buffered()).toBeLessThanOrEqual(9);
    }
    splitter.push(utf8("abc\nlast"), out);
    splitter.end(out);
    expect(out).toEqual(["last"]);
    expect(splitter.overlongLines).toBe(1);
  });

  it("with maxLineLength 0 keeps only empty lines", () => {
    const result = run(["\na\n\r\n\r"], { maxLineLength: 0 });
    expect(result.lines).toEqual(["", ""]);
    expect(result.overlongLines).toBe(2);
  });

  it("rejects an invalid maxLineLength", () => {
    for (const maxLineLength of [-1, 1.5, Number.NaN]) {
      expect(() => new LineSplitter({ maxLineLength })).toThrow(RivuletError);
    }
    expect(() => new LineSplitter({ maxLineLength: Infinity })).not.toThrow();
  });
});

describe("LineSplitter: properties", () => {
  // Bytes that sit on UTF-8's decision boundaries, so that random arrays hit them often.
  const interestingByte = fc.constantFrom(
    0x0a, 0x0d, 0x41, 0x7f, 0x80, 0x8f, 0x90, 0x9f, 0xa0, 0xbb, 0xbd, 0xbf, 0xc0, 0xc1, 0xc2,
    0xdf, 0xe0, 0xe2, 0xed, 0xef, 0xf0, 0xf4, 0xf5, 0xff,
  );
  const textUnit = fc.oneof(
    fc.string({ unit: "binary", maxLength: 1 }),
    fc.constantFrom("a", "\r", "é", "€", "😀", "\ufffd", "\ufeff", "\ud83d"),
  );
  const validText = fc
    .array(
      fc.tuple(fc.string({ unit: textUnit, maxLength: 12 }), fc.constantFrom("\n", "\r\n", "")),
      { maxLength: 8 },
    )
    .map((parts) => utf8(parts.map(([line, sep]) => line + sep).join("")));
  const segment = fc.oneof(
    fc.uint8Array({ maxLength: 40 }),
    fc.array(interestingByte, { maxLength: 40 }).map((a) => Uint8Array.from(a)),
    validText,
  );
  const input = fc.array(segment, { maxLength: 6 }).map((segments) => {
    const all = new Uint8Array(segments.reduce((n, s) => n + s.length, 0));
    let at = 0;
    for (const s of segments) {
      all.set(s, at);
      at += s.length;
    }
    return all;
  });
  const offsets = fc.array(fc.nat(), { maxLength: 12 });
  const maxLineLength = fc.option(fc.integer({ min: 0, max: 16 }), { nil: undefined });

  it("byte chunks: same lines and counts as decoding the whole input at once", () => {
    fc.assert(
      fc.property(input, offsets, maxLineLength, (data, cuts, max) => {
        const reference = referenceDecode(data);
        expect(reference.text).toBe(new TextDecoder().decode(data));
        const expected = referenceLines(reference.text, max);
        for (const chunks of [chunked(data, cuts), everyByte(data)]) {
          const result = run(chunks, { maxLineLength: max });
          expect(result.lines).toEqual(expected.lines);
          expect(result.returned).toBe(expected.lines.length);
          expect(result.invalidUtf8).toBe(reference.errors);
          expect(result.overlongLines).toBe(expected.overlong);
        }
      }),
      { numRuns: 500 },
    );
  });

  it("string chunks: same lines as splitting the whole string", () => {
    const text = fc.string({
      unit: fc.constantFrom("a", "b", "\n", "\r", "é", "😀", "\ud83d", "\ude00", "\ufeff"),
      maxLength: 60,
    });
    fc.assert(
      fc.property(text, offsets, maxLineLength, (s, cuts, max) => {
        const expected = referenceLines(s, max);
        const result = run(chunked(s, cuts), { maxLineLength: max });
        expect(result.lines).toEqual(expected.lines);
        expect(result.invalidUtf8).toBe(0);
        expect(result.overlongLines).toBe(expected.overlong);
      }),
      { numRuns: 500 },
    );
  });

  it("mixed string and byte chunks: same lines as the concatenated text", () => {
    // No U+FEFF: a leading one would be a BOM in bytes but text in a string.
    const text = fc.string({
      unit: fc.constantFrom("a", "\n", "\r", "é", "€", "😀", "\ufffd"),
      maxLength: 20,
    });
    const part = fc.record({ asString: fc.boolean(), text, cuts: offsets });
    fc.assert(
      fc.property(fc.array(part, { maxLength: 6 }), (parts) => {
        const chunks = parts.flatMap((p): Array<Uint8Array | string> =>
          p.asString ? [p.text] : chunked(utf8(p.text), p.cuts),
        );
        const result = run(chunks);
        expect(result.lines).toEqual(referenceLines(parts.map((p) => p.text).join("")).lines);
        expect(result.invalidUtf8).toBe(0);
      }),
      { numRuns: 300 },
    );
  });
});
