// The driver in a dedicated Web Worker, as DESIGN promises: a stateful job checkpointed to
// IndexedDB from the worker and recovered there, with its partitions in-thread or in two module
// workers the worker starts itself.
import { expect, it } from "vitest";

interface Reply {
  readonly inWorker?: boolean;
  readonly states?: [number, [string, number][]][];
  readonly error?: string;
  readonly large?: { slices: number[]; exact: boolean };
}

function runInWorker(nested: boolean): Promise<Reply> {
  const worker = new Worker(new URL("../fixtures/runtime/driver-worker.ts?worker_file&type=module", import.meta.url), { type: "module" });
  return new Promise<Reply>((resolve, reject) => {
    worker.onmessage = (e: MessageEvent<Reply>) => resolve(e.data);
    worker.onerror = (e) => reject(new Error(e.message));
    worker.postMessage({ db: `driver-worker-${nested}-${Math.random()}`, nested });
  }).finally(() => worker.terminate());
}

const expected: [number, [string, number][]][] = [
  [1000, [["a", 2], ["b", 1], ["c", 1]]],
  [2000, [["a", 2], ["b", 3], ["c", 1]]],
  [3000, [["a", 3], ["b", 3], ["c", 1], ["d", 3]]],
  [4000, [["a", 3], ["b", 3], ["c", 2], ["d", 3]]],
];

it("runs a context in a dedicated worker, checkpointing to IndexedDB and recovering there", async () => {
  const reply = await runInWorker(false);
  expect(reply.error).toBeUndefined();
  expect(reply.inWorker).toBe(true);
  expect(reply.states).toEqual(expected);
});

it("runs the partitions of a worker's context in two module workers of its own", async () => {
  const reply = await runInWorker(true);
  expect(reply.error).toBeUndefined();
  expect(reply.states).toEqual(expected);
  // A batch large enough to be shuffled in the workers was, in two slices, with the plain counts.
  expect(reply.large).toEqual({ slices: [2], exact: true });
});
