/**
 * A directory on the local file system (Node, Electron's main process), for `textFileStream`.
 * Modification times are `stat`'s, in whole milliseconds since the Unix epoch.
 */
import { readdir, readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { RivuletError } from "../core/errors.ts";
import type { Directory, DirectoryEntry } from "../sources/directory.ts";

/** The directory at `path` (a path, or a `file:` URL). It need not exist yet: listing fails until it does. */
export function nodeDirectory(path: string | URL): Directory {
  const root = toPath(path);
  return {
    async list() {
      const dirents = await readdir(root, { withFileTypes: true });
      const entries = await Promise.all(
        dirents
          .filter((d) => d.isFile() || d.isSymbolicLink())
          .map(async (d): Promise<DirectoryEntry | undefined> => {
            try {
              const s = await stat(join(root, d.name), { bigint: true });
              return s.isFile() ? { name: d.name, modifiedTime: toMilliseconds(s.mtimeNs), size: Number(s.size) } : undefined;
            } catch (error) {
              // Removed since readdir (or a dangling link): not in the directory.
              if ((error as { code?: unknown }).code === "ENOENT") return undefined;
              throw error;
            }
          }),
      );
      return entries.filter((e): e is DirectoryEntry => e !== undefined);
    },
    async read(name) {
      if (name.length === 0 || name === "." || name === ".." || /[\\/\0]/.test(name)) {
        throw new RivuletError("INVALID_ARGUMENT", `${JSON.stringify(name)} is not the name of a file in ${root}`);
      }
      const bytes = await readFile(join(root, name));
      return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    },
  };
}

/**
 * The nearest whole millisecond: a time set in milliseconds (`utimes`, `touch -d`) goes through
 * floating-point seconds and can come back a few nanoseconds short of it.
 */
function toMilliseconds(nanoseconds: bigint): number {
  return Number((nanoseconds + 500_000n) / 1_000_000n);
}

function toPath(path: string | URL): string {
  if (typeof path === "string") {
    if (path.length === 0) throw new RivuletError("INVALID_ARGUMENT", "textFileStream: the directory path is empty");
    return path;
  }
  if (path.protocol !== "file:") {
    throw new RivuletError("INVALID_ARGUMENT", `textFileStream: ${path.href} is not a file: URL; pass a Directory to read from elsewhere`);
  }
  return fileURLToPath(path);
}
