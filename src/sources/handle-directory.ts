/**
 * A directory of the File System API (`FileSystemDirectoryHandle`): the origin private file
 * system (`navigator.storage.getDirectory()`) or a folder the user picked. Writing a file through
 * `createWritable()` replaces it atomically on `close()`, which is the "move it into the
 * directory when complete" a file stream needs.
 */
import { RivuletError } from "../core/errors.ts";
import type { Directory, DirectoryEntry } from "./directory.ts";

/** The part of a `File` read here. */
interface FileLike {
  readonly lastModified: number;
  readonly size: number;
  arrayBuffer(): Promise<ArrayBuffer>;
}

interface FileHandleLike {
  readonly kind: "file";
  getFile(): Promise<FileLike>;
}

/**
 * A `FileSystemDirectoryHandle`, by the members a file stream uses, so that the type does not
 * need the DOM library (its `entries()` is only in the DOM's async-iterable typings).
 */
export interface DirectoryHandle {
  readonly kind: "directory";
  getFileHandle(name: string): Promise<{ getFile(): Promise<FileLike> }>;
}

interface ListableHandle extends DirectoryHandle {
  entries(): AsyncIterable<[string, { readonly kind: string }]>;
}

/** True for a File System API directory handle. */
export function isDirectoryHandle(value: unknown): value is DirectoryHandle {
  if (typeof value !== "object" || value === null) return false;
  const h = value as Partial<DirectoryHandle>;
  return h.kind === "directory" && typeof h.getFileHandle === "function";
}

/** The `Directory` of a File System API handle. */
export function handleDirectory(handle: DirectoryHandle): Directory {
  const listable = handle as ListableHandle;
  if (typeof listable.entries !== "function") {
    throw new RivuletError("INVALID_ARGUMENT", "this directory handle cannot list its entries (no entries()): this browser's File System API is too old");
  }
  return {
    async list() {
      const files: DirectoryEntry[] = [];
      for await (const [name, entry] of listable.entries()) {
        if (entry.kind !== "file") continue;
        let file: FileLike;
        try {
          file = await (entry as FileHandleLike).getFile();
        } catch (error) {
          // Removed between the listing and its look-up: it is simply not there any more.
          if (isNotFound(error)) continue;
          throw error;
        }
        files.push({ name, modifiedTime: file.lastModified, size: file.size });
      }
      return files;
    },
    async read(name) {
      const file = await (await handle.getFileHandle(name)).getFile();
      return new Uint8Array(await file.arrayBuffer());
    },
  };
}

function isNotFound(error: unknown): boolean {
  return typeof error === "object" && error !== null && (error as { name?: unknown }).name === "NotFoundError";
}
