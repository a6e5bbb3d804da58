import { describe, expect, it, vi } from "vitest";
import { Seconds } from "../../src/core/duration.ts";
import type { Partitions } from "../../src/core/executor.ts";
import type { DStreamGraph } from "../../src/dstream/graph.ts";
import { asCheckpointContent, Checkpointer } from "../../src/scheduler/checkpointer.ts";
import { ListenerBus } from "../../src/scheduler/listener.ts";
import { batchRecordName, readBatchRecords } from "../../src/state/batch-record.ts";
import { readLatestCheckpoint } from "../../src/state/checkpoint.ts";
import { MemoryCheckpointStore } from "../../src/state/memory-store.ts";
import type { InputSource } from "../../src/dstream/input.ts";

/** A graph remembering one batch per second for the last `window` seconds, checkpointed every batch. */
function rememberingGraph(window: number): DStreamGraph {
  const batches = new Map<number, Partitions<unknown>>();
  const batchAt = (t: number): Partitions<unknown> => {
    let b = batches.get(t);
    if (!b) batches.set(t, (b = [[[`k${t}`, t]], [["x", t / 1000]]]));
    return b;
  };
  const graph = {
    batchInterval: Seconds(1),
    startTime: 0,
    checkpointDue: () => true,
    positionsAt: () => new Map<number, unknown>(),
    fingerprint: () => "graph",
    checkpointData: async (time: number) => {
      const kept: [number, Partitions<unknown>][] = [];
      for (let t = Math.max(1000, time - (window - 1) * 1000); t <= time; t += 1000) kept.push([t, batchAt(t)]);
      return [[7, kept]] as [number, [number, Partitions<unknown>][]][];
    },
  };
  return graph as unknown as DStreamGraph;
}

describe("Checkpointer", () => {
  it("encodes each remembered batch for the first checkpoint holding it only, and writes all of them every time", async () => {
    const store = new MemoryCheckpointStore();
    const errors: unknown[] = [];
    const checkpointer = new Checkpointer(rememberingGraph(3), store, [], new ListenerBus(), (e) => errors.push(e));
    for (let t = 1000; t <= 5000; t += 1000) await checkpointer.afterBatch(t, []);
    expect(errors).toEqual([]);
    // Batches 1..5 s, each made once; checkpoints hold 1, 2, 3, 3, 3 batches.
    expect([checkpointer.encodings.made, checkpointer.encodings.reused]).toEqual([5, 12 - 5]);
    const latest = asCheckpointContent((await readLatestCheckpoint(store))!.value);
    expect(latest.checkpointTime).toBe(5000);
    expect(latest.streams).toEqual([
      [
        7,
        [3000, 4000, 5000].map((t) => [t, [[[`k${t}`, t]], [["x", t / 1000]]]]),
      ],
    ]);
  });
});

describe("Checkpointer between checkpoints", () => {
  /** A graph checkpointed every third batch, whose one input stood at the batch time / 100. */
  const graph = {
    batchInterval: Seconds(1),
    startTime: 0,
    checkpointDue: (time: number) => time % 3000 === 0,
    positionsAt: (time: number) => new Map<number, unknown>([[2, time / 100]]),
    fingerprint: () => "graph",
    checkpointData: async () => [],
  } as unknown as DStreamGraph;
  const replayable: InputSource<unknown> = { name: "textStream", take: () => ({ records: [] }), takeUntil: () => ({ records: [] }) };

  it("records where the inputs that can take a batch again stood, and a checkpoint deletes those records", async () => {
    const store = new MemoryCheckpointStore();
    const plain: InputSource<unknown> = { name: "queueStream", take: () => ({ records: [] }) };
    const sources = [{ streamId: 2, source: replayable }, { streamId: 5, source: plain }];
    const checkpointer = new Checkpointer(graph, store, sources, new ListenerBus(), (e) => expect.unreachable(String(e)));
    for (const t of [1000, 2000]) await checkpointer.afterBatch(t, []);
    expect((await readBatchRecords(0, store)).records).toEqual([1000, 2000].map((t) => ({ time: t, value: { contentVersion: 1, fingerprint: "graph", zeroTime: 0, batchTime: t, sources: [[2, t / 100]] } })));
    await checkpointer.afterBatch(3000, []);
    await checkpointer.afterBatch(4000, []);
    expect((await store.list()).filter((n) => n.startsWith("batch-"))).toEqual([batchRecordName(4000)]);
  });

  it("writes no checkpoint past a batch whose job failed, only records, so a restart runs it again", async () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => undefined);
    const store = new MemoryCheckpointStore();
    const checkpointer = new Checkpointer(graph, store, [{ streamId: 2, source: replayable }], new ListenerBus(), (e) => expect.unreachable(String(e)));
    await checkpointer.afterBatch(1000, []);
    await checkpointer.afterBatch(2000, [], true);
    for (const t of [3000, 4000, 5000, 6000]) await checkpointer.afterBatch(t, []);
    expect(await readLatestCheckpoint(store)).toBeUndefined();
    expect((await readBatchRecords(0, store)).records.map((r) => r.time)).toEqual([1000, 2000, 3000, 4000, 5000, 6000]);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn).toHaveBeenCalledWith(expect.stringMatching(/batch 2000 failed/));
    warn.mockRestore();
  });

  it("a run that has written no checkpoint yet writes one of its start when a job fails, for a restart to go back to", async () => {
    vi.spyOn(console, "warn").mockImplementation(() => undefined);
    const store = new MemoryCheckpointStore();
    const fresh = true;
    const checkpointer = new Checkpointer(graph, store, [{ streamId: 2, source: replayable }], new ListenerBus(), (e) => expect.unreachable(String(e)), fresh);
    await checkpointer.afterBatch(1000, []);
    await checkpointer.afterBatch(2000, [], true);
    await checkpointer.afterBatch(3000, []);
    const latest = await readLatestCheckpoint(store);
    expect(latest?.time).toBe(0);
    expect(latest?.value).toMatchObject({ checkpointTime: 0, streams: [] });
    expect((await readBatchRecords(0, store)).records.map((r) => r.time)).toEqual([1000, 2000, 3000]);
    vi.mocked(console.warn).mockRestore();
  });

  it("warns when a record cannot be written, and the job goes on", async () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => undefined);
    const store = new MemoryCheckpointStore({ faults: (op, name) => (op === "put" && name?.startsWith("batch-") ? new Error("disk full") : undefined) });
    const errors: unknown[] = [];
    const checkpointer = new Checkpointer(graph, store, [{ streamId: 2, source: replayable }], new ListenerBus(), (e) => errors.push(e));
    await checkpointer.afterBatch(1000, []);
    await checkpointer.afterBatch(3000, []);
    expect(errors).toEqual([]);
    expect(warn).toHaveBeenCalledWith(expect.stringMatching(/after batch 1000 could not be recorded \(.*disk full\)/));
    expect((await readLatestCheckpoint(store))?.time).toBe(3000);
    warn.mockRestore();
  });
});
