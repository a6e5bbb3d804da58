import { RivuletError } from "../core/errors.ts";

/**
 * Where checkpoints live. `put` is atomic: after a crash at any moment, `get` returns either the
 * old bytes or the whole new bytes, never a mix.
 *
 * Names are the same set in every store (see `assertValidName`), so a job can move from one store
 * to another without renaming anything.
 */
export interface CheckpointStore {
  put(name: string, bytes: Uint8Array): Promise<void>;
  get(name: string): Promise<Uint8Array | undefined>;
  /** Names, in any order. */
  list(): Promise<string[]>;
  /** Deleting a name that does not exist is not an error. */
  delete(name: string): Promise<void>;
}

/**
 * Names must be safe as file names everywhere (no separators, no leading dot, short enough for
 * every file system), and `.tmp-` is reserved for the file store's half-written files.
 */
const NAME = /^[A-Za-z0-9_-][A-Za-z0-9._-]{0,199}$/;
export const TEMP_MARKER = ".tmp-";

export function isValidName(name: string): boolean {
  return NAME.test(name) && !name.includes(TEMP_MARKER);
}

export function assertValidName(name: string): void {
  if (typeof name !== "string" || !isValidName(name)) {
    throw new RivuletError(
      "INVALID_ARGUMENT",
      `Invalid checkpoint store name ${JSON.stringify(name)}: use 1-200 characters from A-Z a-z 0-9 . _ -, ` +
        `not starting with "." and not containing "${TEMP_MARKER}"`,
    );
  }
}
