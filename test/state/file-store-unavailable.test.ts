import { describe, expect, it } from "vitest";
import { FileCheckpointStore } from "../../src/state/file-store-unavailable.ts";

describe("FileCheckpointStore without a file system", () => {
  it("constructs, and every operation says what to use instead", async () => {
    const store = new FileCheckpointStore("/anywhere");
    const expected = {
      name: "RivuletError",
      code: "CHECKPOINT_FAILED",
      message: "FileCheckpointStore needs a file system (Node or Electron); use IndexedDBCheckpointStore in browsers",
    };
    await expect(store.put("x", new Uint8Array(1))).rejects.toMatchObject(expected);
    await expect(store.get("x")).rejects.toMatchObject(expected);
    await expect(store.list()).rejects.toMatchObject(expected);
    await expect(store.delete("x")).rejects.toMatchObject(expected);
  });
});
