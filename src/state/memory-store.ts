import { assertValidName, type CheckpointStore } from "./store.ts";

export type MemoryStoreOperation = "put" | "get" | "list" | "delete";

export interface MemoryCheckpointStoreOptions {
  /**
   * Fault injection for tests: called before every operation (`name` is undefined for `list`);
   * when it returns an error, the operation rejects with exactly that error and changes nothing,
   * as a real store does when a write fails before commit (e.g. a QuotaExceededError).
   */
  faults?: (operation: MemoryStoreOperation, name: string | undefined) => Error | undefined;
}

/**
 * A store in a `Map`, for tests and for jobs that only need state to survive a context restart
 * within one process. Bytes are copied in and out so that neither the writer nor a reader can
 * change what is stored by mutating its array later.
 */
export class MemoryCheckpointStore implements CheckpointStore {
  readonly #entries = new Map<string, Uint8Array>();
  readonly #faults: MemoryCheckpointStoreOptions["faults"];

  constructor(options: MemoryCheckpointStoreOptions = {}) {
    this.#faults = options.faults;
  }

  async put(name: string, bytes: Uint8Array): Promise<void> {
    this.#check("put", name);
    this.#entries.set(name, bytes.slice());
  }

  async get(name: string): Promise<Uint8Array | undefined> {
    this.#check("get", name);
    return this.#entries.get(name)?.slice();
  }

  async list(): Promise<string[]> {
    this.#check("list", undefined);
    return [...this.#entries.keys()];
  }

  async delete(name: string): Promise<void> {
    this.#check("delete", name);
    this.#entries.delete(name);
  }

  #check(operation: MemoryStoreOperation, name: string | undefined): void {
    if (name !== undefined) assertValidName(name);
    const fault = this.#faults?.(operation, name);
    if (fault !== undefined) throw fault;
  }
}
