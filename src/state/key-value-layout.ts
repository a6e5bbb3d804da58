import { RivuletError } from "../core/errors.ts";
import { isValidName } from "./store.ts";

/**
 * Where `KeyValueCheckpointStore` keeps things, under its prefix P:
 *
 *   P/m/<name>            pointer: which generation holds the bytes of <name> (small JSON)
 *   P/c/<generation>/<i>  chunk i of a generation's bytes
 *   P/w/<id>              write record: a put or delete in progress, and the generations it may
 *                         leave unreferenced (the new one if it never commits, the old one if it does)
 *   P/d/<id>              a write record that cleanup took over (moved from P/w/ atomically)
 *
 * Generations are random ids, never reused, so a generation that is not the one a pointer names
 * can never become it again, and deleting its chunks is always safe.
 *
 * Every key is ASCII (the prefix and names are limited to A-Z a-z 0-9 . _ -, ids are hex), so a
 * key's length is its UTF-8 length, and at most MAX_KEY_BYTES.
 */
export const MAX_KEY_BYTES = 512;

const ID = /^[0-9a-f]{24}$/;

/** A committed generation: what a pointer holds. */
export interface Pointer {
  readonly generation: string;
  readonly chunks: number;
  readonly length: number;
  readonly crc32: number;
}

/** A generation a write may leave behind, with the number of its chunks. */
export interface GenerationRef {
  readonly id: string;
  readonly chunks: number;
}

/** A write in progress: the name it changes and the generations to delete once it is decided. */
export interface WriteRecord {
  readonly name: string;
  readonly generations: readonly GenerationRef[];
}

export class KeyValueLayout {
  readonly pointers: string;
  readonly records: string;
  readonly discards: string;
  readonly #chunks: string;

  constructor(prefix: string) {
    this.pointers = `${prefix}/m/`;
    this.#chunks = `${prefix}/c/`;
    this.records = `${prefix}/w/`;
    this.discards = `${prefix}/d/`;
  }

  pointerKey(name: string): string {
    return this.pointers + name;
  }

  chunkKey(generation: string, index: number): string {
    return `${this.#chunks}${generation}/${index}`;
  }

  chunkKeys(generation: GenerationRef): string[] {
    return Array.from({ length: generation.chunks }, (_, i) => this.chunkKey(generation.id, i));
  }

  recordKey(id: string): string {
    return this.records + id;
  }

  discardKey(id: string): string {
    return this.discards + id;
  }

  /** The checkpoint name of a pointer key; undefined for any other key (another job's, say). */
  nameOf(pointerKey: string): string | undefined {
    if (!pointerKey.startsWith(this.pointers)) return undefined;
    const name = pointerKey.slice(this.pointers.length);
    return isValidName(name) ? name : undefined;
  }

  /** The id of a write-record or discard key; undefined for any other key. */
  idOf(key: string, folder: string): string | undefined {
    if (!key.startsWith(folder)) return undefined;
    const id = key.slice(folder.length);
    return ID.test(id) ? id : undefined;
  }
}

/** A fresh generation (or write) id: 96 random bits, so two writers never pick the same one. */
export function newId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(12));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

export function encodePointer(pointer: Pointer): Uint8Array {
  return encodeJson({ version: 1, ...pointer });
}

export function decodePointer(bytes: Uint8Array, where: string): Pointer {
  const value = decodeJson(bytes, where);
  const { generation, chunks, length, crc32 } = value;
  if (
    value["version"] !== 1 ||
    typeof generation !== "string" ||
    !ID.test(generation) ||
    !isCount(chunks) ||
    !isCount(length) ||
    !(typeof crc32 === "number" && Number.isInteger(crc32) && crc32 >= 0 && crc32 <= 0xffffffff)
  ) {
    throw corrupt(`${where} is not a checkpoint pointer this version understands: ${JSON.stringify(value)}`);
  }
  return { generation, chunks, length, crc32 };
}

export function encodeRecord(record: WriteRecord): Uint8Array {
  return encodeJson({ version: 1, name: record.name, generations: record.generations.map(({ id, chunks }) => ({ id, chunks })) });
}

export function decodeRecord(bytes: Uint8Array, where: string): WriteRecord {
  const value = decodeJson(bytes, where);
  const { name, generations } = value;
  const valid =
    value["version"] === 1 &&
    typeof name === "string" &&
    isValidName(name) &&
    Array.isArray(generations) &&
    generations.every((g: unknown) => isGenerationRef(g));
  if (!valid) throw corrupt(`${where} is not a write record this version understands: ${JSON.stringify(value)}`);
  return { name, generations: (generations as GenerationRef[]).map(({ id, chunks }) => ({ id, chunks })) };
}

function isGenerationRef(value: unknown): value is GenerationRef {
  if (typeof value !== "object" || value === null) return false;
  const { id, chunks } = value as Record<string, unknown>;
  return typeof id === "string" && ID.test(id) && isCount(chunks);
}

function isCount(value: unknown): value is number {
  return typeof value === "number" && Number.isSafeInteger(value) && value >= 0;
}

function encodeJson(value: object): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(value));
}

function decodeJson(bytes: Uint8Array, where: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes));
  } catch (error) {
    throw corrupt(`${where} is not valid JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw corrupt(`${where} is not a JSON object`);
  return value as Record<string, unknown>;
}

function corrupt(message: string): RivuletError {
  return new RivuletError("CHECKPOINT_CORRUPT", message);
}
