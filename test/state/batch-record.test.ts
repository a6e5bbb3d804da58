import { describe, expect, it } from "vitest";
import { batchRecordName, deleteBatchRecords, readBatchRecords, writeBatchRecord } from "../../src/state/batch-record.ts";
import { checkpointName, writeCheckpoint } from "../../src/state/checkpoint.ts";
import { MemoryCheckpointStore } from "../../src/state/memory-store.ts";

describe("batch records", () => {
  it("are named by batch time, zero-padded like checkpoints, so name order is time order", () => {
    expect(batchRecordName(0)).toBe("batch-0000000000000000");
    expect(batchRecordName(4000)).toBe("batch-0000000000004000");
    for (const t of [-1, 1.5, NaN, 2 ** 53]) expect(() => batchRecordName(t)).toThrow(expect.objectContaining({ code: "INVALID_ARGUMENT" }));
  });

  it("read back the records after a time, oldest first, beside checkpoints and other entries", async () => {
    const store = new MemoryCheckpointStore();
    await writeCheckpoint(3000, { state: 1 }, store);
    await store.put("wal-0-000000000001", new Uint8Array([1]));
    for (const t of [5000, 2000, 4000]) await writeBatchRecord(t, { at: t }, store);
    expect(await readBatchRecords(3000, store)).toEqual({
      records: [
        { time: 4000, value: { at: 4000 } },
        { time: 5000, value: { at: 5000 } },
      ],
      skipped: [],
    });
    expect((await store.list()).sort()).toContain(checkpointName(3000));
  });

  it("skip a torn, damaged or foreign record and say why; the others are read", async () => {
    const store = new MemoryCheckpointStore();
    for (const t of [1000, 2000, 3000, 4000]) await writeBatchRecord(t, { at: t }, store);
    const whole = (await store.get(batchRecordName(1000)))!;
    await store.put(batchRecordName(1000), whole.subarray(0, whole.length - 1));
    await store.put(batchRecordName(2000), whole.map((b, i) => (i === whole.length - 1 ? b ^ 0x10 : b)));
    await store.put(batchRecordName(3000), new TextEncoder().encode("a file that is not a batch record"));
    const read = await readBatchRecords(0, store);
    expect(read.records).toEqual([{ time: 4000, value: { at: 4000 } }]);
    expect(read.skipped.map((s) => s.name)).toEqual([1000, 2000, 3000].map(batchRecordName));
    expect(read.skipped[0]!.reason).toMatch(/truncated/);
    expect(read.skipped[1]!.reason).toMatch(/checksum/);
    expect(read.skipped[2]!.reason).toMatch(/Not a Rivulet checkpoint/);
  });

  it("reject when the store fails to read, rather than fall back silently", async () => {
    const store = new MemoryCheckpointStore({ faults: (op) => (op === "get" ? new Error("disk gone") : undefined) });
    await writeBatchRecord(1000, { at: 1000 }, store);
    await expect(readBatchRecords(0, store)).rejects.toMatchObject({ code: "CHECKPOINT_FAILED" });
  });

  it("are deleted up to a time, or all; the answer says whether later ones remain", async () => {
    const store = new MemoryCheckpointStore();
    for (const t of [1000, 2000, 3000]) await writeBatchRecord(t, { at: t }, store);
    await writeCheckpoint(2000, {}, store);
    expect(await deleteBatchRecords(store, 2000)).toBe(true);
    expect((await store.list()).sort()).toEqual([batchRecordName(3000), checkpointName(2000)]);
    expect(await deleteBatchRecords(store)).toBe(false);
    expect(await store.list()).toEqual([checkpointName(2000)]);
  });
});
