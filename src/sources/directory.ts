/**
 * The directory a `textFileStream` watches, as two operations: list the files, read one. A path
 * (Node), a browser `FileSystemDirectoryHandle` or any object with these two methods (an edge
 * store, a bucket listing, an in-memory directory in tests) can be watched the same way.
 */
import { RivuletError } from "../core/errors.ts";
import { type DirectoryHandle, handleDirectory, isDirectoryHandle } from "./handle-directory.ts";

/** One file of a directory listing. */
export interface DirectoryEntry {
  /** The file's name within the directory (no path separators). */
  readonly name: string;
  /**
   * When the file was last modified, in milliseconds on the scale of the context's clock: since
   * the Unix epoch for the system clock (what `fs.stat` and `File.lastModified` give).
   */
  readonly modifiedTime: number;
  /** Its size in bytes. */
  readonly size: number;
}

/** A directory of files, as a `textFileStream` sees it. */
export interface Directory {
  /**
   * The files directly in the directory (not in subdirectories). Called at every batch, so it
   * should be cheap; a rejection is reported and the next batch lists again.
   */
  list(): Promise<readonly DirectoryEntry[]>;
  /**
   * The whole content of the file `name` (a name `list()` gave). Rejects when the file is gone or
   * unreadable: the stream reports it, counts it as unreadable and goes on.
   */
  read(name: string): Promise<Uint8Array>;
}

/** What `textFileStream` accepts as its directory. */
export type DirectoryInput = string | URL | DirectoryHandle | Directory;

/**
 * The `Directory` for `input`: paths and URLs through `local` (the runtime's file system, if it
 * has one), directory handles through the File System API, directories as they are.
 */
export function toDirectory(input: DirectoryInput, local: (path: string | URL) => Directory): Directory {
  if (typeof input === "string" || input instanceof URL) return local(input);
  if (isDirectory(input)) return input;
  if (isDirectoryHandle(input)) return handleDirectory(input);
  throw new RivuletError(
    "INVALID_ARGUMENT",
    "textFileStream needs a directory: a path or file URL (Node), a FileSystemDirectoryHandle, or an object with list() and read(name)",
  );
}

function isDirectory(input: unknown): input is Directory {
  if (typeof input !== "object" || input === null) return false;
  const d = input as Partial<Directory>;
  return typeof d.list === "function" && typeof d.read === "function";
}
