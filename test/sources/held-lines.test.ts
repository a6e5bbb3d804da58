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

it("builds large batches in shared memory, sized from the previous batch", () => {
  const held = new HeldLines(1 << 20);
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
