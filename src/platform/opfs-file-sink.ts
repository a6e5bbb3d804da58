import { RivuletError } from "../core/errors.ts";
import type { TextFileSink } from "../dstream/output.ts";

/** The part of `navigator.storage` this sink uses. */
interface OriginStorage {
  getDirectory(): Promise<FileSystemDirectoryHandle>;
}

/**
 * Browsers and their workers: the origin private file system (OPFS), the file system a page has.
 * A path's folders are made as needed; `prefix-<time>.txt` lands in the OPFS root, `out/counts`
 * in its folder `out`. Each file is written whole through `createWritable()`, which Chromium
 * swaps in only when closed, so a reader never sees half a batch.
 */
export function originFileSink(storage: OriginStorage): TextFileSink {
  return {
    async writeText(path, text) {
      const names = pathNames(path);
      let dir = await storage.getDirectory();
      for (const name of names.slice(0, -1)) dir = await dir.getDirectoryHandle(name, { create: true });
      const file = await dir.getFileHandle(names.at(-1)!, { create: true });
      if (typeof file.createWritable !== "function") {
        throw new RivuletError("UNSUPPORTED", `saveAsTextFiles cannot write ${path}: this browser's file handles have no createWritable(); pass a fileSink to the StreamingContext`);
      }
      const writable = await file.createWritable();
      try {
        await writable.write(text);
        await writable.close();
      } catch (error) {
        await writable.abort(error).catch(() => undefined);
        throw error;
      }
    },
  };
}

/** The folders and file name of `path`, `/`-separated; `.` and empty parts are skipped. */
function pathNames(path: string): string[] {
  const names = path.split("/").filter((n) => n !== "" && n !== ".");
  if (names.includes("..")) throw new RivuletError("INVALID_ARGUMENT", `saveAsTextFiles cannot write ${path}: the origin private file system has nothing above its root`);
  if (names.length === 0) throw new RivuletError("INVALID_ARGUMENT", `saveAsTextFiles cannot write ${JSON.stringify(path)}: the path names no file`);
  return names;
}

/** `navigator.storage` where it has an origin private file system. */
export function originStorage(): OriginStorage | undefined {
  const storage = typeof navigator === "undefined" ? undefined : (navigator as { storage?: Partial<OriginStorage> }).storage;
  return typeof storage?.getDirectory === "function" ? (storage as OriginStorage) : undefined;
}
