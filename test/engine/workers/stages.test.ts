import fc from "fast-check";
import { expect, it } from "vitest";
import { slice } from "../../../src/core/batch.ts";
import { partitionCuts } from "../../../src/engine/workers/stages.ts";
import { decodeLines } from "../../../src/sources/utf8-lines.ts";

// A job stage's map tasks get byte ranges of a text batch; each must hold exactly the lines of
// the batch's partition of the same index, as `slice` cuts the decoded lines.
it("cuts a text batch's bytes where slice cuts its lines", () => {
  const line = fc.string({ unit: fc.constantFrom("a", "b", " ", "é", "🦀", "\r"), maxLength: 6 });
  fc.assert(
    fc.property(fc.array(line, { maxLength: 40 }), fc.integer({ min: 1, max: 6 }), (lines, n) => {
      const bytes = new TextEncoder().encode(lines.map((l) => `${l}\n`).join(""));
      const cuts = partitionCuts(bytes, n);
      expect(cuts).toHaveLength(n);
      expect(cuts[0]![0]).toBe(0);
      expect(cuts[n - 1]![1]).toBe(bytes.length);
      const decoded = decodeLines(bytes, false);
      const expected = slice(decoded, n);
      cuts.forEach(([from, to], i) => expect(decodeLines(bytes.subarray(from, to), false)).toEqual(expected[i]));
    }),
    { numRuns: 1000 },
  );
});
