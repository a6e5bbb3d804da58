import fc from "fast-check";
import { expect, it } from "vitest";
import { HeldLines } from "../../src/sources/held-lines.ts";
import { scanLines } from "../../src/sources/utf8-lines.ts";

// Held piece by piece as chunks arrive, the bytes and their check are exactly the whole batch's
// scan: however the text is cut (multi-byte sequences and long lines across pieces included),
// batch after batch on the same holder.
it("holds pieces into one buffer and checks them as scanLines checks the whole", () => {
  const byte = fc.oneof(fc.constantFrom(10, 10, 32, 97, 0xc3, 0xa4, 0xe6, 0x97, 0xa5, 0xf0, 0x9f, 0xa6, 0x80, 0xef, 0xbb, 0xbf), fc.integer({ min: 0, max: 255 }));
  fc.assert(
    fc.property(
      fc.array(fc.tuple(fc.array(byte, { maxLength: 120 }), fc.array(fc.integer({ min: 0, max: 130 }), { maxLength: 6 })), { minLength: 1, maxLength: 4 }),
      fc.integer({ min: 1, max: 30 }),
      (batches, max) => {
        const held = new HeldLines(max);
        for (const [raw, cuts] of batches) {
          const body = new Uint8Array([...raw, 10]);
          const at = [...new Set(cuts.filter((c) => c < body.length))].sort((a, b) => a - b);
          let from = 0;
          for (const cut of [...at, body.length]) {
            held.append(body.subarray(from, cut));
            from = cut;
          }
          expect(held.length).toBe(body.length);
          const { bytes, scan } = held.take();
          expect(Array.from(bytes)).toEqual(Array.from(body));
          expect(scan).toEqual(scanLines(body, max));
          expect(held.length).toBe(0);
        }
      },
    ),
    { numRuns: 3000 },
  );
});

it("builds large batches in shared memory when asked to, sized from the previous batch", () => {
  const held = new HeldLines(1 << 20, undefined, true);
  const line = new TextEncoder().encode(`${"x".repeat(99)}\n`);
  for (let i = 0; i < 2000; i++) held.append(line);
  const first = held.take().bytes;
  expect(first.buffer).toBeInstanceOf(SharedArrayBuffer);
  held.append(line);
  const second = held.take().bytes;
  // Room for a batch like the last one, in one buffer from the first piece on.
  expect(second.buffer.byteLength).toBeGreaterThanOrEqual(first.length);
  expect(Array.from(second)).toEqual(Array.from(line));
});

// Kept as segments too (where workers get batches by transfer): the segments are the batch's
// bytes, cut at line ends once past the segment size, each in a buffer of its own at its batch
// offset modulo 8 (so copies of consecutive segments into one place stay aligned).
it("also keeps the bytes as line-ended segments, each in its own buffer, aligned like the batch", () => {
  const line = fc.array(fc.constantFrom(0x61, 0x20, 0xc3, 0xa4), { maxLength: 30 }).map((bs) => [...bs, 10]);
  fc.assert(
    fc.property(fc.array(line, { minLength: 1, maxLength: 60 }), fc.array(fc.nat(200), { maxLength: 8 }), fc.integer({ min: 1, max: 64 }), (lines, cuts, size) => {
      const body = new Uint8Array(lines.flat());
      const held = new HeldLines(1 << 20, size);
      const at = [...new Set(cuts.filter((c) => c < body.length))].sort((a, b) => a - b);
      let from = 0;
      for (const cut of [...at, body.length]) {
        held.append(body.subarray(from, cut));
        from = cut;
      }
      const { bytes, segments } = held.take();
      expect(segments).toBeDefined();
      const parts = segments!;
      expect(Array.from(parts.flatMap((p) => Array.from(p)))).toEqual(Array.from(bytes));
      let position = 0;
      for (const part of parts) {
        expect(part[part.length - 1]).toBe(10);
        expect(part.byteOffset % 8).toBe(position % 8);
        position += part.length;
      }
      expect(new Set(parts.map((p) => p.buffer)).size).toBe(parts.length);
      // Closed at the first line end that makes it at least the size.
      for (const part of parts.slice(0, -1)) {
        expect(part.length).toBeGreaterThanOrEqual(size);
        expect(part.subarray(size - 1, part.length - 1).indexOf(10)).toBeLessThan(0);
      }
    }),
    { numRuns: 1000 },
  );
});

it("keeps batches in ordinary memory when no worker reads them in place", () => {
  const held = new HeldLines(1 << 20);
  const line = new TextEncoder().encode(`${"x".repeat(99)}\n`);
  for (let i = 0; i < 2000; i++) held.append(line);
  expect(held.take().bytes.buffer).toBeInstanceOf(ArrayBuffer);
});

