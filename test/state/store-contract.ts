import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { RivuletError } from "../../src/core/errors.ts";
import { readLatestCheckpoint, writeCheckpoint } from "../../src/state/checkpoint.ts";
import type { CheckpointStore } from "../../src/state/store.ts";

export interface StoreFixture {
  store: CheckpointStore;
  cleanup(): Promise<void>;
}

/**
 * What every CheckpointStore must do, run against each implementation (Node and browser suites
 * import this), so that they are interchangeable.
 */
export function describeCheckpointStore(label: string, open: () => Promise<StoreFixture>): void {
  describe(`${label} (CheckpointStore contract)`, () => {
    let fixture: StoreFixture;
    let store: CheckpointStore;

    beforeEach(async () => {
      fixture = await open();
      store = fixture.store;
    });

    afterEach(async () => {
      await fixture.cleanup();
    });

    it("returns undefined for a name never written, and lists nothing when empty", async () => {
      expect(await store.get("missing")).toBeUndefined();
      expect(await store.list()).toEqual([]);
    });

    it("round-trips bytes exactly, as a plain Uint8Array", async () => {
      const every = Uint8Array.from({ length: 256 }, (_, i) => i);
      const large = Uint8Array.from({ length: 1 << 20 }, (_, i) => (i * 31) & 0xff);
      for (const [name, bytes] of [["every", every], ["empty", new Uint8Array(0)], ["large", large]] as const) {
        await store.put(name, bytes);
        const back = await store.get(name);
        expect(Object.getPrototypeOf(back)).toBe(Uint8Array.prototype);
        expect(back?.length).toBe(bytes.length);
        expect(back!.every((b, i) => b === bytes[i])).toBe(true);
      }
    });

    it("stores only the bytes of a view, not its whole buffer", async () => {
      const host = Uint8Array.from([9, 9, 1, 2, 3, 9]);
      await store.put("view", host.subarray(2, 5));
      expect(Array.from((await store.get("view"))!)).toEqual([1, 2, 3]);
    });

    it("keeps what was stored when the caller's arrays change afterwards", async () => {
      const bytes = Uint8Array.from([1, 2, 3]);
      await store.put("copy", bytes);
      bytes[0] = 42;
      const first = (await store.get("copy"))!;
      first[1] = 42;
      expect(Array.from((await store.get("copy"))!)).toEqual([1, 2, 3]);
    });

    it("overwrites, lists and deletes", async () => {
      await store.put("a", Uint8Array.from([1]));
      await store.put("b", Uint8Array.from([2]));
      await store.put("a", Uint8Array.from([3, 3]));
      expect((await store.list()).sort()).toEqual(["a", "b"]);
      expect(Array.from((await store.get("a"))!)).toEqual([3, 3]);
      await store.delete("a");
      await store.delete("never-there");
      expect(await store.list()).toEqual(["b"]);
      expect(await store.get("a")).toBeUndefined();
    });

    it("refuses names that are not safe everywhere", async () => {
      for (const name of ["", ".hidden", "../escape", "a/b", "a\\b", "x.tmp-1", "sp ace", "é", "a".repeat(201)]) {
        const error = await store.put(name, new Uint8Array(1)).then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(error, name).toBeInstanceOf(RivuletError);
        expect((error as RivuletError).code).toBe("INVALID_ARGUMENT");
        await expect(store.get(name)).rejects.toThrow(RivuletError);
      }
      expect(await store.list()).toEqual([]);
    });

    it("holds checkpoints end to end", async () => {
      await writeCheckpoint(1000, new Map([["k", 1]]), store);
      await writeCheckpoint(2000, new Map([["k", 2]]), store);
      await writeCheckpoint(3000, new Map([["k", 3]]), store);
      expect((await store.list()).sort()).toEqual(["checkpoint-0000000000002000", "checkpoint-0000000000003000"]);
      const latest = await readLatestCheckpoint(store);
      expect(latest?.time).toBe(3000);
      expect(latest?.value).toEqual(new Map([["k", 3]]));
    });
  });
}
