import { randomBytes } from "node:crypto";
import { mkdir, open, readdir, readFile, rename, unlink, type FileHandle } from "node:fs/promises";
import { join } from "node:path";
import { RivuletError } from "../core/errors.ts";
import { assertValidName, isValidName, TEMP_MARKER, type CheckpointStore } from "./store.ts";

/**
 * A store in a directory, one file per name (Node and Electron's main process).
 *
 * `put` is atomic and durable by the classic recipe: write a temp file, fsync it, rename it over
 * the target, fsync the directory. A crash leaves either the old file or the new one under the
 * name, plus at worst a `<name>.tmp-<random>` file, which `list` ignores and `delete(name)`
 * removes.
 */
export class FileCheckpointStore implements CheckpointStore {
  readonly directory: string;

  constructor(directory: string) {
    this.directory = directory;
  }

  async put(name: string, bytes: Uint8Array): Promise<void> {
    assertValidName(name);
    const target = join(this.directory, name);
    const temp = `${target}${TEMP_MARKER}${randomBytes(6).toString("hex")}`;
    try {
      await mkdir(this.directory, { recursive: true });
      const handle = await open(temp, "wx");
      try {
        await handle.writeFile(bytes);
        await handle.sync();
      } finally {
        await handle.close();
      }
      await rename(temp, target);
    } catch (error) {
      await unlink(temp).catch(() => undefined);
      throw failure(`Could not write ${target}`, error);
    }
    try {
      await syncDirectory(this.directory);
    } catch (error) {
      throw failure(`Wrote ${target}, but could not make its directory entry durable`, error);
    }
  }

  async get(name: string): Promise<Uint8Array | undefined> {
    assertValidName(name);
    const path = join(this.directory, name);
    try {
      const buffer = await readFile(path);
      // A plain Uint8Array, like the other stores return, rather than Node's Buffer subclass.
      return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
    } catch (error) {
      if (hasCode(error, "ENOENT")) return undefined;
      throw failure(`Could not read ${path}`, error);
    }
  }

  async list(): Promise<string[]> {
    try {
      const entries = await readdir(this.directory, { withFileTypes: true });
      return entries.filter((entry) => entry.isFile() && isValidName(entry.name)).map((entry) => entry.name);
    } catch (error) {
      if (hasCode(error, "ENOENT")) return [];
      throw failure(`Could not list ${this.directory}`, error);
    }
  }

  async delete(name: string): Promise<void> {
    assertValidName(name);
    try {
      // Leftovers of writes of this name that crashed before their rename go with it.
      const leftovers = (await readdir(this.directory)).filter((file) => file.startsWith(name + TEMP_MARKER));
      for (const file of [name, ...leftovers]) {
        await unlink(join(this.directory, file)).catch((error: unknown) => {
          if (!hasCode(error, "ENOENT")) throw error;
        });
      }
    } catch (error) {
      if (hasCode(error, "ENOENT")) return;
      throw failure(`Could not delete ${join(this.directory, name)}`, error);
    }
  }
}

/**
 * Makes a rename durable. Some platforms cannot open or fsync a directory (Windows: EISDIR or
 * EPERM; some file systems: EINVAL); there the rename is as durable as the platform allows.
 */
async function syncDirectory(directory: string): Promise<void> {
  let handle: FileHandle;
  try {
    handle = await open(directory, "r");
  } catch (error) {
    if (hasCode(error, "EISDIR", "EPERM", "EINVAL")) return;
    throw error;
  }
  try {
    await handle.sync();
  } catch (error) {
    if (!hasCode(error, "EISDIR", "EPERM", "EINVAL")) throw error;
  } finally {
    await handle.close();
  }
}

function hasCode(error: unknown, ...codes: string[]): boolean {
  const code: unknown = typeof error === "object" && error !== null ? (error as { code?: unknown }).code : undefined;
  return typeof code === "string" && codes.includes(code);
}

function failure(message: string, error: unknown): RivuletError {
  const detail = error instanceof Error ? error.message : String(error);
  return new RivuletError("CHECKPOINT_FAILED", `${message}: ${detail}`, { cause: error });
}
