// A checkpoint store whose write-ahead-log writes wait at a gate: how a test holds a source
// between receiving a chunk and having logged it (IndexedDB or a disk being slow).
import type { CheckpointStore } from "../../src/index.ts";

/** `store`, with each `put` of a log entry (`wal-…`) waiting for `gate` first. */
export function gatedLogWrites(store: CheckpointStore, gate: Promise<void>): CheckpointStore {
  return {
    put: async (name, bytes) => {
      if (name.startsWith("wal-")) await gate;
      return store.put(name, bytes);
    },
    get: (name) => store.get(name),
    list: () => store.list(),
    delete: (name) => store.delete(name),
  };
}
