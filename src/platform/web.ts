import { RivuletError } from "../core/errors.ts";
import type { TextFileSink } from "../dstream/output.ts";

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
