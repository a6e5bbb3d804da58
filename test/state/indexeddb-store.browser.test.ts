import { afterEach, describe, expect, it } from "vitest";
import { RivuletError } from "../../src/core/errors.ts";
import { listCheckpoints, readLatestCheckpoint, writeCheckpoint } from "../../src/state/checkpoint.ts";
import { IndexedDBCheckpointStore } from "../../src/state/indexeddb-store.ts";
import { describeCheckpointStore } from "./store-contract.ts";

/** Runs in real headless Chromium (the browser project): the store against real IndexedDB. */

let counter = 0;
const opened: string[] = [];

function freshName(): string {
  const name = `rivulet-test-${Date.now()}-${counter++}`;
  opened.push(name);
  return name;
}

function deleteDatabase(name: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const request = indexedDB.deleteDatabase(name);
    request.onsuccess = () => resolve();
    request.onerror = () => reject(request.error);
    // Resolves only once every connection has closed: a store that ignored versionchange would hang here.
    request.onblocked = () => reject(new Error(`deleting ${name} is blocked by an open connection`));
  });
}

/**
 * Writes `value` under `key` behind the store's back, on a connection of its own that is closed
 * afterwards (idb-keyval's createStore would keep one open and block the clean-up).
 */
async function putRaw(dbName: string, storeName: string, key: IDBValidKey, value: unknown): Promise<void> {
  const db = await new Promise<IDBDatabase>((resolve, reject) => {
    const request = indexedDB.open(dbName);
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
  try {
    await new Promise<void>((resolve, reject) => {
      const transaction = db.transaction(storeName, "readwrite");
      transaction.objectStore(storeName).put(value, key);
      transaction.oncomplete = () => resolve();
      transaction.onabort = () => reject(transaction.error);
    });
  } finally {
    db.close();
  }
}

async function countRaw(dbName: string, storeName: string): Promise<number> {
  const db = await new Promise<IDBDatabase>((resolve, reject) => {
    const request = indexedDB.open(dbName);
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
  try {
    // Settles on the transaction's end, not the request's: a connection closed while its
    // transaction still runs would make the clean-up's deleteDatabase see it as blocking.
    return await new Promise<number>((resolve, reject) => {
      const transaction = db.transaction(storeName, "readonly");
      const request = transaction.objectStore(storeName).count();
      transaction.oncomplete = () => resolve(request.result);
      transaction.onabort = () => reject(transaction.error);
    });
  } finally {
    db.close();
  }
}

async function databaseNames(): Promise<string[]> {
  return (await indexedDB.databases()).map((d) => d.name ?? "");
}

afterEach(async () => {
  for (const name of opened.splice(0)) await deleteDatabase(name);
});

describeCheckpointStore("IndexedDBCheckpointStore", async () => {
  const name = freshName();
  return { store: new IndexedDBCheckpointStore(name), cleanup: () => deleteDatabase(name) };
});

/** Records every transaction the store opens, and can make the next ones fail for real. */
class InstrumentedStore extends IndexedDBCheckpointStore {
  readonly transactions: IDBTransaction[] = [];
  abortNextWrite = false;
  closeBeforeNext = false;

  protected override openTransaction(db: IDBDatabase, mode: IDBTransactionMode): IDBTransaction {
    if (this.closeBeforeNext) {
      this.closeBeforeNext = false;
      db.close();
    }
    const transaction = super.openTransaction(db, mode);
    this.transactions.push(transaction);
    if (mode === "readwrite" && this.abortNextWrite) {
      this.abortNextWrite = false;
      // After idb-keyval has queued its request: the transaction fails as a quota error would, at commit.
      queueMicrotask(() => transaction.abort());
    }
    return transaction;
  }
}

describe("IndexedDBCheckpointStore in Chromium", () => {
  it("uses the default database and store names", () => {
    const store = new IndexedDBCheckpointStore();
    expect(store.dbName).toBe("rivulet-checkpoints");
    expect(store.storeName).toBe("checkpoints");
  });

  it("creates the database on first use, with the object store", async () => {
    const name = freshName();
    const store = new IndexedDBCheckpointStore(name, "cp");
    expect(await databaseNames()).not.toContain(name);
    await store.put("a", Uint8Array.from([1, 2]));
    expect(await databaseNames()).toContain(name);
    expect(await countRaw(name, "cp")).toBe(1);
  });

  it("opens every transaction with strict durability, and Chromium accepts it", async () => {
    const store = new InstrumentedStore(freshName());
    await store.put("a", Uint8Array.from([1]));
    await store.get("a");
    await store.list();
    await store.delete("a");
    expect(store.transactions).toHaveLength(4);
    expect(store.transactions.map((t) => t.durability)).toEqual(["strict", "strict", "strict", "strict"]);
    expect(store.transactions.map((t) => t.mode)).toEqual(["readwrite", "readonly", "readonly", "readwrite"]);
  });

  it("an aborted write rejects with CHECKPOINT_FAILED caused by the DOMException, and keeps the old bytes", async () => {
    const store = new InstrumentedStore(freshName());
    await store.put("a", Uint8Array.from([1]));
    store.abortNextWrite = true;
    const error = await store.put("a", Uint8Array.from([2])).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RivuletError);
    expect((error as RivuletError).code).toBe("CHECKPOINT_FAILED");
    expect((error as RivuletError).cause).toBeInstanceOf(DOMException);
    expect(((error as RivuletError).cause as DOMException).name).toBe("AbortError");
    expect(Array.from((await store.get("a"))!)).toEqual([1]);
  });

  it("a closed connection fails the operation with CHECKPOINT_FAILED, and the store reopens afterwards", async () => {
    const store = new InstrumentedStore(freshName());
    await store.put("a", Uint8Array.from([1]));
    store.closeBeforeNext = true;
    const error = await store.put("a", Uint8Array.from([2])).catch((e: unknown) => e);
    expect((error as RivuletError).code).toBe("CHECKPOINT_FAILED");
    expect(((error as RivuletError).cause as DOMException).name).toBe("InvalidStateError");
    expect(Array.from((await store.get("a"))!)).toEqual([1]);
  });

  it("a failed checkpoint write keeps the previous checkpoint and deletes nothing", async () => {
    const store = new InstrumentedStore(freshName());
    await writeCheckpoint(1000, new Map([["k", 1]]), store);
    await writeCheckpoint(2000, new Map([["k", 2]]), store);
    store.abortNextWrite = true;
    const error = await writeCheckpoint(3000, new Map([["k", 3]]), store).catch((e: unknown) => e);
    expect((error as RivuletError).code).toBe("CHECKPOINT_FAILED");
    expect(((error as RivuletError).cause as DOMException).name).toBe("AbortError");
    expect(await listCheckpoints(store)).toEqual([1000, 2000]);
    expect(await readLatestCheckpoint(store)).toEqual({ time: 2000, value: new Map([["k", 2]]), skipped: [] });
  });

  it("does not block deleteDatabase from elsewhere, and recreates the database on next use", async () => {
    const name = freshName();
    const store = new IndexedDBCheckpointStore(name);
    await store.put("a", Uint8Array.from([1]));
    await deleteDatabase(name);
    expect(await store.get("a")).toBeUndefined();
    await store.put("b", Uint8Array.from([2]));
    expect(await store.list()).toEqual(["b"]);
  });

  it("shares one database between store names, adding object stores by upgrade", async () => {
    const name = freshName();
    const first = new IndexedDBCheckpointStore(name, "first");
    const second = new IndexedDBCheckpointStore(name, "second");
    await first.put("x", Uint8Array.from([1]));
    await second.put("x", Uint8Array.from([2]));
    await first.put("y", Uint8Array.from([3]));
    expect(Array.from((await first.get("x"))!)).toEqual([1]);
    expect(Array.from((await second.get("x"))!)).toEqual([2]);
    expect((await first.list()).sort()).toEqual(["x", "y"]);
    expect(await second.list()).toEqual(["x"]);
  });

  it("survives a new store instance (a page reload) and reads the checkpoint back", async () => {
    const name = freshName();
    await writeCheckpoint(1000, { counts: [["a", 1], ["b", NaN]] }, new IndexedDBCheckpointStore(name));
    const read = await readLatestCheckpoint(new IndexedDBCheckpointStore(name));
    expect(read?.time).toBe(1000);
    expect(read?.value).toStrictEqual({ counts: [["a", 1], ["b", NaN]] });
  });

  it("an entry that is not bytes reads as CHECKPOINT_CORRUPT and is skipped by recovery", async () => {
    const name = freshName();
    const store = new IndexedDBCheckpointStore(name);
    await writeCheckpoint(1000, "good", store);
    await putRaw(name, "checkpoints", "checkpoint-0000000000002000", "not bytes");
    await expect(store.get("checkpoint-0000000000002000")).rejects.toMatchObject({ code: "CHECKPOINT_CORRUPT" });
    const read = await readLatestCheckpoint(store);
    expect(read?.value).toBe("good");
    expect(read?.skipped.map((s) => s.name)).toEqual(["checkpoint-0000000000002000"]);
  });

  it("list ignores keys that are not valid names", async () => {
    const name = freshName();
    const store = new IndexedDBCheckpointStore(name);
    await store.put("real", new Uint8Array(1));
    await putRaw(name, "checkpoints", 42, new Uint8Array(1));
    await putRaw(name, "checkpoints", "has space", new Uint8Array(1));
    expect(await store.list()).toEqual(["real"]);
  });
});
