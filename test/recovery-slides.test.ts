// Recovery of streams read less often than they slide: a job recovered from a checkpoint must emit
// what one uninterrupted run emits (every batch time once, or again with the same content). A
// checkpoint after a batch that a wider-sliding reader has not read yet must hold that batch of the
// streams it reads, because the inputs' positions it saves are past it.
import { afterEach, expect, it } from "vitest";
import { type CheckpointStore, type DStream, ManualClock, MemoryCheckpointStore, Seconds, StateSpec, StreamingContext, sum } from "../src/index.ts";
import { sorted } from "./support/spark-suite.ts";

afterEach(async () => {
  await StreamingContext.getActive()?.stop();
});

/** Per output name, per batch time, the batch's sorted records. */
type Outputs = Map<string, Map<number, unknown[]>>;
type Record = (name: string, stream: DStream<unknown>) => void;
type Job = (pairs: DStream<[string, number]>, record: Record) => void;

const INPUT: [string, number][][] = [
  [["a", 1], ["b", 2]],
  [["a", 3]],
  [["c", 1], ["a", 1]],
  [],
  [["b", 5], ["b", -5]],
  [["a", 2], ["c", 4]],
  [["d", 1]],
  [],
  [["a", 1], ["d", 2], ["b", 1]],
  [["c", 2]],
];
/** Three empty batches after the input: windows drain. */
const TOTAL = INPUT.length + 3;

/** The job over a replayable queue, built by getOrCreate's factory; every output recorded. */
async function build(store: CheckpointStore, clockStart: number, job: Job) {
  const clock = new ManualClock(clockStart);
  const outputs: Outputs = new Map();
  let recoveredAt: number | undefined;
  const ssc = await StreamingContext.getOrCreate(store, (recovery) => {
    recoveredAt = recovery?.checkpointTime;
    const ctx = new StreamingContext({ batchInterval: Seconds(1), clock, parallelism: 2 });
    job(ctx.queueStream(INPUT.map((b) => b.slice())), (name, stream) => {
      const m = new Map<number, unknown[]>();
      outputs.set(name, m);
      stream.foreachRDD(async (b, t) => void m.set(t, sorted(await b.collect())));
    });
    return ctx;
  });
  return { ssc, clock, outputs, recoveredAt: () => recoveredAt };
}

async function uninterrupted(job: Job): Promise<Outputs> {
  const r = await build(new MemoryCheckpointStore(), 0, job);
  r.ssc.start();
  await r.clock.advance(TOTAL * 1000);
  await r.ssc.stop();
  return r.outputs;
}

/**
 * Runs `k` batches, stops (all the store holds is what a crash after batch k leaves), resumes with
 * getOrCreate on the same store and runs to the end. Returns the outputs of both runs merged by
 * batch time, and every batch time emitted twice with different content.
 */
async function interrupted(job: Job, k: number, graceful = false) {
  const store = new MemoryCheckpointStore();
  const first = await build(store, 0, job);
  first.ssc.start();
  await first.clock.advance(k * 1000);
  await first.ssc.stop({ graceful });
  const second = await build(store, k * 1000, job);
  second.ssc.start();
  await second.clock.advance((TOTAL - k) * 1000);
  await second.ssc.stop();
  const merged: Outputs = new Map();
  const changed: string[] = [];
  for (const [name, m] of first.outputs) {
    const out = new Map(m);
    for (const [t, records] of second.outputs.get(name) ?? []) {
      if (out.has(t) && JSON.stringify(out.get(t)) !== JSON.stringify(records)) changed.push(`${name}@${t}`);
      out.set(t, records);
    }
    merged.set(name, out);
  }
  return { merged, changed, recoveredAt: second.recoveredAt() };
}

const plain = (o: Outputs) => Object.fromEntries([...o].map(([name, m]) => [name, Object.fromEntries([...m].sort((a, b) => a[0] - b[0]))]));

/** For each k, recovery after k batches must give the uninterrupted run's outputs. */
async function expectTransparent(job: Job, ks: number[], graceful = false) {
  const reference = await uninterrupted(job);
  for (const k of ks) {
    const r = await interrupted(job, k, graceful);
    expect(r.recoveredAt, `a checkpoint exists after ${k} batches`).toBeDefined();
    expect(plain(r.merged), `stopped after batch ${k * 1000}${graceful ? " (graceful)" : ""}, recovered from ${r.recoveredAt}`).toEqual(plain(reference));
    expect(r.changed, `batch times emitted again with other content after stopping at ${k * 1000}`).toEqual([]);
  }
}

/** A stream checkpointed every batch, so that the graph writes a checkpoint after every batch. */
function checkpointEveryBatch(pairs: DStream<[string, number]>): void {
  pairs
    .updateStateByKey<string, number, number>((vs, s) => (s ?? 0) + vs.length)
    .checkpoint(Seconds(1))
    .foreachRDD(() => undefined);
}

const running = (vs: number[], s: number | undefined) => (s ?? 0) + vs.reduce((a, b) => a + b, 0);


it("a state read every other slide (window(1 s, 2 s)) survives a restart after an odd batch", async () => {
  // The state is checkpointed every batch; after an odd batch nothing has read it for that batch
  // yet, while the queue's checkpointed position is past it.
  await expectTransparent(
    (pairs, record) => {
      const state = pairs.updateStateByKey<string, number, number>(running).checkpoint(Seconds(1));
      record("state every other slide", state.window(Seconds(1), Seconds(2)) as DStream<unknown>);
    },
    [1, 3, 7, 9],
  );
});

it("mapWithState's snapshots read every other slide survive a restart after an odd batch", async () => {
  await expectTransparent(
    (pairs, record) => {
      const mapped = pairs.mapWithState(
        StateSpec.function<string, number, number, string>((key, value, state) => {
          const n = (state.getOption() ?? 0) + (value ?? 0);
          state.update(n);
          return `${key}:${n}`;
        }),
      );
      record("snapshots every other slide", mapped.stateSnapshots().window(Seconds(1), Seconds(2)) as DStream<unknown>);
      checkpointEveryBatch(pairs);
    },
    [1, 3, 7, 9],
  );
});

it("a graceful stop after an even batch (its last batch and checkpoint at an odd time) loses nothing of a state read every other slide", async () => {
  await expectTransparent(
    (pairs, record) => {
      const state = pairs.updateStateByKey<string, number, number>(running).checkpoint(Seconds(1));
      record("state every other slide", state.window(Seconds(1), Seconds(2)) as DStream<unknown>);
    },
    [2, 6],
    true,
  );
});

it("reduceByKeyAndWindow with invFn, window 3 batches and slide 2, survives a restart after an odd batch (with and without filterFn)", async () => {
  await expectTransparent(
    (pairs, record) => {
      record("invFn", pairs.reduceByKeyAndWindow(sum, Seconds(3), Seconds(2), { invFn: (a, b) => a - b }) as DStream<unknown>);
      record(
        "invFn and filterFn",
        pairs.reduceByKeyAndWindow(sum, Seconds(3), Seconds(2), { invFn: (a, b) => a - b, filterFn: ([, v]) => v !== 0 }) as DStream<unknown>,
      );
      checkpointEveryBatch(pairs);
    },
    [1, 3, 7, 9],
  );
});

it("countByValueAndWindow(2 s, 2 s) survives a restart after an odd batch", async () => {
  await expectTransparent(
    (pairs, record) => {
      record("countByValueAndWindow", pairs.map(([k]) => k).countByValueAndWindow(Seconds(2), Seconds(2)) as DStream<unknown>);
      checkpointEveryBatch(pairs);
    },
    [1, 3, 5, 7, 9],
  );
});

it("a plain reduceByKeyAndWindow (no invFn), window 3 batches and slide 2, survives a restart after an odd batch", async () => {
  await expectTransparent(
    (pairs, record) => {
      record("reduceByKeyAndWindow", pairs.reduceByKeyAndWindow(sum, Seconds(3), Seconds(2)) as DStream<unknown>);
      checkpointEveryBatch(pairs);
    },
    [1, 3, 5, 7, 9],
  );
});

it("an incremental window read every other slide survives a restart after an odd batch", async () => {
  await expectTransparent(
    (pairs, record) => {
      record("window every other slide", pairs.reduceByKeyAndWindow(sum, Seconds(3), Seconds(1), { invFn: (a, b) => a - b }).window(Seconds(1), Seconds(2)) as DStream<unknown>);
      checkpointEveryBatch(pairs);
    },
    [1, 3, 7, 9],
  );
});

