import { mkdtemp, readdir, rm, writeFile, chmod, mkdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { RivuletError } from "../../src/core/errors.ts";
import { readLatestCheckpoint, writeCheckpoint } from "../../src/state/checkpoint.ts";
import { FileCheckpointStore } from "../../src/state/file-store.ts";
import { describeCheckpointStore } from "./store-contract.ts";

async function tempDirectory(): Promise<string> {
  return mkdtemp(join(tmpdir(), "rivulet-file-store-"));
}

describeCheckpointStore("FileCheckpointStore", async () => {
  const root = await tempDirectory();
  return {
    store: new FileCheckpointStore(join(root, "checkpoints")),
    cleanup: () => rm(root, { recursive: true, force: true }),
  };
});

describe("FileCheckpointStore on disk", () => {
  let root: string;

  beforeEach(async () => {
    root = await tempDirectory();
  });

  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it("creates its directory, nested, on the first put", async () => {
    const directory = join(root, "a", "b", "c");
    const store = new FileCheckpointStore(directory);
    expect(await store.list()).toEqual([]);
    expect(await store.get("x")).toBeUndefined();
    await store.put("x", Uint8Array.from([1]));
    expect(await readdir(directory)).toEqual(["x"]);
  });

  it("leaves no temp files behind after puts", async () => {
    const store = new FileCheckpointStore(root);
    for (let i = 0; i < 5; i++) await store.put("state", Uint8Array.from([i]));
    await writeCheckpoint(1000, { a: 1 }, store);
    expect((await readdir(root)).sort()).toEqual(["checkpoint-0000000000001000", "state"]);
  });

  it("ignores a leftover half-written temp file, and deletes it with its name", async () => {
    const store = new FileCheckpointStore(root);
    await writeCheckpoint(1000, "complete", store);
    // What a crash between write and rename leaves: a partial temp file of the next checkpoint.
    await writeFile(join(root, "checkpoint-0000000000002000.tmp-0123456789ab"), Uint8Array.from([0x52, 0x56]));
    await writeFile(join(root, "checkpoint-0000000000001000.tmp-ba9876543210"), Uint8Array.from([0x52]));
    expect(await store.list()).toEqual(["checkpoint-0000000000001000"]);
    expect((await readLatestCheckpoint(store))?.value).toBe("complete");
    await store.delete("checkpoint-0000000000001000");
    expect(await readdir(root)).toEqual(["checkpoint-0000000000002000.tmp-0123456789ab"]);
  });

  it("ignores directories and files with names no store would write", async () => {
    const store = new FileCheckpointStore(root);
    await mkdir(join(root, "subdirectory"));
    await writeFile(join(root, ".DS_Store"), "x");
    await writeFile(join(root, "with space"), "x");
    await store.put("real", new Uint8Array(1));
    expect(await store.list()).toEqual(["real"]);
  });

  it("a failed write keeps the old bytes and rejects with CHECKPOINT_FAILED", async () => {
    const store = new FileCheckpointStore(root);
    await store.put("x", Uint8Array.from([1]));
    // A directory where the temp file's rename must land makes rename fail (EISDIR / ENOTEMPTY).
    await mkdir(join(root, "y"));
    await writeFile(join(root, "y", "inside"), "x");
    const error = await store.put("y", Uint8Array.from([2])).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RivuletError);
    expect((error as RivuletError).code).toBe("CHECKPOINT_FAILED");
    expect((error as RivuletError).cause).toMatchObject({ code: expect.stringMatching(/^E/) });
    expect((await readdir(root)).sort()).toEqual(["x", "y"]);
    expect(Array.from((await store.get("x"))!)).toEqual([1]);
  });

  it.skipIf(process.getuid?.() === 0 || process.platform === "win32")(
    "a read-only directory fails the write with CHECKPOINT_FAILED",
    async () => {
      const store = new FileCheckpointStore(root);
      await chmod(root, 0o500);
      try {
        await expect(store.put("x", new Uint8Array(1))).rejects.toMatchObject({ code: "CHECKPOINT_FAILED" });
      } finally {
        await chmod(root, 0o700);
      }
    },
  );

  it("reads what another store instance wrote to the same directory", async () => {
    await writeCheckpoint(5000, [["k", 5]], new FileCheckpointStore(root));
    expect(await readLatestCheckpoint(new FileCheckpointStore(root))).toEqual({ time: 5000, value: [["k", 5]], skipped: [] });
  });
});
