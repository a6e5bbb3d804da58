import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { asLogPosition, RecordBuffer } from "../../src/sources/record-buffer.ts";

describe("RecordBuffer", () => {
  it("takes everything by default, or the oldest records up to a limit", () => {
    const buffer = new RecordBuffer<number>();
    buffer.push([1, 2, 3, 4, 5]);
    expect(buffer.take(2)).toEqual([1, 2]);
    buffer.sink.push(6);
    expect(buffer.take()).toEqual([3, 4, 5, 6]);
    expect(buffer.take(3)).toEqual([]);
  });

  it("knows where the taken records reach in the log, inside an entry too", () => {
    const buffer = new RecordBuffer<string>();
    expect(buffer.position()).toBe(-1);
    buffer.push(["a", "b", "c"], 0);
    buffer.push([], 1);
    buffer.push(["d", "e"], 2);
    expect(buffer.take(2)).toEqual(["a", "b"]);
    expect(buffer.position()).toEqual({ seq: -1, skip: 2 });
    expect(buffer.take(1)).toEqual(["c"]);
    // The empty entry after it is taken with it.
    expect(buffer.position()).toBe(1);
    expect(buffer.take(1)).toEqual(["d"]);
    expect(buffer.position()).toEqual({ seq: 1, skip: 1 });
    expect(buffer.take()).toEqual(["e"]);
    expect(buffer.position()).toBe(2);
  });

  it("resumes from a recovered position inside an entry", () => {
    const buffer = new RecordBuffer<string>();
    buffer.recovered(4, { records: ["c", "d", "e"], entries: [{ seq: 5, count: 1 }, { seq: 6, count: 2 }], skipped: 2 });
    expect(buffer.position()).toEqual({ seq: 4, skip: 2 });
    expect(buffer.take(2)).toEqual(["c", "d"]);
    expect(buffer.position()).toEqual({ seq: 5, skip: 1 });
  });

  it("a position read back from a checkpoint names the same records", () => {
    fc.assert(
      fc.property(fc.array(fc.nat({ max: 5 }), { maxLength: 12 }), fc.array(fc.nat({ max: 7 }), { maxLength: 12 }), (sizes, takes) => {
        const buffer = new RecordBuffer<number>();
        let next = 0;
        sizes.forEach((size, seq) => buffer.push(Array.from({ length: size }, () => next++), seq));
        let taken = 0;
        for (const n of takes) taken += buffer.take(n).length;
        // Every record up to `taken` is covered by the position, and none after it.
        const at = asLogPosition(buffer.position())!;
        let covered = 0;
        for (let seq = 0; seq <= at.seq; seq++) covered += sizes[seq]!;
        expect(covered + at.skip).toBe(taken);
      }),
    );
  });

  it("reads positions back, plain numbers as before", () => {
    expect(asLogPosition(3)).toEqual({ seq: 3, skip: 0 });
    expect(asLogPosition({ seq: 3, skip: 2 })).toEqual({ seq: 3, skip: 2 });
    expect(asLogPosition({ seq: 3, skip: -1 })).toBeUndefined();
    expect(asLogPosition("3")).toBeUndefined();
    expect(asLogPosition(null)).toBeUndefined();
  });
});

describe("RecordBuffer after a restart", () => {
  it("takes again, up to each recorded position, exactly the batches first taken", () => {
    fc.assert(
      fc.property(fc.array(fc.nat({ max: 5 }), { maxLength: 12 }), fc.array(fc.nat({ max: 7 }), { maxLength: 12 }), (sizes, takes) => {
        const fill = (buffer: RecordBuffer<number>) => {
          let next = 0;
          sizes.forEach((size, seq) => buffer.push(Array.from({ length: size }, () => next++), seq));
        };
        const first = new RecordBuffer<number>();
        fill(first);
        const batches = takes.map((n) => ({ records: first.take(n), position: first.position() }));
        // The same log read back: every batch up to the position it reached, in one go each.
        const again = new RecordBuffer<number>();
        fill(again);
        for (const { records, position } of batches) {
          expect(again.covers(position)).toBe(true);
          expect(again.takeUntil(position)).toEqual(records);
          expect(again.position()).toEqual(position);
        }
      }),
    );
  });

  it("covers a position only once it holds every record up to it", () => {
    const buffer = new RecordBuffer<string>();
    buffer.push(["a", "b"], 0);
    expect(buffer.covers(0)).toBe(true);
    expect(buffer.covers({ seq: 0, skip: 1 })).toBe(false);
    expect(buffer.covers(1)).toBe(false);
    buffer.push(["c", "d"], 1);
    expect(buffer.covers({ seq: 0, skip: 1 })).toBe(true);
    expect(buffer.covers({ seq: 0, skip: 3 })).toBe(false);
    // A position already passed takes nothing.
    expect(buffer.take()).toEqual(["a", "b", "c", "d"]);
    expect(buffer.covers(0)).toBe(true);
    expect(buffer.takeUntil(0)).toEqual([]);
  });
});
