import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { RivuletError } from "../../src/core/errors.ts";
import { readLatestCheckpoint, writeCheckpoint } from "../../src/state/checkpoint.ts";
import { decodePointer } from "../../src/state/key-value-layout.ts";
import type { KeyValueStorage, KeyValueStorageLimits } from "../../src/state/key-value-storage.ts";
import { KeyValueCheckpointStore } from "../../src/state/key-value-store.ts";
import {
  copyOf,
  countCalls,
  Crash,
  crashAfter,
  failOnce,
  MemoryKeyValueStorage,
  SMALL_LIMITS,
  type StorageOperation,
} from "./memory-key-value-storage.ts";
import { describeCheckpointStore } from "./store-contract.ts";

describeCheckpointStore("KeyValueCheckpointStore (4 KiB values, 8-entry batches)", async () => ({
  store: new KeyValueCheckpointStore(new MemoryKeyValueStorage(new Map(), { maxValueBytes: 4096, maxBatchEntries: 8, maxBatchBytes: 20_000 })),
  cleanup: async () => {},
}));

describeCheckpointStore("KeyValueCheckpointStore (the smallest limits it accepts)", async () => ({
  store: new KeyValueCheckpointStore(new MemoryKeyValueStorage(new Map(), { maxValueBytes: 1024, maxBatchEntries: 2, maxBatchBytes: 2560 })),
  cleanup: async () => {},
}));

/** Deterministic bytes: `length` of them from `seed`. */
function bytes(length: number, seed: number): Uint8Array {
  let x = seed * 2654435761 + 1;
  return Uint8Array.from({ length }, () => ((x = (x * 1103515245 + 12345) >>> 0), x >>> 24));
}

function same(a: Uint8Array | undefined, b: Uint8Array | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

function describeValue(value: Uint8Array | undefined, named: Record<string, Uint8Array | undefined>): string {
  return Object.entries(named).find(([, v]) => same(v, value))?.[0] ?? `unexpected ${value?.length} bytes`;
}

/**
 * The keys under `prefix` are exactly the pointers and the chunks of the generations they name:
 * no write record, no discarded record, no unreferenced chunk.
 */
function expectTidy(data: Map<string, Uint8Array>, prefix = "rivulet"): void {
  const expected = new Set<string>();
  for (const [key, value] of data) {
    if (!key.startsWith(`${prefix}/m/`)) continue;
    expected.add(key);
    const pointer = decodePointer(value, key);
    for (let i = 0; i < pointer.chunks; i++) expected.add(`${prefix}/c/${pointer.generation}/${i}`);
  }
  const actual = [...data.keys()].filter((key) => key.startsWith(`${prefix}/`));
  expect(actual.sort()).toEqual([...expected].sort());
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => undefined,
    (error: unknown) => error,
  );
}

const OLD = bytes(5000, 1); // 5 chunks of 1 KiB
const NEW = bytes(7000, 2); // 7 chunks
const OTHER = bytes(3000, 3);

/** A storage holding OLD under "cp" and OTHER under "other", written without faults. */
async function seeded(withOld: boolean): Promise<Map<string, Uint8Array>> {
  const data = new Map<string, Uint8Array>();
  const store = new KeyValueCheckpointStore(new MemoryKeyValueStorage(data));
  if (withOld) await store.put("cp", OLD);
  await store.put("other", OTHER);
  return data;
}

type Change = { label: string; withOld: boolean; run: (store: KeyValueCheckpointStore) => Promise<void>; before: Uint8Array | undefined; after: Uint8Array | undefined };

const CHANGES: Change[] = [
  { label: "a put over an older checkpoint", withOld: true, run: (s) => s.put("cp", NEW), before: OLD, after: NEW },
  { label: "a first put", withOld: false, run: (s) => s.put("cp", NEW), before: undefined, after: NEW },
  { label: "a delete", withOld: true, run: (s) => s.delete("cp"), before: OLD, after: undefined },
];

describe("KeyValueCheckpointStore when the process crashes after any number of storage calls", () => {
  for (const change of CHANGES) {
    it(`leaves the old or the whole new state, and no orphans, for ${change.label}`, async () => {
      const initial = await seeded(change.withOld);
      const total = await countCalls(initial, SMALL_LIMITS, (storage) => change.run(new KeyValueCheckpointStore(storage)));
      expect(total).toBeGreaterThan(5);
      const seen = new Set<string>();
      for (let k = 0; k <= total; k++) {
        const data = copyOf(initial);
        const crashing = new KeyValueCheckpointStore(new MemoryKeyValueStorage(data, SMALL_LIMITS, crashAfter(k)));
        const error = await rejection(change.run(crashing));
        if (k === total) expect(error).toBeUndefined();
        else if (error !== undefined) expect((error as RivuletError).cause ?? error).toBeInstanceOf(Crash);

        // The restarted process: a new storage over the same data.
        const restarted = new KeyValueCheckpointStore(new MemoryKeyValueStorage(data));
        const got = await restarted.get("cp");
        const which = describeValue(got, { before: change.before, after: change.after });
        expect(["before", "after"], `crash after ${k} of ${total} calls`).toContain(which);
        if (k === total) expect(which).toBe("after");
        seen.add(which);
        expect((await restarted.list()).sort()).toEqual(got === undefined ? ["other"] : ["cp", "other"]);
        expect(same(await restarted.get("cp"), got)).toBe(true);
        expect(same(await restarted.get("other"), OTHER)).toBe(true);
        expectTidy(data);
      }
      expect([...seen].sort()).toEqual(["after", "before"]);
    });
  }

  it("finishes the cleanup when the restarted process crashes during it too", async () => {
    const initial = await seeded(true);
    const total = await countCalls(initial, SMALL_LIMITS, (storage) => new KeyValueCheckpointStore(storage).put("cp", NEW));
    for (let k = 0; k < total; k++) {
      const afterCrash = copyOf(initial);
      await rejection(new KeyValueCheckpointStore(new MemoryKeyValueStorage(afterCrash, SMALL_LIMITS, crashAfter(k))).put("cp", NEW));
      const committed = await new KeyValueCheckpointStore(new MemoryKeyValueStorage(afterCrash)).get("cp");
      const cleanupCalls = await countCalls(afterCrash, SMALL_LIMITS, (storage) => new KeyValueCheckpointStore(storage).list());
      for (let j = 0; j < cleanupCalls; j++) {
        const data = copyOf(afterCrash);
        await rejection(new KeyValueCheckpointStore(new MemoryKeyValueStorage(data, SMALL_LIMITS, crashAfter(j))).list());
        const second = new KeyValueCheckpointStore(new MemoryKeyValueStorage(data));
        expect(same(await second.get("cp"), committed), `put crash ${k}, cleanup crash ${j}`).toBe(true);
        await second.list();
        expect(same(await second.get("cp"), committed)).toBe(true);
        expectTidy(data);
      }
    }
  });
});

describe("KeyValueCheckpointStore when one storage call fails", () => {
  for (const change of CHANGES) {
    it(`keeps old-or-new for ${change.label}, and the same store cleans up on its next call`, async () => {
      const initial = await seeded(change.withOld);
      const total = await countCalls(initial, SMALL_LIMITS, (storage) => change.run(new KeyValueCheckpointStore(storage)));
      for (let k = 0; k < total; k++) {
        const data = copyOf(initial);
        const store = new KeyValueCheckpointStore(new MemoryKeyValueStorage(data, SMALL_LIMITS, failOnce(k)));
        const error = await rejection(change.run(store));
        if (error !== undefined) {
          expect(error).toBeInstanceOf(RivuletError);
          expect((error as RivuletError).code).toBe("CHECKPOINT_FAILED");
          expect(((error as RivuletError).cause as Error).message).toBe("transient failure");
        }
        const which = describeValue(await store.get("cp"), { before: change.before, after: change.after });
        expect(["before", "after"], `failure at call ${k} of ${total}`).toContain(which);
        // A failure after the pointer moved does not fail the operation.
        if (error === undefined) expect(which).toBe("after");
        await store.list();
        expectTidy(data);
        // And the store goes on working.
        await store.put("cp", OTHER);
        expect(same(await store.get("cp"), OTHER)).toBe(true);
        expectTidy(data);
      }
    });
  }
});

describe("KeyValueCheckpointStore with two processes under one prefix", () => {
  it("fails a write that another process's cleanup took over, instead of committing lost chunks", async () => {
    const data = await seeded(true);
    let pause: (() => void) | undefined;
    let paused!: () => void;
    const reachedCommit = new Promise<void>((resolve) => (paused = resolve));
    const writer = new KeyValueCheckpointStore(
      new MemoryKeyValueStorage(data, SMALL_LIMITS, async (operation: StorageOperation) => {
        if (operation.kind === "write" && operation.batch.put?.some(([key]) => key.includes("/m/")) && pause === undefined) {
          await new Promise<void>((resolve) => {
            pause = resolve;
            paused();
          });
        }
      }),
    );
    const writing = rejection(writer.put("cp", NEW));
    await reachedCommit; // the record and every chunk are written; the pointer is next
    const other = new KeyValueCheckpointStore(new MemoryKeyValueStorage(data));
    expect((await other.list()).sort()).toEqual(["cp", "other"]); // its first call cleans up
    pause!();
    const error = (await writing) as RivuletError;
    expect(error).toBeInstanceOf(RivuletError);
    expect(error.code).toBe("CHECKPOINT_FAILED");
    expect(error.message).toMatch(/took the write over/);
    expect(same(await other.get("cp"), OLD)).toBe(true);
    expect(same(await writer.get("cp"), OLD)).toBe(true);
    expectTidy(data);
  });

  it("serializes the stores of one realm over one storage, so a store per request is safe", async () => {
    const storage = new MemoryKeyValueStorage();
    const stores = Array.from({ length: 4 }, () => new KeyValueCheckpointStore(storage));
    await Promise.all(stores.map((store, i) => store.put(`n${i}`, bytes(3000 + i, i))));
    await Promise.all(stores.map((store, i) => store.put(`n${(i + 1) % 4}`, bytes(4000 + i, 10 + i))));
    expect((await stores[0]!.list()).sort()).toEqual(["n0", "n1", "n2", "n3"]);
    for (let i = 0; i < 4; i++) expect(same(await stores[2]!.get(`n${(i + 1) % 4}`), bytes(4000 + i, 10 + i))).toBe(true);
    expectTidy(storage.data);
  });
});

describe("KeyValueCheckpointStore against a Map model (fast-check)", () => {
  const name = fc.constantFrom("a", "b", "checkpoint-0000000000001000");
  const command = fc.oneof(
    fc.record({ op: fc.constant("put" as const), name, length: fc.nat({ max: 6000 }), seed: fc.nat() }),
    fc.record({ op: fc.constant("delete" as const), name }),
    fc.record({ op: fc.constant("get" as const), name }),
    fc.record({ op: fc.constant("list" as const) }),
  );

  it("agrees with the model on every get and list", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(command, { maxLength: 25 }), async (commands) => {
        const storage = new MemoryKeyValueStorage();
        const store = new KeyValueCheckpointStore(storage);
        const model = new Map<string, Uint8Array>();
        for (const c of commands) {
          if (c.op === "put") {
            const value = bytes(c.length, c.seed);
            await store.put(c.name, value);
            model.set(c.name, value);
          } else if (c.op === "delete") {
            await store.delete(c.name);
            model.delete(c.name);
          } else if (c.op === "get") {
            expect(same(await store.get(c.name), model.get(c.name))).toBe(true);
          } else {
            expect((await store.list()).sort()).toEqual([...model.keys()].sort());
          }
        }
        for (const [key, value] of model) expect(same(await store.get(key), value)).toBe(true);
        expectTidy(storage.data);
      }),
      { numRuns: 150 },
    );
  });

  it("stays old-or-new per name under random storage failures, and ends tidy", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(command, { maxLength: 20 }), fc.uniqueArray(fc.nat({ max: 300 }), { maxLength: 8 }), async (commands, failing) => {
        let calls = 0;
        const failAt = new Set(failing);
        const data = new Map<string, Uint8Array>();
        const store = new KeyValueCheckpointStore(
          new MemoryKeyValueStorage(data, SMALL_LIMITS, () => {
            if (failAt.has(calls++)) throw new Error("injected");
          }),
        );
        const observer = new KeyValueCheckpointStore(new MemoryKeyValueStorage(data));
        const model = new Map<string, Uint8Array>();
        for (const c of commands) {
          if (c.op === "put" || c.op === "delete") {
            const before = model.get(c.name);
            const after = c.op === "put" ? bytes(c.length, c.seed) : undefined;
            const error = await rejection(c.op === "put" ? store.put(c.name, after!) : store.delete(c.name));
            const now = await observer.get(c.name);
            if (error === undefined) expect(same(now, after)).toBe(true);
            else expect(same(now, before) || same(now, after)).toBe(true);
            if (now === undefined) model.delete(c.name);
            else model.set(c.name, now);
          } else if (c.op === "get") {
            const result = await store.get(c.name).then(
              (value) => ({ value }),
              (error: unknown) => ({ error }),
            );
            if ("value" in result) expect(same(result.value, model.get(c.name))).toBe(true);
            else expect((result.error as RivuletError).code).toBe("CHECKPOINT_FAILED");
          } else {
            const names = await store.list().catch(() => undefined);
            if (names !== undefined) expect(names.sort()).toEqual([...model.keys()].sort());
          }
        }
        failAt.clear();
        expect((await store.list()).sort()).toEqual([...model.keys()].sort());
        expectTidy(data);
      }),
      { numRuns: 150 },
    );
  });
});

describe("KeyValueCheckpointStore prefixes", () => {
  it("keeps two jobs on one storage apart", async () => {
    const storage = new MemoryKeyValueStorage();
    const a = new KeyValueCheckpointStore(storage, { prefix: "job" });
    const b = new KeyValueCheckpointStore(storage, { prefix: "job-2" }); // "job" is a prefix of its spelling
    await a.put("cp", OLD);
    await b.put("cp", NEW);
    await b.put("only-b", OTHER);
    expect(await a.list()).toEqual(["cp"]);
    expect((await b.list()).sort()).toEqual(["cp", "only-b"]);
    expect(same(await a.get("cp"), OLD)).toBe(true);
    expect(same(await b.get("cp"), NEW)).toBe(true);
    await a.delete("cp");
    expect(await a.list()).toEqual([]);
    expect(same(await b.get("cp"), NEW)).toBe(true);
    expect([...storage.data.keys()].every((key) => key.startsWith("job-2/"))).toBe(true);
    expectTidy(storage.data, "job-2");
  });

  it("cleans up only its own prefix's interrupted writes", async () => {
    const data = new Map<string, Uint8Array>();
    await new KeyValueCheckpointStore(new MemoryKeyValueStorage(data), { prefix: "a" }).put("cp", OLD);
    await rejection(new KeyValueCheckpointStore(new MemoryKeyValueStorage(data, SMALL_LIMITS, crashAfter(6)), { prefix: "a" }).put("cp", NEW));
    const orphans = () => [...data.keys()].filter((key) => key.startsWith("a/w/") || key.startsWith("a/d/"));
    expect(orphans().length).toBe(1);
    await new KeyValueCheckpointStore(new MemoryKeyValueStorage(data), { prefix: "b" }).list();
    expect(orphans().length).toBe(1);
    const a = new KeyValueCheckpointStore(new MemoryKeyValueStorage(data), { prefix: "a" });
    expect(await a.list()).toEqual(["cp"]);
    expect(orphans()).toEqual([]);
    expect(same(await a.get("cp"), OLD)).toBe(true);
    expectTidy(data, "a");
  });

  it("writes under rivulet/ by default", async () => {
    const storage = new MemoryKeyValueStorage();
    const store = new KeyValueCheckpointStore(storage);
    expect(store.prefix).toBe("rivulet");
    await store.put("x", new Uint8Array(10));
    expect([...storage.data.keys()].every((key) => key.startsWith("rivulet/"))).toBe(true);
  });

  it("refuses prefixes that are not spelled like names", () => {
    for (const prefix of ["", "a/b", ".hidden", "é", "x".repeat(201), "sp ace"]) {
      expect(() => new KeyValueCheckpointStore(new MemoryKeyValueStorage(), { prefix }), prefix).toThrow(
        expect.objectContaining({ name: "RivuletError", code: "INVALID_ARGUMENT" }),
      );
    }
  });
});

describe("KeyValueCheckpointStore chunks and limits", () => {
  it("cuts a checkpoint into chunks within every limit of the storage", async () => {
    const limits: KeyValueStorageLimits = { maxValueBytes: 2048, maxBatchEntries: 4, maxBatchBytes: 5000 };
    const storage = new MemoryKeyValueStorage(new Map(), limits);
    const store = new KeyValueCheckpointStore(storage);
    const value = bytes(20_000, 7);
    await store.put("big", value); // the storage throws on any value or batch over its limits
    const pointer = decodePointer(storage.data.get("rivulet/m/big")!, "pointer");
    expect(pointer.chunks).toBe(10);
    expect(pointer.length).toBe(20_000);
    expect(storage.data.get(`rivulet/c/${pointer.generation}/9`)!.length).toBe(20_000 - 9 * 2048);
    // Two chunks per batch (5000 bytes hold two 2 KiB values and their keys, not three).
    expect(storage.writes.filter((w) => w.put?.some(([key]) => key.includes("/c/"))).map((w) => w.put!.length)).toEqual([2, 2, 2, 2, 2]);
    expect(same(await store.get("big"), value)).toBe(true);
  });

  it("stores a chunk as exactly its bytes, not a view of the caller's buffer", async () => {
    const storage = new MemoryKeyValueStorage(new Map(), { maxValueBytes: 1024, maxBatchEntries: 128, maxBatchBytes: Infinity });
    let stored: Uint8Array[] = [];
    const spy: KeyValueStorage = {
      limits: storage.limits,
      get: (key) => storage.get(key),
      list: (prefix) => storage.list(prefix),
      write: (batch) => {
        stored = stored.concat((batch.put ?? []).map(([, value]) => value));
        return storage.write(batch);
      },
    };
    await new KeyValueCheckpointStore(spy).put("x", bytes(4000, 1).subarray(1000, 3500));
    expect(stored.every((value) => value.byteOffset === 0 && value.buffer.byteLength === value.length)).toBe(true);
  });

  it("refuses storages and limits it cannot work with", () => {
    const bad: unknown[] = [
      undefined,
      {},
      new MemoryKeyValueStorage(new Map(), { maxValueBytes: 100, maxBatchEntries: 128, maxBatchBytes: Infinity }),
      new MemoryKeyValueStorage(new Map(), { maxValueBytes: 65536, maxBatchEntries: 1, maxBatchBytes: Infinity }),
      new MemoryKeyValueStorage(new Map(), { maxValueBytes: 65536, maxBatchEntries: 128, maxBatchBytes: 1000 }),
      new MemoryKeyValueStorage(new Map(), { maxValueBytes: Number.NaN, maxBatchEntries: 128, maxBatchBytes: Infinity }),
    ];
    for (const storage of bad) {
      expect(() => new KeyValueCheckpointStore(storage as KeyValueStorage)).toThrow(RivuletError);
    }
  });
});

describe("KeyValueCheckpointStore corruption", () => {
  async function stored(): Promise<{ data: Map<string, Uint8Array>; store: KeyValueCheckpointStore; generation: string }> {
    const data = new Map<string, Uint8Array>();
    const store = new KeyValueCheckpointStore(new MemoryKeyValueStorage(data));
    await store.put("cp", OLD);
    return { data, store, generation: decodePointer(data.get("rivulet/m/cp")!, "pointer").generation };
  }

  async function code(promise: Promise<unknown>): Promise<string | undefined> {
    return ((await rejection(promise)) as RivuletError | undefined)?.code;
  }

  it("refuses a flipped byte, a missing chunk, a truncated chunk and an unreadable pointer", async () => {
    const flipped = await stored();
    flipped.data.get(`rivulet/c/${flipped.generation}/2`)![100] ^= 1;
    expect(await code(flipped.store.get("cp"))).toBe("CHECKPOINT_CORRUPT");

    const missing = await stored();
    missing.data.delete(`rivulet/c/${missing.generation}/4`);
    await expect(missing.store.get("cp")).rejects.toThrow(/chunk 4 of 5 .* is missing/);

    const truncated = await stored();
    const key = `rivulet/c/${truncated.generation}/0`;
    truncated.data.set(key, truncated.data.get(key)!.subarray(1));
    await expect(truncated.store.get("cp")).rejects.toThrow(/hold 4999 bytes, its pointer says 5000/);

    const pointer = await stored();
    pointer.data.set("rivulet/m/cp", new TextEncoder().encode('{"version":2}'));
    expect(await code(pointer.store.get("cp"))).toBe("CHECKPOINT_CORRUPT");
    // A new checkpoint replaces an unreadable one.
    await pointer.store.put("cp", NEW);
    expect(same(await pointer.store.get("cp"), NEW)).toBe(true);
    await pointer.store.delete("cp");
    expect(await pointer.store.list()).toEqual([]);
  });

  it("lets recovery fall back to the previous checkpoint past a corrupt one", async () => {
    const data = new Map<string, Uint8Array>();
    const store = new KeyValueCheckpointStore(new MemoryKeyValueStorage(data));
    await writeCheckpoint(1000, new Map([["k", 1]]), store);
    await writeCheckpoint(2000, new Map([["k", 2]]), store);
    const generation = decodePointer(data.get("rivulet/m/checkpoint-0000000000002000")!, "pointer").generation;
    data.get(`rivulet/c/${generation}/0`)![20] ^= 0xff;
    const latest = await readLatestCheckpoint(store);
    expect(latest?.time).toBe(1000);
    expect(latest?.skipped.map((s) => s.name)).toEqual(["checkpoint-0000000000002000"]);
  });

  it("rejects a failing storage with CHECKPOINT_FAILED and the storage's error as cause", async () => {
    const cause = new Error("disk on fire");
    const store = new KeyValueCheckpointStore(
      new MemoryKeyValueStorage(new Map(), SMALL_LIMITS, () => {
        throw cause;
      }),
    );
    for (const attempt of [store.put("x", OLD), store.get("x"), store.list(), store.delete("x")]) {
      const error = (await rejection(attempt)) as RivuletError;
      expect(error.code).toBe("CHECKPOINT_FAILED");
      expect(error.cause).toBe(cause);
      expect(error.message).toMatch(/disk on fire/);
    }
  });
});
