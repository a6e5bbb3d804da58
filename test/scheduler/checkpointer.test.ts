import { describe, expect, it } from "vitest";
import { Seconds } from "../../src/core/duration.ts";
import type { Partitions } from "../../src/core/executor.ts";
import type { DStreamGraph } from "../../src/dstream/graph.ts";
import { asCheckpointContent, Checkpointer } from "../../src/scheduler/checkpointer.ts";
import { ListenerBus } from "../../src/scheduler/listener.ts";
import { readLatestCheckpoint } from "../../src/state/checkpoint.ts";
import { MemoryCheckpointStore } from "../../src/state/memory-store.ts";

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
