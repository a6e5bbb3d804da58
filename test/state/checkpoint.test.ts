import { describe, expect, it } from "vitest";
import { RivuletError } from "../../src/core/errors.ts";
import {
  checkpointName,
  listCheckpoints,
  readLatestCheckpoint,
  writeCheckpoint,
} from "../../src/state/checkpoint.ts";
import { frame, HEADER_BYTES } from "../../src/state/format.ts";
import { MemoryCheckpointStore, type MemoryStoreOperation } from "../../src/state/memory-store.ts";

const quotaExceeded = (): DOMException => new DOMException("The quota has been exceeded.", "QuotaExceededError");

/** A memory store whose chosen operations fail while `failing` is set. */
function faultyStore(): { store: MemoryCheckpointStore; fail(op: MemoryStoreOperation | undefined, error?: Error): void } {
  let failing: MemoryStoreOperation | undefined;
  let failure: Error = quotaExceeded();
  const store = new MemoryCheckpointStore({ faults: (op) => (op === failing ? failure : undefined) });
  return {
    store,
    fail(op, error = quotaExceeded()) {
      failing = op;
      failure = error;
    },
  };
}

async function rejection(promise: Promise<unknown>): Promise<RivuletError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(RivuletError);
  return error as RivuletError;
}

describe("checkpoint names", () => {
  it("zero-pads the time to 16 digits, so name order is time order", () => {
    expect(checkpointName(0)).toBe("checkpoint-0000000000000000");
    expect(checkpointName(1000)).toBe("checkpoint-0000000000001000");
    expect(checkpointName(Number.MAX_SAFE_INTEGER)).toBe("checkpoint-9007199254740991");
  });

  it("refuses times that are not non-negative safe integers", () => {
    for (const t of [-1, 1.5, NaN, Infinity, 2 ** 53]) {
      expect(() => checkpointName(t)).toThrow(expect.objectContaining({ code: "INVALID_ARGUMENT" }));
    }
  });
});

describe("writeCheckpoint / readLatestCheckpoint / listCheckpoints", () => {
  it("reads back nothing from an empty store", async () => {
    const store = new MemoryCheckpointStore();
    expect(await readLatestCheckpoint(store)).toBeUndefined();
    expect(await listCheckpoints(store)).toEqual([]);
  });

  it("keeps the newest two by default, and reads the newest", async () => {
    const store = new MemoryCheckpointStore();
    for (const t of [1000, 2000, 3000, 4000]) await writeCheckpoint(t, { batch: t }, store);
    expect(await listCheckpoints(store)).toEqual([3000, 4000]);
    expect(await readLatestCheckpoint(store)).toEqual({ time: 4000, value: { batch: 4000 }, skipped: [] });
  });

  it("keeps as many as asked", async () => {
    const store = new MemoryCheckpointStore();
    for (const t of [1, 2, 3, 4, 5]) await writeCheckpoint(t, t, store, 3);
    expect(await listCheckpoints(store)).toEqual([3, 4, 5]);
    await writeCheckpoint(6, 6, store, 1);
    expect(await listCheckpoints(store)).toEqual([6]);
  });

  it("sorts times numerically and ignores other entries of the store", async () => {
    const store = new MemoryCheckpointStore();
    await store.put("wal-0001", Uint8Array.from([1]));
    await store.put("checkpoint-12", Uint8Array.from([1]));
    await writeCheckpoint(900, "a", store, 10);
    await writeCheckpoint(10_000, "b", store, 10);
    await writeCheckpoint(20, "c", store, 10);
    expect(await listCheckpoints(store)).toEqual([20]);
    for (const t of [900, 10_000]) await writeCheckpoint(t, "again", store, 10);
    expect(await listCheckpoints(store)).toEqual([20, 900, 10_000]);
    expect((await store.list()).sort()).toEqual([
      "checkpoint-0000000000000020",
      "checkpoint-0000000000000900",
      "checkpoint-0000000000010000",
      "checkpoint-12",
      "wal-0001",
    ]);
  });

  it("deletes checkpoints newer than the one written: they belong to an abandoned run", async () => {
    const store = new MemoryCheckpointStore();
    for (const t of [1000, 2000, 3000]) await writeCheckpoint(t, t, store, 5);
    await writeCheckpoint(2000, "rewritten", store, 5);
    expect(await listCheckpoints(store)).toEqual([1000, 2000]);
    expect((await readLatestCheckpoint(store))?.value).toBe("rewritten");
    // Even with keep = 1 the checkpoint just written survives.
    await writeCheckpoint(5000, 5, store);
    await writeCheckpoint(500, "restart", store, 1);
    expect(await listCheckpoints(store)).toEqual([500]);
  });

  it("round-trips the values stream state holds", async () => {
    const store = new MemoryCheckpointStore();
    const value = {
      pairs: [["a", 1], ["b", NaN], ["c", -0]],
      state: new Map<string, unknown>([["k", { count: 2n ** 70n, seen: new Set(["x"]), at: new Date(5) }]]),
      window: new Float64Array([1.5, Infinity]),
      missing: undefined,
    };
    await writeCheckpoint(7000, value, store);
    const read = await readLatestCheckpoint(store);
    expect(read?.value).toStrictEqual(value);
  });

  describe("a corrupt newest checkpoint falls back to the previous one", () => {
    const damages: [label: string, damage: (bytes: Uint8Array) => Uint8Array, reason: RegExp][] = [
      ["truncated", (b) => b.subarray(0, b.length - 3), /truncated/],
      ["truncated inside the header", (b) => b.subarray(0, 7), /truncated/],
      ["emptied", () => new Uint8Array(0), /truncated/],
      ["with garbage appended", (b) => new Uint8Array([...b, 1, 2, 3]), /trailing garbage/],
      ["with a payload byte flipped", (b) => flip(b, b.length - 2), /checksum mismatch/],
      ["with a header byte flipped", (b) => flip(b, 1), /Not a Rivulet checkpoint/],
      ["from another format version", (b) => flip(b, 4, 3), /Unsupported checkpoint format version 2/],
      ["with a valid frame around an invalid payload", () => frame(new TextEncoder().encode("{nope")), /not valid UTF-8 JSON/],
    ];

    for (const [label, damage, reason] of damages) {
      it(label, async () => {
        const store = new MemoryCheckpointStore();
        await writeCheckpoint(1000, "previous", store);
        await writeCheckpoint(2000, "newest", store);
        const name = checkpointName(2000);
        await store.put(name, damage((await store.get(name))!));
        const read = await readLatestCheckpoint(store);
        expect(read?.time).toBe(1000);
        expect(read?.value).toBe("previous");
        expect(read?.skipped).toHaveLength(1);
        expect(read?.skipped[0]?.name).toBe(name);
        expect(read?.skipped[0]?.reason).toMatch(reason);
      });
    }

    it("every single-byte change of the newest is caught", async () => {
      const store = new MemoryCheckpointStore();
      await writeCheckpoint(1000, "previous", store);
      await writeCheckpoint(2000, [["key", 1]], store);
      const name = checkpointName(2000);
      const original = (await store.get(name))!;
      for (let i = 0; i < original.length; i++) {
        await store.put(name, flip(original, i));
        expect((await readLatestCheckpoint(store))?.value, `byte ${i}`).toBe("previous");
      }
    });

    it("several corrupt ones are all skipped, newest first; none valid gives undefined", async () => {
      const store = new MemoryCheckpointStore();
      for (const t of [1000, 2000, 3000]) await writeCheckpoint(t, t, store, 3);
      for (const t of [2000, 3000]) await store.put(checkpointName(t), Uint8Array.from([1, 2, 3]));
      const read = await readLatestCheckpoint(store);
      expect(read?.time).toBe(1000);
      expect(read?.skipped.map((s) => s.name)).toEqual([checkpointName(3000), checkpointName(2000)]);
      await store.put(checkpointName(1000), new Uint8Array(HEADER_BYTES));
      expect(await readLatestCheckpoint(store)).toBeUndefined();
    });
  });

  it("a failing put (quota exceeded) rejects with CHECKPOINT_FAILED, keeps the previous and deletes nothing", async () => {
    const { store, fail } = faultyStore();
    await writeCheckpoint(1000, "one", store);
    await writeCheckpoint(2000, "two", store);
    const deletes: string[] = [];
    const originalDelete = store.delete.bind(store);
    store.delete = async (name) => {
      deletes.push(name);
      await originalDelete(name);
    };
    fail("put");
    const error = await rejection(writeCheckpoint(3000, "three", store));
    expect(error.code).toBe("CHECKPOINT_FAILED");
    expect(error.cause).toBeInstanceOf(DOMException);
    expect((error.cause as DOMException).name).toBe("QuotaExceededError");
    expect(error.message).toMatch(/checkpoint-0000000000003000.*QuotaExceededError/);
    expect(deletes).toEqual([]);
    fail(undefined);
    expect(await listCheckpoints(store)).toEqual([1000, 2000]);
    expect((await readLatestCheckpoint(store))?.value).toBe("two");
  });

  it("a store that already reports CHECKPOINT_FAILED keeps its platform error as the cause", async () => {
    const quota = quotaExceeded();
    const { store, fail } = faultyStore();
    fail("put", new RivuletError("CHECKPOINT_FAILED", "IndexedDB could not write", { cause: quota }));
    const error = await rejection(writeCheckpoint(1000, 1, store));
    expect(error.code).toBe("CHECKPOINT_FAILED");
    expect(error.cause).toBe(quota);
    expect(error.message).toMatch(/IndexedDB could not write/);
  });

  it("an unsupported value fails before anything is written or deleted", async () => {
    const store = new MemoryCheckpointStore();
    await writeCheckpoint(1000, "one", store);
    const error = await rejection(writeCheckpoint(2000, { f: () => 1 }, store));
    expect(error.code).toBe("CHECKPOINT_FAILED");
    expect(error.message).toMatch(/a function \(f\) at value\.f/);
    expect(await listCheckpoints(store)).toEqual([1000]);
  });

  it("a failed cleanup says the checkpoint was written", async () => {
    const { store, fail } = faultyStore();
    await writeCheckpoint(1000, 1, store);
    await writeCheckpoint(2000, 2, store);
    fail("delete");
    const error = await rejection(writeCheckpoint(3000, 3, store));
    expect(error.code).toBe("CHECKPOINT_FAILED");
    expect(error.message).toMatch(/checkpoint-0000000000003000 was written, but deleting older checkpoints failed/);
    fail(undefined);
    expect((await readLatestCheckpoint(store))?.time).toBe(3000);
    await writeCheckpoint(4000, 4, store);
    expect(await listCheckpoints(store)).toEqual([3000, 4000]);
  });

  it("a store that cannot be read is an error, not a reason to fall back", async () => {
    const { store, fail } = faultyStore();
    await writeCheckpoint(1000, 1, store);
    await writeCheckpoint(2000, 2, store);
    fail("get", new Error("EIO: i/o error"));
    const error = await rejection(readLatestCheckpoint(store));
    expect(error.code).toBe("CHECKPOINT_FAILED");
    expect(error.message).toMatch(/Could not read checkpoint checkpoint-0000000000002000: Error: EIO/);
    fail("list", new Error("EIO"));
    expect((await rejection(listCheckpoints(store))).code).toBe("CHECKPOINT_FAILED");
  });

  it("an entry the store itself reports as corrupt is skipped", async () => {
    const { store, fail } = faultyStore();
    await writeCheckpoint(1000, 1, store);
    fail("get", new RivuletError("CHECKPOINT_CORRUPT", "not bytes"));
    expect(await readLatestCheckpoint(store)).toBeUndefined();
  });

  it("refuses a keep below 1", async () => {
    const store = new MemoryCheckpointStore();
    for (const keep of [0, -1, 1.5]) {
      expect((await rejection(writeCheckpoint(1000, 1, store, keep))).code).toBe("INVALID_ARGUMENT");
    }
    expect(await listCheckpoints(store)).toEqual([]);
  });
});

function flip(bytes: Uint8Array, at: number, xor = 0xff): Uint8Array {
  const copy = bytes.slice();
  copy[at]! ^= xor;
  return copy;
}
