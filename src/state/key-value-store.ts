import { RivuletError } from "../core/errors.ts";
import { crc32 } from "./crc32.ts";
import { assertLimits, batches, chunkSize, cut } from "./key-value-batches.ts";
import { laneOf, type Lane } from "./key-value-lane.ts";
import {
  decodePointer,
  decodeRecord,
  encodePointer,
  encodeRecord,
  type GenerationRef,
  KeyValueLayout,
  newId,
  type Pointer,
  type WriteRecord,
} from "./key-value-layout.ts";
import type { KeyValueStorage } from "./key-value-storage.ts";
import { assertValidName, isValidName, type CheckpointStore } from "./store.ts";

/** Options of `KeyValueCheckpointStore`. */
export interface KeyValueCheckpointStoreOptions {
  /**
   * The namespace of this store's keys, so that several jobs (or a job and other data) can share
   * one storage: every key the store writes starts with `<prefix>/`. Spelled like a checkpoint
   * name (1-200 of A-Z a-z 0-9 . _ -). Default: `"rivulet"`.
   */
  readonly prefix?: string;
}

/** Chunks read at once by `get`. */
const READ_CONCURRENCY = 8;
/** Times `get` starts over when a checkpoint is replaced (by another process) while it reads. */
const READ_ATTEMPTS = 3;

/**
 * A checkpoint store on a key-value database with small values: a Durable Object's storage
 * (`durableObjectStorage(ctx.storage)`), Deno KV (`denoKv(await Deno.openKv())`), or any
 * `KeyValueStorage`.
 *
 * A checkpoint is cut into chunks of at most the storage's value limit, written under a fresh
 * generation id, and made visible by one atomic write of a small pointer, so after a crash at any
 * moment `get` returns the old bytes or the whole new bytes, never a mix; the pointer carries the
 * length and CRC-32 of the bytes, checked on every read. A put first writes a record of the
 * generations it may leave unreferenced; once the pointer has moved it deletes the old generation
 * and the record. Records left by a crash or a failed write are finished on the next `put`,
 * `delete` or `list` (of any store on the same storage and prefix), which deletes the chunks no
 * pointer names, so nothing is left behind. A failure after the pointer moved does not fail the
 * put: it succeeded, and what is left is cleaned up later.
 *
 * Operations on one storage and prefix run one at a time within a JavaScript realm. Two
 * processes must not write under the same prefix at once (as two contexts must not share one
 * checkpoint directory); if they do, each write still commits whole or not at all, because a
 * cleanup elsewhere that takes over a write in progress makes its commit fail
 * (CHECKPOINT_FAILED) instead of letting it name chunks that are being deleted.
 *
 * Failures of the storage reject with RivuletError("CHECKPOINT_FAILED") whose `cause` is the
 * storage's error; a pointer or chunk that does not read back whole rejects with
 * RivuletError("CHECKPOINT_CORRUPT").
 */
export class KeyValueCheckpointStore implements CheckpointStore {
  readonly storage: KeyValueStorage;
  readonly prefix: string;
  readonly #layout: KeyValueLayout;
  readonly #chunkSize: number;
  readonly #lane: Lane;

  constructor(storage: KeyValueStorage, options: KeyValueCheckpointStoreOptions = {}) {
    const methods = ["get", "write", "list"];
    if (typeof storage !== "object" || storage === null || !methods.every((m) => typeof Reflect.get(storage, m) === "function")) {
      throw new RivuletError(
        "INVALID_ARGUMENT",
        "KeyValueCheckpointStore needs a KeyValueStorage (get, write, list and limits), e.g. durableObjectStorage(ctx.storage) or denoKv(kv)",
      );
    }
    assertLimits(storage.limits);
    const prefix = options.prefix ?? "rivulet";
    if (typeof prefix !== "string" || !isValidName(prefix)) {
      throw new RivuletError(
        "INVALID_ARGUMENT",
        `Invalid KeyValueCheckpointStore prefix ${JSON.stringify(prefix)}: use 1-200 characters from A-Z a-z 0-9 . _ -, not starting with "."`,
      );
    }
    this.storage = storage;
    this.prefix = prefix;
    this.#layout = new KeyValueLayout(prefix);
    this.#chunkSize = chunkSize(storage.limits);
    this.#lane = laneOf(storage, prefix);
  }

  async put(name: string, bytes: Uint8Array): Promise<void> {
    assertValidName(name);
    const chunks = cut(bytes, this.#chunkSize); // before any await: the caller may reuse `bytes`
    const pointer: Pointer = { generation: newId(), chunks: chunks.length, length: bytes.length, crc32: crc32(bytes) };
    await this.#lane.run(async () => {
      await this.#cleanUpIfNeeded();
      const present = await this.#pointerBytes(name);
      const old = present === undefined ? undefined : decodeOrUnknown(present, this.#layout.pointerKey(name));
      const written: GenerationRef = { id: pointer.generation, chunks: chunks.length };
      const garbage = old ? [{ id: old.generation, chunks: old.chunks }] : [];
      const record = this.#layout.recordKey(pointer.generation);
      const committed = await this.#changing(`write ${name}`, async () => {
        await this.storage.write({ put: [[record, encodeRecord({ name, generations: [written, ...garbage] })]] });
        const puts = chunks.map((chunk, i) => [this.#layout.chunkKey(written.id, i), chunk] as const);
        for (const batch of batches(puts, [], this.storage.limits)) await this.storage.write(batch);
        return this.storage.write({ put: [[this.#layout.pointerKey(name), encodePointer(pointer)]], ifPresent: record });
      });
      if (!committed) {
        await this.#finish(undefined, [written]);
        throw takenOver(`write ${name}`);
      }
      await this.#finish(record, garbage);
    });
  }

  async get(name: string): Promise<Uint8Array | undefined> {
    assertValidName(name);
    return this.#lane.run(async () => {
      for (let attempt = 1; ; attempt++) {
        const pointer = await this.#pointer(name);
        if (pointer === undefined) return undefined;
        const chunks = await this.#reading(`read ${name}`, () => this.#readChunks(pointer));
        const missing = chunks.findIndex((chunk) => chunk === undefined);
        if (missing < 0) return this.#assemble(name, pointer, chunks as Uint8Array[]);
        // Chunks go only once no pointer names them: if ours is still current, they are lost.
        const now = await this.#pointer(name);
        const where = `Checkpoint ${name} under ${this.prefix}`;
        if (now?.generation === pointer.generation) {
          throw new RivuletError("CHECKPOINT_CORRUPT", `${where}: chunk ${missing} of ${pointer.chunks} of generation ${pointer.generation} is missing`);
        }
        if (attempt >= READ_ATTEMPTS) {
          throw new RivuletError("CHECKPOINT_FAILED", `${where} was replaced while being read, ${READ_ATTEMPTS} times in a row`);
        }
      }
    });
  }

  async list(): Promise<string[]> {
    return this.#lane.run(async () => {
      await this.#cleanUpIfNeeded();
      const keys = await this.#reading("list the names", () => this.storage.list(this.#layout.pointers));
      return keys.map((key) => this.#layout.nameOf(key)).filter((name): name is string => name !== undefined);
    });
  }

  async delete(name: string): Promise<void> {
    assertValidName(name);
    await this.#lane.run(async () => {
      await this.#cleanUpIfNeeded();
      const pointerKey = this.#layout.pointerKey(name);
      const present = await this.#pointerBytes(name);
      if (present === undefined) return;
      const old = decodeOrUnknown(present, pointerKey);
      const garbage = old ? [{ id: old.generation, chunks: old.chunks }] : [];
      const record = this.#layout.recordKey(newId());
      const committed = await this.#changing(`delete ${name}`, async () => {
        await this.storage.write({ put: [[record, encodeRecord({ name, generations: garbage })]] });
        return this.storage.write({ delete: [pointerKey], ifPresent: record });
      });
      if (!committed) throw takenOver(`delete ${name}`);
      await this.#finish(record, garbage);
    });
  }

  #pointerBytes(name: string): Promise<Uint8Array | undefined> {
    return this.#reading(`read ${name}`, () => this.storage.get(this.#layout.pointerKey(name)));
  }

  /** The pointer of `name`; undefined when there is none. */
  async #pointer(name: string): Promise<Pointer | undefined> {
    const bytes = await this.#pointerBytes(name);
    return bytes === undefined ? undefined : decodePointer(bytes, `Pointer ${this.#layout.pointerKey(name)}`);
  }

  async #readChunks(pointer: Pointer): Promise<(Uint8Array | undefined)[]> {
    const keys = this.#layout.chunkKeys({ id: pointer.generation, chunks: pointer.chunks });
    const chunks: (Uint8Array | undefined)[] = [];
    for (let start = 0; start < keys.length; start += READ_CONCURRENCY) {
      chunks.push(...(await Promise.all(keys.slice(start, start + READ_CONCURRENCY).map((key) => this.storage.get(key)))));
    }
    return chunks;
  }

  #assemble(name: string, pointer: Pointer, chunks: Uint8Array[]): Uint8Array {
    const total = chunks.reduce((sum, chunk) => sum + chunk.length, 0);
    const where = `Checkpoint ${name} under ${this.prefix} (generation ${pointer.generation})`;
    if (total !== pointer.length) {
      throw new RivuletError("CHECKPOINT_CORRUPT", `${where}: its chunks hold ${total} bytes, its pointer says ${pointer.length}`);
    }
    const bytes = new Uint8Array(total);
    let offset = 0;
    for (const chunk of chunks) {
      bytes.set(chunk, offset);
      offset += chunk.length;
    }
    const actual = crc32(bytes);
    if (actual !== pointer.crc32) {
      throw new RivuletError("CHECKPOINT_CORRUPT", `${where}: CRC-32 ${hex(actual)} does not match ${hex(pointer.crc32)} in its pointer`);
    }
    return bytes;
  }

  /**
   * After a put or delete was decided: deletes the chunks of `garbage`, then the write record.
   * Nothing here can make the decided operation fail; what a failure leaves is a record, which
   * the next cleanup finishes.
   */
  async #finish(record: string | undefined, garbage: readonly GenerationRef[]): Promise<void> {
    try {
      await this.#deleteGenerations(garbage);
      if (record !== undefined) await this.storage.write({ delete: [record] });
    } catch {
      this.#lane.needsCleanup = true;
    }
  }

  async #deleteGenerations(generations: readonly GenerationRef[]): Promise<void> {
    const keys = generations.flatMap((generation) => this.#layout.chunkKeys(generation));
    for (const batch of batches([], keys, this.storage.limits)) await this.storage.write(batch);
  }

  /**
   * Finishes every write that was interrupted: each record is first moved from w/ to d/ (one
   * atomic write, only if still there), which makes the commit of a write still in progress
   * elsewhere fail; only then is the pointer read, so the decision cannot change after it.
   */
  async #cleanUpIfNeeded(): Promise<void> {
    if (!this.#lane.needsCleanup) return;
    await this.#changing("clean up after an interrupted write", async () => {
      const layout = this.#layout;
      for (const key of await this.storage.list(layout.discards)) {
        if (layout.idOf(key, layout.discards) !== undefined) await this.#discard(key, await this.storage.get(key));
      }
      for (const key of await this.storage.list(layout.records)) {
        const id = layout.idOf(key, layout.records);
        const value = id === undefined ? undefined : await this.storage.get(key);
        if (id === undefined || value === undefined) continue;
        const discard = layout.discardKey(id);
        const moved = await this.storage.write({ put: [[discard, value]], delete: [key], ifPresent: key });
        if (moved) await this.#discard(discard, value);
      }
    });
    this.#lane.needsCleanup = false;
  }

  async #discard(key: string, value: Uint8Array | undefined): Promise<void> {
    if (value === undefined) return;
    let record: WriteRecord;
    let current: Pointer | undefined;
    try {
      record = decodeRecord(value, `Write record ${key}`);
      current = await this.#pointer(record.name);
    } catch (error) {
      // Without a readable record and pointer, which chunks are garbage is unknown: keep them all.
      if (error instanceof RivuletError && error.code === "CHECKPOINT_CORRUPT") return;
      throw error;
    }
    await this.#deleteGenerations(record.generations.filter((generation) => generation.id !== current?.generation));
    await this.storage.write({ delete: [key] });
  }

  /** Runs a step that changes the storage; a failure marks the lane for cleanup. */
  async #changing<T>(what: string, step: () => Promise<T>): Promise<T> {
    try {
      return await step();
    } catch (error) {
      this.#lane.needsCleanup = true;
      throw this.#failure(what, error);
    }
  }

  async #reading<T>(what: string, step: () => Promise<T>): Promise<T> {
    try {
      return await step();
    } catch (error) {
      throw this.#failure(what, error);
    }
  }

  #failure(what: string, error: unknown): RivuletError {
    if (error instanceof RivuletError) return error;
    const detail = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    return new RivuletError("CHECKPOINT_FAILED", `Could not ${what} under ${this.prefix}: ${detail}`, { cause: error });
  }
}

/**
 * The pointer a put or delete replaces. An unreadable one is replaced all the same (a corrupt
 * checkpoint must not block new ones), but its chunks cannot be found, so they are left.
 */
function decodeOrUnknown(bytes: Uint8Array, key: string): Pointer | undefined {
  try {
    return decodePointer(bytes, `Pointer ${key}`);
  } catch {
    return undefined;
  }
}

function takenOver(what: string): RivuletError {
  return new RivuletError(
    "CHECKPOINT_FAILED",
    `Could not ${what}: a cleanup by another store under the same prefix took the write over before it committed ` +
      "(are two jobs writing under one prefix?)",
  );
}

function hex(n: number): string {
  return `0x${n.toString(16).padStart(8, "0")}`;
}
