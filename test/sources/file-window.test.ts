import { describe, expect, it } from "vitest";
import { FileWindow } from "../../src/sources/file-window.ts";

describe("FileWindow", () => {
  it("remembers whole batches, at least one (Spark's calculateNumBatchesToRemember)", () => {
    expect(new FileWindow(1000, 60_000, true).rememberMs).toBe(60_000);
    expect(new FileWindow(7000, 60_000, true).rememberMs).toBe(63_000);
    expect(new FileWindow(120_000, 60_000, true).rememberMs).toBe(120_000);
    expect(new FileWindow(1000, 0, true).rememberMs).toBe(1000);
  });

  it("ignores files modified at or before the start with newFilesOnly, and before the remembered window", () => {
    const w = new FileWindow(1000, 5000, true);
    w.begin(300);
    expect(w.threshold(1000)).toBe(300);
    w.record(1000, []);
    expect(w.threshold(9000)).toBe(4000);
    expect(w.nextThreshold()).toBe(300);
  });

  it("lets the first batch take files of any age without newFilesOnly, then applies the window", () => {
    const w = new FileWindow(1000, 5000, false);
    w.begin(300);
    expect(w.threshold(1000)).toBe(-Infinity);
    expect(w.nextThreshold()).toBe(-Infinity);
    w.record(1000, ["a"]);
    expect(w.threshold(2000)).toBe(-3000);
  });

  it("forgets a selection only once the threshold has passed its batch", () => {
    const w = new FileWindow(1000, 2000, true);
    w.begin(0);
    w.record(1000, ["a"]);
    w.record(2000, ["b"]);
    w.record(3000, []);
    expect([w.remembered("a"), w.remembered("b")]).toEqual([true, true]);
    w.record(4000, []);
    // Batch 1000 < 4000 - 2000: forgotten; a.txt (modified <= 1000) is below the threshold 2000.
    expect([w.remembered("a"), w.remembered("b")]).toEqual([false, true]);
    expect(w.threshold(4000)).toBe(2000);
  });

  it("gives back its position, and takes it back", () => {
    const w = new FileWindow(1000, 60_000, true);
    expect(w.position()).toBeUndefined();
    w.begin(250);
    w.record(1000, ["a", "b"]);
    w.record(2000, ["c"]);
    const position = w.position();
    expect(position).toEqual({ batchTime: 2000, startThreshold: 250, selected: [[1000, ["a", "b"]], [2000, ["c"]]] });

    const restored = new FileWindow(1000, 60_000, true);
    restored.restore(structuredClone(position));
    restored.begin(99_000); // the restart's clock does not move the start
    expect(restored.position()).toEqual(position);
    expect(["a", "b", "c", "d"].map((n) => restored.remembered(n))).toEqual([true, true, true, false]);
    expect(restored.nextThreshold()).toBe(250);
  });

  it("refuses a position that is not one (a checkpoint is not trusted)", () => {
    const corrupt = [{}, { batchTime: 1, startThreshold: 0, selected: [[1, [2]]] }, { batchTime: "1", startThreshold: 0, selected: [] }, 7];
    for (const position of corrupt) {
      const w = new FileWindow(1000, 60_000, true);
      expect(() => w.restore(position)).toThrow(expect.objectContaining({ name: "RivuletError", code: "CHECKPOINT_CORRUPT" }));
    }
    // No position at all (a checkpoint before the first batch): a fresh start.
    const fresh = new FileWindow(1000, 60_000, true);
    fresh.restore(null);
    fresh.begin(5);
    expect(fresh.nextThreshold()).toBe(5);
  });
});
