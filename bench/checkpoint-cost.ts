// The cost of one checkpoint holding 100k keys of state, written through the same function the
// checkpointer uses, to any store: encode, frame, atomic put, clean-up of older ones.

import type { CheckpointStore } from "../src/index.ts";
import { writeCheckpoint } from "../src/state/checkpoint.ts";

/** A checkpoint's content with `keys` keys of [word, count] state in two partitions. */
export function stateContent(keys: number): unknown {
  const partitions: [string, number][][] = [[], []];
  for (let i = 0; i < keys; i++) partitions[i & 1]!.push([`word${i}`, (i * 7919) % 1000]);
  return {
    contentVersion: 1,
    fingerprint: "bench",
    batchIntervalMs: 1000,
    zeroTime: 0,
    checkpointTime: 1000,
    pendingTimes: [],
    sources: [[0, 1]],
    streams: [[3, [[1000, partitions]]]],
  };
}

/** Median milliseconds of `rounds` checkpoint writes of `keys` keys to `store`. */
export async function checkpointMs(store: CheckpointStore, keys = 100_000, rounds = 7): Promise<number> {
  const content = stateContent(keys);
  const times: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const t0 = performance.now();
    await writeCheckpoint(1000 * (r + 1), content, store);
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}
