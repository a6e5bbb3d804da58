import { del, get, keys, promisifyRequest, set, type UseStore } from "idb-keyval";
import { RivuletError } from "../core/errors.ts";
import { assertValidName, isValidName, type CheckpointStore } from "./store.ts";

/**
 * A store in an IndexedDB object store (browsers, workers, Electron renderers), on idb-keyval with
 * our own `UseStore`. Each operation is one transaction, so `put` is atomic; every transaction is
 * opened with `durability: "strict"`, so a `put` resolves only once the browser has flushed it to
 * disk (Chromium's default, "relaxed", may lose the newest checkpoint to a power cut).
 *
 * Failures reject with RivuletError("CHECKPOINT_FAILED") whose `cause` is the DOMException
 * (QuotaExceededError, AbortError, InvalidStateError, ...).
 */
export class IndexedDBCheckpointStore implements CheckpointStore {
  readonly dbName: string;
  readonly storeName: string;
  #database: Promise<IDBDatabase> | undefined;

  constructor(dbName = "rivulet-checkpoints", storeName = "checkpoints") {
    this.dbName = dbName;
    this.storeName = storeName;
  }

  async put(name: string, bytes: Uint8Array): Promise<void> {
    assertValidName(name);
    // A copy: structured clone would store the whole buffer behind a view, and the caller may
    // reuse its array while the database is still opening.
    const copy = bytes.slice();
    await this.#run(`write ${name}`, (useStore) => set(name, copy, useStore));
  }

  async get(name: string): Promise<Uint8Array | undefined> {
    assertValidName(name);
    const value = await this.#run(`read ${name}`, (useStore) => get<unknown>(name, useStore));
    if (value === undefined || value instanceof Uint8Array) return value;
    throw new RivuletError(
      "CHECKPOINT_CORRUPT",
      `IndexedDB entry ${name} in ${this.dbName}/${this.storeName} is not a Uint8Array (${Object.prototype.toString.call(value)})`,
    );
  }

  async list(): Promise<string[]> {
    const all = await this.#run("list the names", (useStore) => keys(useStore));
    return all.filter((key): key is string => typeof key === "string" && isValidName(key));
  }

  async delete(name: string): Promise<void> {
    assertValidName(name);
    await this.#run(`delete ${name}`, (useStore) => del(name, useStore));
  }

  /** Every transaction starts here; tests override it to make a transaction fail for real. */
  protected openTransaction(db: IDBDatabase, mode: IDBTransactionMode): IDBTransaction {
    return db.transaction(this.storeName, mode, { durability: "strict" });
  }

  async #run<T>(what: string, action: (useStore: UseStore) => Promise<T>): Promise<T> {
    // idb-keyval rejects a failed write with `transaction.error`, which is still null while a
    // failed request's error event bubbles, and stays null after abort(); keep the real error.
    let failure: DOMException | null = null;
    const useStore: UseStore = (mode, callback) =>
      this.#open().then((db) => {
        const transaction = this.openTransaction(db, mode);
        transaction.addEventListener("error", (event) => {
          failure ??= event.target instanceof IDBRequest ? event.target.error : null;
        });
        transaction.addEventListener("abort", () => {
          failure ??= transaction.error;
        });
        return callback(transaction.objectStore(this.storeName));
      });
    try {
      return await action(useStore);
    } catch (error: unknown) {
      if (error instanceof RivuletError) throw error;
      const cause = error ?? failure ?? new DOMException("The IndexedDB transaction was aborted", "AbortError");
      if (cause instanceof DOMException && cause.name === "InvalidStateError") this.#database = undefined;
      const detail = cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause);
      throw new RivuletError("CHECKPOINT_FAILED", `IndexedDB could not ${what} in ${this.dbName}/${this.storeName}: ${detail}`, {
        cause,
      });
    }
  }

  #open(): Promise<IDBDatabase> {
    if (this.#database !== undefined) return this.#database;
    const opening = openDatabase(this.dbName, this.storeName);
    const forget = (): void => {
      if (this.#database === opening) this.#database = undefined;
    };
    this.#database = opening;
    opening.then((db) => {
      // Another tab's upgrade or a deleteDatabase() waits until every connection closes; holding
      // ours would block them forever. The next operation reopens.
      db.onversionchange = () => {
        db.close();
        forget();
      };
      // The browser closed it (storage cleared, disk error): reopen on next use.
      db.onclose = forget;
    }, forget);
    return opening;
  }
}

/**
 * Opens `dbName` with `storeName` in it. When the database already exists without that store
 * (another store name sharing the database), onupgradeneeded does not fire on a plain open, so
 * the store is added by reopening at the next version; a concurrent upgrade by another connection
 * shows as a VersionError, and the whole thing is tried again.
 */
async function openDatabase(dbName: string, storeName: string): Promise<IDBDatabase> {
  if (typeof indexedDB === "undefined") {
    throw new RivuletError(
      "CHECKPOINT_FAILED",
      "IndexedDBCheckpointStore needs IndexedDB (browsers, workers, Electron renderers); use FileCheckpointStore in Node",
    );
  }
  for (let attempt = 0; ; attempt++) {
    const request = indexedDB.open(dbName);
    request.onupgradeneeded = () => request.result.createObjectStore(storeName);
    const db = await promisifyRequest(request);
    if (db.objectStoreNames.contains(storeName)) return db;
    const version = db.version + 1;
    db.close();
    const upgrade = indexedDB.open(dbName, version);
    upgrade.onupgradeneeded = () => {
      if (!upgrade.result.objectStoreNames.contains(storeName)) upgrade.result.createObjectStore(storeName);
    };
    try {
      return await promisifyRequest(upgrade);
    } catch (error) {
      if (!(error instanceof DOMException && error.name === "VersionError") || attempt >= 3) throw error;
    }
  }
}
