// A directory in memory with modification times chosen by the test, for textFileStream tests
// under a ManualClock: what a batch takes depends only on these times, never on the real clock.
import type { Directory, DirectoryEntry } from "../../src/index.ts";

interface StoredFile {
  bytes: Uint8Array;
  modifiedTime: number;
}

export class MemoryDirectory implements Directory {
  private readonly files = new Map<string, StoredFile>();
  /** Names read so far, in order. */
  readonly reads: string[] = [];
  /** Called before each read; throwing makes the read fail (a vanished or locked file). */
  beforeRead: ((name: string) => void) | undefined;
  /** Called before each listing; throwing makes it fail. */
  beforeList: (() => void) | undefined;
  /** Macrotask turns each read takes, to check that batches wait for slow reads. */
  readDelay = 0;

  /** Writes (or replaces) `name`, as if moved into the directory with modification time `modifiedTime`. */
  put(name: string, content: string | Uint8Array, modifiedTime: number): this {
    const bytes = typeof content === "string" ? new TextEncoder().encode(content) : content;
    this.files.set(name, { bytes, modifiedTime });
    return this;
  }

  remove(name: string): void {
    this.files.delete(name);
  }

  async list(): Promise<DirectoryEntry[]> {
    this.beforeList?.();
    return [...this.files].map(([name, f]) => ({ name, modifiedTime: f.modifiedTime, size: f.bytes.length }));
  }

  async read(name: string): Promise<Uint8Array> {
    this.reads.push(name);
    for (let i = 0; i < this.readDelay; i++) await new Promise((resolve) => setTimeout(resolve, 0));
    this.beforeRead?.(name);
    const file = this.files.get(name);
    if (!file) throw new Error(`ENOENT: ${name} does not exist`);
    return file.bytes.slice();
  }
}
