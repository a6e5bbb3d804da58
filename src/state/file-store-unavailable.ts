import { RivuletError } from "../core/errors.ts";
import type { CheckpointStore } from "./store.ts";

/**
 * What `FileCheckpointStore` is where there is no file system (browsers, edge runtimes): the
 * package's export conditions pick this file there, so that importing the class never fails and
 * using it says what to use instead.
 */
export class FileCheckpointStore implements CheckpointStore {
  readonly directory: string;

  constructor(directory: string) {
    this.directory = directory;
  }

  put(): Promise<void> {
    return unavailable();
  }

  get(): Promise<Uint8Array | undefined> {
    return unavailable();
  }

  list(): Promise<string[]> {
    return unavailable();
  }

  delete(): Promise<void> {
    return unavailable();
  }
}

function unavailable(): Promise<never> {
  return Promise.reject(
    new RivuletError(
      "CHECKPOINT_FAILED",
      "FileCheckpointStore needs a file system (Node or Electron); use IndexedDBCheckpointStore in browsers",
    ),
  );
}
