import { mkdir, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import type { TextFileSink } from "../dstream/output.ts";

/** Node and Electron's main process: text files go to the file system. */
export function defaultFileSink(): TextFileSink {
  return {
    async writeText(path, text) {
      await mkdir(dirname(path), { recursive: true });
      await writeFile(path, text, "utf8");
    },
  };
}
