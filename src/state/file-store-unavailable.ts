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

  put(_name: string, _bytes: Uint8Array): Promise<void> {
    return unavailable();
  }

  get(_name: string): Promise<Uint8Array | undefined> {
    return unavailable();
  }

  list(): Promise<string[]> {
    return unavailable();
  }

  delete(_name: string): Promise<void> {
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
