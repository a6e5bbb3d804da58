import fc from "fast-check";
import { expect, it } from "vitest";
import { scanLines } from "../../src/sources/utf8-lines.ts";

// The fast whole-batch scan must agree with a byte-by-byte reference at every alignment.
it("counts lines, spots long lines and non-ASCII exactly, at any byte offset", () => {
  fc.assert(
    fc.property(
      fc.array(fc.oneof(fc.constantFrom(10, 10, 32, 97, 0x0a0a, 0xc3, 0xa4, 0x80, 0x7f, 0x8a), fc.integer({ min: 0, max: 255 })), { maxLength: 200 }),
      fc.integer({ min: 0, max: 7 }),
      fc.integer({ min: 1, max: 40 }),
      (raw, offset, max) => {
        const body = [...raw.map((b) => b & 0xff), 10];
        const buffer = new Uint8Array(body.length + offset);
        buffer.set(body, offset);
        const bytes = buffer.subarray(offset);
        let lines = 0;
        let longest = 0;
        let at = 0;
        body.forEach((b, i) => {
          if (b === 10) {
            lines++;
            longest = Math.max(longest, i - at);
            at = i + 1;
          }
        });
        let valid = true;
        try {
          new TextDecoder("utf-8", { fatal: true }).decode(bytes);
        } catch {
          valid = false;
        }
        const scan = scanLines(bytes, max);
        expect(scan.lines).toBe(lines);
        expect(scan.clean).toBe(valid && longest <= max);
      },
    ),
    { numRuns: 2000 },
  );
});
