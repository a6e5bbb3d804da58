import { describe, expect, it } from "vitest";
import { MemoryCheckpointStore, type MemoryStoreOperation } from "../../src/state/memory-store.ts";
import { describeCheckpointStore } from "./store-contract.ts";

describeCheckpointStore("MemoryCheckpointStore", async () => ({
  store: new MemoryCheckpointStore(),
  cleanup: async () => {},
}));

describe("MemoryCheckpointStore fault injection", () => {
  it("rejects with the injected error and changes nothing", async () => {
    let failing: MemoryStoreOperation | undefined;
    const quota = new DOMException("The quota has been exceeded.", "QuotaExceededError");
    const store = new MemoryCheckpointStore({ faults: (op) => (op === failing ? quota : undefined) });
    await store.put("a", Uint8Array.from([1]));
    failing = "put";
    await expect(store.put("a", Uint8Array.from([2]))).rejects.toBe(quota);
    await expect(store.put("b", Uint8Array.from([2]))).rejects.toBe(quota);
    failing = "delete";
    await expect(store.delete("a")).rejects.toBe(quota);
    failing = undefined;
    expect(await store.list()).toEqual(["a"]);
    expect(Array.from((await store.get("a"))!)).toEqual([1]);
  });

  it("tells the fault function the operation and name", async () => {
    const seen: [MemoryStoreOperation, string | undefined][] = [];
    const store = new MemoryCheckpointStore({
      faults: (op, name) => {
        seen.push([op, name]);
        return undefined;
      },
    });
    await store.put("x", new Uint8Array(0));
    await store.get("x");
    await store.list();
    await store.delete("x");
    expect(seen).toEqual([["put", "x"], ["get", "x"], ["list", undefined], ["delete", "x"]]);
  });
});
