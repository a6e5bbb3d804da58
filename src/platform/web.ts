import { RivuletError } from "../core/errors.ts";
import type { TextFileSink } from "../dstream/output.ts";
import type { Spawn } from "../engine/workers/spawn.ts";
import type { Directory } from "../sources/directory.ts";
import { webSpawner } from "../engine/workers/web/spawn.ts";

/** Browsers, workers and edge runtimes: there is no file system to write to by default. */
export function defaultFileSink(): TextFileSink {
  return {
    async writeText(path) {
      throw new RivuletError(
        "ILLEGAL_STATE",
        `saveAsTextFiles cannot write ${path}: this runtime has no file system; pass a fileSink to the StreamingContext`,
      );
    },
  };
}

/** Browsers and Deno: module Web Workers; none where there is no `Worker` (Cloudflare workerd). */
export function defaultSpawner(url?: string | URL): Spawn | undefined {
  return typeof Worker === "function" ? webSpawner({ url }) : undefined;
}

/** Hardware threads the browser reports (Deno too); undefined where there is no `navigator`. */
export function hardwareConcurrency(): number | undefined {
  return typeof navigator !== "undefined" && typeof navigator.hardwareConcurrency === "number" ? navigator.hardwareConcurrency : undefined;
}

/** Browsers, workers and edge runtimes: no file system paths; directories come as handles or objects. */
export function localDirectory(path: string | URL): Directory {
  throw new RivuletError(
    "INVALID_ARGUMENT",
    `textFileStream(${JSON.stringify(String(path))}): this runtime has no file system paths; pass a FileSystemDirectoryHandle (e.g. navigator.storage.getDirectory()) or an object with list() and read(name)`,
  );
}
