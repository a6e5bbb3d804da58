// Recovery is transparent: for random input, a random checkpoint interval and a crash after a
// random batch, the context getOrCreate rebuilds from the store emits, for every batch after its
// checkpoint, exactly what one uninterrupted run emits. Every stateful operator family at once:
// updateStateByKey, mapWithState with a timeout and its snapshots, reduceByKeyAndWindow with an
// inverse, countByValueAndWindow, and a plain window. And a receiver with the write-ahead log:
// whatever its store() accepted before a crash is counted exactly once. And a replayable byte
// source: every line is applied once, wherever chunks cut lines and characters.
import fc from "fast-check";
import { afterEach, expect, it } from "vitest";
import { type CheckpointStore, type DStream, ManualClock, type ReplayableByteSource, MemoryCheckpointStore, Receiver, Seconds, StateSpec, StreamingContext, sum } from "../src/index.ts";
import { growingSource } from "./support/growing-source.ts";
import { sorted } from "./support/spark-suite.ts";
import { count } from "./support/word-count-state.ts";

afterEach(async () => {
  await StreamingContext.getActive()?.stop();
});

type Outputs = Map<string, unknown[]>;

interface Run {
  readonly ssc: StreamingContext;
  readonly clock: ManualClock;
  readonly outputs: Outputs;
  readonly recoveredAt: number | undefined;
}

/** The job, built by getOrCreate's factory: every output records `[time, sorted records]`. */
async function build(store: CheckpointStore, input: readonly [string, number][][], every: number, clockStart: number): Promise<Run> {
  const clock = new ManualClock(clockStart);
  const outputs: Outputs = new Map();
  let recoveredAt: number | undefined;
  const ssc = await StreamingContext.getOrCreate(store, (recovery) => {
    recoveredAt = recovery?.checkpointTime;
    const ctx = new StreamingContext({ batchInterval: Seconds(1), clock, parallelism: 2 });
    const pairs = ctx.queueStream(input.map((b) => b.slice()));
    const record = (name: string) => async (batch: { collect(): Promise<unknown[]> }, time: number) => {
      let list = outputs.get(name);
      if (!list) outputs.set(name, (list = []));
      list.push([time, sorted(await batch.collect())]);
    };
    const totals = pairs.updateStateByKey<string, number, number>((values, state) => {
      const next = (state ?? 0) + values.reduce((a, b) => a + b, 0);
      return next > 20 ? undefined : next; // a key leaves the state past 20, and may come back
    });
    totals.checkpoint(Seconds(every));
    totals.foreachRDD(record("updateStateByKey"));
    const seen = pairs.mapWithState(
      StateSpec.function<string, number, number, string>((key, value, state) => {
        if (state.isTimingOut()) return `${key} timed out at ${state.get()}`;
        const n = (state.getOption() ?? 0) + 1;
        state.update(n);
        return `${key}#${n}:${value}`;
      }).timeout(Seconds(2)),
    );
    seen.foreachRDD(record("mapWithState"));
    seen.stateSnapshots().foreachRDD(record("stateSnapshots"));
    pairs
      .reduceByKeyAndWindow(sum, Seconds(3), Seconds(1), { invFn: (a, b) => a - b, filterFn: ([, v]) => v !== 0 })
      .foreachRDD(record("reduceByKeyAndWindow"));
    pairs
      .map(([k]) => k)
      .countByValueAndWindow(Seconds(2), Seconds(2))
      .foreachRDD(record("countByValueAndWindow"));
    pairs.window(Seconds(2)).reduceByKey(sum).foreachRDD(record("window"));
    return ctx;
  });
  return { ssc, clock, outputs, recoveredAt };
}

const batches = fc.array(fc.array(fc.tuple(fc.constantFrom("a", "b", "c", "__proto__"), fc.integer({ min: -3, max: 5 })), { maxLength: 6 }), {
  minLength: 4,
  maxLength: 9,
});

it("a job recovered after a crash emits what an uninterrupted run emits, from its checkpoint on", async () => {
  await fc.assert(
    fc.asyncProperty(batches, fc.integer({ min: 1, max: 3 }), fc.nat(), async (input, every, crashSeed) => {
      const total = input.length + 2; // two empty batches after the input: windows drain, states time out
      // At or after the first checkpoint (without one, the second run is a new job).
      const crashAfter = every + (crashSeed % (total - every));

      const straight = await build(new MemoryCheckpointStore(), input, every, 0);
      straight.ssc.start();
      await straight.clock.advance(total * 1000);
      await straight.ssc.stop();

      const store = new MemoryCheckpointStore();
      const first = await build(store, input, every, 0);
      first.ssc.start();
      await first.clock.advance(crashAfter * 1000);
      await first.ssc.stop(); // the realm's one active slot is freed; what the store holds is what a crash leaves
      const second = await build(store, input, every, crashAfter * 1000);
      second.ssc.start();
      await second.clock.advance((total - crashAfter) * 1000);
      await second.ssc.stop();

      expect(second.recoveredAt).toBeDefined();
      const from = second.recoveredAt!;
      // The checkpoints are `every` seconds apart, so the recovered run starts at most that far back.
      expect(crashAfter * 1000 - from).toBeLessThan(every * 1000 + 1000);
      for (const [name, expected] of straight.outputs) {
        const after = (list: unknown[] | undefined) => (list ?? []).filter((entry) => (entry as [number])[0] > from);
        expect(after(second.outputs.get(name)), name).toEqual(after(expected));
      }
    }),
    { numRuns: 40 },
  );
});

/**
 * A running count of the words `words` makes (checkpointed every `every` seconds), its state
 * after each batch in `states`.
 */
async function wordCounting(
  store: CheckpointStore,
  every: number,
  clockStart: number,
  words: (ssc: StreamingContext) => DStream<string>,
  writeAheadLog = false,
) {
  const clock = new ManualClock(clockStart);
  const states = new Map<number, [string, number][]>();
  const ssc = await StreamingContext.getOrCreate(store, () => {
    const ctx = new StreamingContext({ batchInterval: Seconds(1), clock, parallelism: 2 });
    ctx.checkpoint(store, { writeAheadLog });
    const counts = words(ctx)
      .map((w) => [w, 1] as const)
      .updateStateByKey<string, 1, number>((ones, state) => (state ?? 0) + ones.length);
    counts.checkpoint(Seconds(every));
    counts.foreachRDD(async (b, t) => void states.set(t, sorted(await b.collect())));
    return ctx;
  });
  return { ssc, clock, states };
}

/** A receiver the test pushes into; the latest started one is `current`. */
class Pushed extends Receiver<string> {
  static current: Pushed | undefined;
  onStart(): void {
    Pushed.current = this;
  }
  onStop(): void {}
}

/** Either records the receiver stores, or a batch interval passing. */
const steps = fc.array(fc.oneof(fc.array(fc.constantFrom("a", "b", "__proto__"), { minLength: 1, maxLength: 4 }), fc.constant("tick" as const)), {
  minLength: 1,
  maxLength: 12,
});

it("a receiver's records accepted before a crash are counted exactly once after it, whatever the crash point", async () => {
  await fc.assert(
    fc.asyncProperty(steps, fc.integer({ min: 1, max: 3 }), fc.nat(), async (events, every, crashSeed) => {
      const crashAt = crashSeed % (events.length + 1); // events before the crash
      const store = new MemoryCheckpointStore();
      const counting = (clockStart: number) => wordCounting(store, every, clockStart, (ctx) => ctx.receiverStream(new Pushed()), true);
      let run = await counting(0);
      run.ssc.start();
      await run.clock.advance(0);
      let time = 0;
      const stored: string[] = [];
      for (let i = 0; i <= events.length; i++) {
        if (i === crashAt) {
          await run.ssc.stop(); // a crash: nothing more is processed or checkpointed
          run = await counting(time);
          run.ssc.start();
          await run.clock.advance(0);
        }
        const event = events[i];
        if (event === undefined) break;
        if (event === "tick") {
          await run.clock.advance(1000);
          time += 1000;
        } else {
          await Pushed.current!.store(event);
          stored.push(...event);
        }
      }
      await run.clock.advance(1000);
      await run.ssc.stop();
      const expected = new Map<string, number>();
      for (const w of stored) expected.set(w, (expected.get(w) ?? 0) + 1);
      expect(run.states.get(time + 1000)).toEqual(sorted([...expected]));
    }),
    { numRuns: 40 },
  );
});

const textLines = fc.array(fc.array(fc.constantFrom("a", "é", "東京", "😀", "__proto__"), { maxLength: 4 }).map((ws) => ws.join(" ")), {
  minLength: 1,
  maxLength: 10,
});

it("a replayable byte source applies every line once across a crash, wherever chunks cut lines and characters", async () => {
  await fc.assert(
    fc.asyncProperty(
      textLines,
      fc.integer({ min: 1, max: 7 }),
      fc.array(fc.integer({ min: 0, max: 12 }), { minLength: 1, maxLength: 5 }),
      fc.integer({ min: 1, max: 3 }),
      async (lines, chunk, arrivals, every) => {
        const text = lines.map((l) => `${l}\n`).join("");
        const bytes = new TextEncoder().encode(text);
        const store = new MemoryCheckpointStore();
        const limit = { upTo: 0 };
        const words = (source: ReplayableByteSource) => (ctx: StreamingContext) => ctx.textStream(source).flatMap((l) => l.split(" ").filter((w) => w.length > 0));
        const first = await wordCounting(store, every, 0, words(growingSource(bytes, chunk, [], limit)));
        first.ssc.start();
        for (const n of arrivals) {
          limit.upTo += n; // more bytes have arrived by this batch
          await first.clock.advance(1000);
        }
        await first.ssc.stop(); // a crash after the batches of `arrivals`

        const crashedAt = arrivals.length * 1000;
        const rest = { upTo: Infinity };
        const second = await wordCounting(store, every, crashedAt, words(growingSource(bytes, chunk, [], rest)));
        second.ssc.start();
        await second.clock.advance(1000);
        await second.ssc.stop();
        expect(second.states.get(crashedAt + 1000)).toEqual(count(text.split(/\s+/).filter(Boolean)));
      },
    ),
    { numRuns: 40 },
  );
});
