import { spawn } from "node:child_process";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FileCheckpointStore } from "../../src/state/file-store.ts";
import { unframe } from "../../src/state/format.ts";
import { bundleForNode } from "../support/node-bundle.ts";

/**
 * A process killed (SIGKILL) in the middle of puts leaves the old or the new bytes, whole. This
 * does not simulate power loss (the page cache survives a process kill), but it does catch any
 * put that writes the target in place instead of renaming a complete temp file over it.
 */
describe("FileCheckpointStore when the writer is killed mid-put", () => {
  let root: string;
  let program: string;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), "rivulet-crash-"));
    program = join(root, "writer.mjs");
    await bundleForNode(new URL("./file-store-crash-writer.ts", import.meta.url), program);
  });

  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it("always reads back one whole payload", async () => {
    for (let round = 0; round < 8; round++) {
      const directory = join(root, `store-${round}`);
      const child = spawn(process.execPath, [program, directory], { stdio: ["ignore", "pipe", "inherit"] });
      await new Promise<void>((resolve, reject) => {
        child.stdout.on("data", () => resolve());
        child.on("exit", (code) => reject(new Error(`writer exited early with ${code}`)));
      });
      await new Promise((resolve) => setTimeout(resolve, 5 + Math.random() * 60));
      const exited = new Promise((resolve) => child.on("exit", resolve));
      child.kill("SIGKILL");
      await exited;

      const store = new FileCheckpointStore(directory);
      expect(await store.list()).toEqual(["entry"]);
      const payload = unframe((await store.get("entry"))!);
      expect([3 << 20, 2 << 20]).toContain(payload.length);
      const fill = payload.length === 3 << 20 ? 0x61 : 0x62;
      expect(payload.every((b) => b === fill)).toBe(true);
      // At most the one temp file of the put that was interrupted.
      expect((await readdir(directory)).length).toBeLessThanOrEqual(2);
    }
  });
});
