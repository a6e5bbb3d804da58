// A shuffle's output, once computed, holds its records and nothing of its input: a stream keeps
// such batches for a whole window (or as state) and must not keep every input batch with them.
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { expect, it } from "vitest";
import { Batch } from "../../src/core/batch.ts";
import type { Pair } from "../../src/core/executor.ts";
import { sum } from "../../src/core/reducers.ts";
import { LocalExecutor } from "../../src/engine/local-executor.ts";

setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;
const executor = new LocalExecutor(2);

/** A full collection after the current job (WeakRef targets live until it ends). */
async function collected(ref: WeakRef<object>): Promise<boolean> {
  await new Promise((resolve) => setTimeout(resolve, 0));
  gc();
  return ref.deref() === undefined;
}

/** An input batch of fresh pairs, a weak reference to one of them, and `shuffle` of it computed. */
async function shuffled<U>(shuffle: (input: Batch<Pair<string, number>>) => Batch<U>): Promise<{ out: Batch<U>; record: WeakRef<object> }> {
  const records: Pair<string, number>[] = Array.from({ length: 1000 }, (_, i) => [`k${i % 10}`, i]);
  const record = new WeakRef(records[0]!);
  const out = shuffle(Batch.fromRecords(records, 2, executor));
  await out.count();
  return { out, record };
}

it("a computed reduceByKey, groupByKey or combineByKey lets its input's records go", async () => {
  const shuffles: ((input: Batch<Pair<string, number>>) => Batch<unknown>)[] = [
    (b) => b.reduceByKey(sum, 3),
    (b) => b.groupByKey(2),
    (b) => b.combineByKey((v) => [v], (c, v) => [...c, v], (a, b) => a.concat(b), 2),
  ];
  for (const shuffle of shuffles) {
    const { out, record } = await shuffled(shuffle);
    expect(await collected(record)).toBe(true);
    expect(await out.count()).toBe(10); // the output itself is still whole
  }
});

it("before it is computed, the shuffle still reaches its input (it needs it)", async () => {
  const records: Pair<string, number>[] = [["a", 1], ["b", 2], ["a", 3]];
  const record = new WeakRef(records[0]!);
  const out = Batch.fromRecords(records, 2, executor).reduceByKey(sum, 2);
  records.length = 0;
  expect(await collected(record)).toBe(false);
  expect((await out.collect()).sort()).toEqual([["a", 4], ["b", 2]]);
});
