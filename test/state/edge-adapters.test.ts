// The Durable Object adapter against Cloudflare's documented storage limits, which local workerd
// does not enforce (test/runtime/workerd-store.test.ts runs the adapter on real workerd storage):
// a stand-in storage that throws as production does on a value over 128 KiB serialized, more than
// 128 keys in one put or delete, or a key over 2048 bytes. Deno KV enforces its own limits
// locally, so test/runtime/deno-store.test.ts covers `denoKv` on the real database.
import { deserialize, serialize } from "node:v8";
import { describe, expect, it } from "vitest";
import { RivuletError } from "../../src/core/errors.ts";
import { type DurableObjectStorageLike, type DurableObjectTransactionLike, durableObjectStorage } from "../../src/state/durable-object-storage.ts";
import { denoKv } from "../../src/state/deno-kv-storage.ts";
import { KeyValueCheckpointStore } from "../../src/state/key-value-store.ts";
import { describeCheckpointStore } from "./store-contract.ts";

/**
 * Durable Object storage as a Map of serialized values, with the production limits. The value
 * limit is on the serialized size, which workerd checks against 131072 + 34 bytes; Node's
 * serializer frames a Uint8Array in a few bytes more or less than V8's default, well within that.
 */
class LimitedDurableObjectStorage implements DurableObjectStorageLike {
  data = new Map<string, Buffer>();
  readonly calls: { method: "put" | "delete"; count: number }[] = [];

  async get(key: string): Promise<unknown> {
    const value = this.data.get(key);
    return value === undefined ? undefined : deserialize(value);
  }

  async list(options: { prefix: string; startAfter?: string; limit?: number }): Promise<Map<string, unknown>> {
    const keys = [...this.data.keys()]
      .filter((key) => key.startsWith(options.prefix) && (options.startAfter === undefined || key > options.startAfter))
      .sort()
      .slice(0, options.limit ?? Infinity);
    return new Map(keys.map((key) => [key, deserialize(this.data.get(key)!)]));
  }

  async transaction<T>(closure: (transaction: DurableObjectTransactionLike) => Promise<T>): Promise<T> {
    const staged = new Map(this.data);
    const calls = this.calls;
    const result = await closure({
      async get(key) {
        const value = staged.get(key);
        return value === undefined ? undefined : deserialize(value);
      },
      async put(entries) {
        const pairs = Object.entries(entries);
        if (pairs.length > 128) throw new RangeError(`Maximum number of key value pairs is 128. ${pairs.length} pairs were provided.`);
        for (const [key, value] of pairs) {
          checkKey(key);
          const bytes = serialize(value);
          if (bytes.length > 131072 + 34) throw new RangeError(`Values cannot be larger than 131072 bytes. A value of size ${bytes.length} was provided.`);
          staged.set(key, bytes);
        }
        calls.push({ method: "put", count: pairs.length });
      },
      async delete(keys) {
        if (keys.length > 128) throw new RangeError(`Maximum number of key value pairs is 128. ${keys.length} pairs were provided.`);
        keys.forEach(checkKey);
        calls.push({ method: "delete", count: keys.length });
        return keys.filter((key) => staged.delete(key)).length;
      },
    });
    this.data = staged; // only a transaction that completed is applied
    return result;
  }
}

function checkKey(key: string): void {
  if (Buffer.byteLength(key) > 2048) throw new RangeError("Keys cannot be larger than 2048 bytes.");
}

describeCheckpointStore("KeyValueCheckpointStore on durableObjectStorage (production limits)", async () => ({
  store: new KeyValueCheckpointStore(durableObjectStorage(new LimitedDurableObjectStorage())),
  cleanup: async () => {},
}));

describe("durableObjectStorage", () => {
  it("keeps a checkpoint of more than 128 chunks within 128 keys per put and per delete", async () => {
    const storage = new LimitedDurableObjectStorage();
    const store = new KeyValueCheckpointStore(durableObjectStorage(storage));
    const big = new Uint8Array(129 * 131072 + 1); // 130 chunks
    for (let i = 0; i < big.length; i++) big[i] = (i * 7) & 0xff;
    await store.put("big", big);
    const back = await store.get("big");
    expect(back?.length).toBe(big.length);
    expect(Buffer.compare(back!, big)).toBe(0);
    await store.put("big", new Uint8Array(10)); // the old generation's 130 chunks go
    expect(storage.calls.filter((c) => c.method === "put" && c.count > 1).map((c) => c.count)).toEqual([128, 2]);
    expect(storage.calls.filter((c) => c.method === "delete" && c.count > 1).map((c) => c.count)).toEqual([128, 2]);
    expect([...storage.data.keys()].filter((key) => key.includes("/c/"))).toHaveLength(1);
  });

  it("lists past one page of keys", async () => {
    const storage = new LimitedDurableObjectStorage();
    for (let i = 0; i < 2500; i++) storage.data.set(`p/m/n${i}`, serialize(new Uint8Array(1)));
    storage.data.set("q/m/other", serialize(new Uint8Array(1)));
    expect((await durableObjectStorage(storage).list("p/m/")).length).toBe(2500);
  });

  it("gives one adapter per storage, and refuses what is not a Uint8Array or not a storage", async () => {
    const storage = new LimitedDurableObjectStorage();
    expect(durableObjectStorage(storage)).toBe(durableObjectStorage(storage));
    storage.data.set("rivulet/m/x", serialize({ not: "bytes" }));
    await expect(new KeyValueCheckpointStore(durableObjectStorage(storage)).get("x")).rejects.toMatchObject({ code: "CHECKPOINT_CORRUPT" });
    expect(() => durableObjectStorage({} as DurableObjectStorageLike)).toThrow(RivuletError);
    expect(() => denoKv({} as Parameters<typeof denoKv>[0])).toThrow(RivuletError);
  });
});
