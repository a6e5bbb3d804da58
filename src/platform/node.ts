import { mkdir, writeFile } from "node:fs/promises";
import { availableParallelism, cpus } from "node:os";
import { dirname } from "node:path";
import type { TextFileSink } from "../dstream/output.ts";
import { nodeSpawner } from "../engine/workers/node/spawn.ts";
import type { Spawn } from "../engine/workers/spawn.ts";

/** Node and Electron's main process: text files go to the file system. */
export function defaultFileSink(): TextFileSink {
  return {
    async writeText(path, text) {
      await mkdir(dirname(path), { recursive: true });
      await writeFile(path, text, "utf8");
    },
  };
}

/** Node and Electron's main process: worker threads. */
export function defaultSpawner(url?: string | URL): Spawn | undefined {
  return nodeSpawner({ url });
}

/** Hardware threads this process may use (Node 20 has no `navigator`). */
export function hardwareConcurrency(): number | undefined {
  return typeof availableParallelism === "function" ? availableParallelism() : cpus().length;
}

/** Node and Electron's main process: `textFileStream(path)` watches a directory of the file system. */
export { nodeDirectory as localDirectory } from "./node-directory.ts";
