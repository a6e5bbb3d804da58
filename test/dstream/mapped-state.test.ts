import { describe, expect, it } from "vitest";
import { type DStream, ManualClock, MemoryCheckpointStore, type Partitioner, RivuletError, Seconds, State, StateSpec, StreamingContext } from "../../src/index.ts";
import { runOperation, sorted, testKernels } from "../support/spark-suite.ts";

// Spark's MapWithStateSuite, "basic operations with simple API".
const input = [[], ["a"], ["a", "b"], ["a", "b", "c"], ["a", "b"], ["a"], []];

async function run<U, S>(
  batches: string[][],
  spec: StateSpec<string, number, S, U>,
): Promise<{ mapped: U[][]; states: [string, S][][] }> {
  const clock = new ManualClock();
  const ssc = new StreamingContext({ batchInterval: Seconds(1), clock, parallelism: 2, kernels: testKernels() });
  ssc.checkpoint(new MemoryCheckpointStore());
  const mapped: U[][] = [];
  const states: [string, S][][] = [];
  const stream = ssc
    .queueStream(batches.map((b) => b.slice()))
    .map((w) => [w, 1] as const)
    .mapWithState(spec as unknown as StateSpec<string, 1, S, U>);
  stream.foreachRDD(async (b) => void mapped.push(await b.collect()));
  stream.stateSnapshots().foreachRDD(async (b) => void states.push(sorted(await b.collect())));
  ssc.start();
  await clock.advance(batches.length * 1000);
  await ssc.stop();
  return { mapped, states };
}

describe("mapWithState", () => {
  it("maps every value with the key's running state, and snapshots the state", async () => {
    const spec = StateSpec.function((_key: string, value: number | undefined, state: State<number>) => {
      const sum = (value ?? 0) + (state.getOption() ?? 0);
      state.update(sum);
      return sum;
    });
    const { mapped, states } = await run(input, spec);
    expect(mapped.map((b) => b.sort().reverse())).toEqual([[], [1], [2, 1], [3, 2, 1], [4, 3], [5], []]);
    expect(states).toEqual([
      [],
      [["a", 1]],
      [["a", 2], ["b", 1]],
      [["a", 3], ["b", 2], ["c", 1]],
      [["a", 4], ["b", 3], ["c", 1]],
      [["a", 5], ["b", 3], ["c", 1]],
      [["a", 5], ["b", 3], ["c", 1]],
    ]);
  });

  it("sees, within a batch, the state the key's previous values left", async () => {
    const spec = StateSpec.function((_k: string, v: number | undefined, state: State<number>) => {
      state.update((state.getOption() ?? 0) + (v ?? 0));
      return state.get();
    });
    const { mapped } = await run([["a", "a", "a"]], spec);
    expect(mapped).toEqual([[1, 2, 3]]);
  });

  it("removes state on remove()", async () => {
    const spec = StateSpec.function((key: string, _v: number | undefined, state: State<number>) => {
      if (state.exists()) state.remove();
      else state.update(1);
      return `${key}:${state.exists()}`;
    });
    const { mapped, states } = await run([["a"], ["a"], ["a"]], spec);
    expect(mapped).toEqual([["a:true"], ["a:false"], ["a:true"]]);
    expect(states).toEqual([[["a", 1]], [], [["a", 1]]]);
  });

  it("times out idle keys exactly once, with isTimingOut() and no value", async () => {
    const calls: string[] = [];
    const spec = StateSpec.function((key: string, value: number | undefined, state: State<number>) => {
      calls.push(`${key}:${value ?? "none"}:${state.isTimingOut()}`);
      if (state.isTimingOut()) {
        expect(() => state.update(0)).toThrow(RivuletError);
        return `timeout ${key}=${state.get()}`;
      }
      state.update((state.getOption() ?? 0) + 1);
      return `${key}=${state.get()}`;
    }).timeout(Seconds(2));
    const { mapped, states } = await run([["a", "b"], ["b"], [], ["b"], [], [], [], []], spec);
    expect(mapped).toEqual([["a=1", "b=1"], ["b=2"], [], ["timeout a=1", "b=3"], [], [], ["timeout b=3"], []]);
    expect(calls.filter((c) => c.endsWith("true"))).toEqual(["a:none:true", "b:none:true"]);
    expect(states.at(-1)).toEqual([]);
  });

  it("starts from an initial state and honours numPartitions", async () => {
    const clock = new ManualClock();
    const ssc = new StreamingContext({ batchInterval: Seconds(1), clock, parallelism: 2, kernels: testKernels() });
    ssc.checkpoint(new MemoryCheckpointStore());
    const spec = StateSpec.function((_k: string, v: number | undefined, state: State<number>) => {
      state.update((state.getOption() ?? 0) + (v ?? 0));
      return state.get();
    })
      .initialState(ssc.parallelize<readonly [string, number]>([["a", 10], ["z", 5]]))
      .numPartitions(3);
    const stream: DStream<readonly [string, number]> = ssc.queueStream([[["a", 1] as const]]);
    const snapshots: [string, number][][] = [];
    const parts: number[] = [];
    const mapped = stream.mapWithState(spec);
    mapped.foreachRDD((b) => void parts.push(b.numPartitions));
    mapped.stateSnapshots().foreachRDD(async (b) => void snapshots.push(sorted(await b.collect())));
    ssc.start();
    await clock.advance(1000);
    await ssc.stop();
    expect(snapshots).toEqual([[["a", 11], ["z", 5]]]);
    expect(parts).toEqual([3]);
  });

  it("places the state's keys by a partitioner, the last of numPartitions and partitioner winning (Spark: StateSpec.partitioner)", async () => {
    /** "a" and "c" in partition 0, anything else in partition 1. */
    const byLetter: Partitioner = { numPartitions: 2, getPartition: (key) => (key === "a" || key === "c" ? 0 : 1) };
    const clock = new ManualClock();
    const ssc = new StreamingContext({ batchInterval: Seconds(1), clock, parallelism: 3, kernels: testKernels() });
    ssc.checkpoint(new MemoryCheckpointStore());
    const spec = StateSpec.function((key: string, v: number | undefined, state: State<number>) => {
      state.update((state.getOption() ?? 0) + (v ?? 0));
      return `${key}${state.get()}`;
    })
      .numPartitions(5)
      .partitioner(byLetter);
    const mapped = ssc.queueStream([["a", "b", "c"], ["b", "d"]]).map((w) => [w, 1] as const).mapWithState(spec);
    const mappedParts: string[][][] = [];
    const snapshotParts: [string, number][][][] = [];
    mapped.glom().foreachRDD(async (b) => void mappedParts.push((await b.collect()).map((p) => p.slice().sort())));
    mapped
      .stateSnapshots()
      .glom()
      .foreachRDD(async (b) => void snapshotParts.push((await b.collect()).map(sorted)));
    ssc.start();
    await clock.advance(2000);
    await ssc.stop();
    expect(mappedParts).toEqual([
      [["a1", "c1"], ["b1"]],
      [[], ["b2", "d1"]],
    ]);
    expect(snapshotParts).toEqual([
      [[["a", 1], ["c", 1]], [["b", 1]]],
      [[["a", 1], ["c", 1]], [["b", 2], ["d", 1]]],
    ]);
    const refused = { numPartitions: 2 } as unknown as Partitioner;
    expect(() => StateSpec.function(() => 0).partitioner(refused)).toThrowError(expect.objectContaining({ code: "INVALID_ARGUMENT" }));
  });

  it("timedFunction (Spark's Function4 form) is told the batch time, and emits nothing for a call that returns undefined", async () => {
    const calls: [number, string, number | undefined, boolean][] = [];
    const spec = StateSpec.timedFunction((time: number, key: string, value: number | undefined, state: State<number>) => {
      calls.push([time, key, value, state.isTimingOut()]);
      if (state.isTimingOut()) return `${key} idle at ${time}`;
      const n = (state.getOption() ?? 0) + (value ?? 0);
      state.update(n);
      // Only every second value of a key is mapped.
      return n % 2 === 0 ? `${key}=${n}@${time}` : undefined;
    }).timeout(Seconds(2));
    const { mapped, states } = await run([["a"], ["a", "b"], [], [], []], spec);
    // Both last updated at 2000: idle for more than 2 s at 5000.
    expect(mapped.map((b) => b.slice().sort())).toEqual([[], ["a=2@2000"], [], [], ["a idle at 5000", "b idle at 5000"]]);
    expect(states.at(-1)).toEqual([]);
    expect(calls.filter(([, , , timingOut]) => !timingOut).map(([t, k, v]) => [t, k, v])).toEqual([
      [1000, "a", 1],
      [2000, "a", 1],
      [2000, "b", 1],
    ]);
    expect(() => StateSpec.timedFunction(42 as unknown as () => undefined)).toThrow(RivuletError);
  });

  it("State.get() without state is a clear error", () => {
    expect(() => new State<number>(undefined, false, false).get()).toThrow(/does not exist/);
  });
});

describe("mapWithState, more of Spark's MapWithStateSuite", () => {
  it("a state read only every other slide (by a wider window) still steps through every batch", async () => {
    const out = await runOperation([["a"], ["a"], ["a"], ["a"]], (s) =>
      s.map((x): [string, number] => [x, 1]).mapWithState(StateSpec.function((_k: string, v: number | undefined, st: State<number>) => { st.update((st.getOption() ?? 0) + (v ?? 0)); return st.get(); })).window(Seconds(1), Seconds(2)),
    );
    expect(out).toEqual([[2], [4]]);
  });
  it("removes and re-creates state key by key (Spark: state removing)", async () => {
    const out = await runOperation([[], ["a"], ["a", "b"], ["a", "b", "c"], ["a", "b", "c"], ["a", "b"], ["a"], []], (s) =>
      s.map((x): [string, number] => [x, 1]).mapWithState(StateSpec.timedFunction((_t: number, k: string, v: number | undefined, st: State<number>) => {
        if (st.exists()) { st.remove(); return k; }
        st.update(v!); return undefined;
      }).numPartitions(1)),
    );
    expect(out.map((b) => b.sort())).toEqual([[], [], ["a"], ["b"], ["a", "c"], ["b"], ["a"], []]);
  });
  it("a key with new values is active for the timeout even when the function leaves its state alone", async () => {
    // The function updates the state only the first time; the second value at 3 s still moves the
    // timeout on, so the key times out at 6 s (idle for more than 2 s after 3 s), not at 4 s.
    const out = await runOperation([["a"], [], ["a"], [], [], [], []], (s) =>
      s.map((x): [string, number] => [x, 1]).mapWithState(StateSpec.timedFunction((t: number, k: string, _v: number | undefined, st: State<number>) => {
        if (!st.exists()) st.update(1);
        return st.isTimingOut() ? `${k}@${t}` : undefined;
      }).timeout(Seconds(2))));
    expect(out).toEqual([[], [], [], [], [], ["a@6000"], []]);
  });

  it("an initial state reaches the first batch, even an empty one", async () => {
    const clock = new ManualClock();
    const ssc = new StreamingContext({ batchInterval: Seconds(1), clock, parallelism: 2, kernels: testKernels() });
    ssc.checkpoint(new MemoryCheckpointStore());
    const spec = StateSpec.timedFunction((_t: number, _k: string, v: number | undefined, state: State<number>) => {
      state.update((v ?? 0) + (state.getOption() ?? 0));
      return undefined;
    }).initialState(ssc.parallelize<readonly [string, number]>([["a", 5], ["b", 10], ["c", -20], ["d", 0]]));
    const inp = [[], ["a"], ["a", "b"], ["a", "b", "c"], ["a", "b"], ["a"], []];
    const mapped: unknown[][] = [];
    const states: unknown[][] = [];
    const st = ssc.queueStream<string>(inp.map((b) => b.slice())).map((x) => [x, 1] as const).mapWithState(spec);
    st.foreachRDD(async (b) => void mapped.push(await b.collect()));
    st.stateSnapshots().foreachRDD(async (b) => void states.push(sorted(await b.collect())));
    ssc.start();
    await clock.advance(7000);
    await ssc.stop();
    expect(mapped).toEqual(inp.map(() => []));
    expect(states).toEqual([
      [["a", 5], ["b", 10], ["c", -20], ["d", 0]],
      [["a", 6], ["b", 10], ["c", -20], ["d", 0]],
      [["a", 7], ["b", 11], ["c", -20], ["d", 0]],
      [["a", 8], ["b", 12], ["c", -19], ["d", 0]],
      [["a", 9], ["b", 13], ["c", -19], ["d", 0]],
      [["a", 10], ["b", 13], ["c", -19], ["d", 0]],
      [["a", 10], ["b", 13], ["c", -19], ["d", 0]],
    ]);
  });
});
