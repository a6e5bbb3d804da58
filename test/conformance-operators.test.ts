// DStream and Batch operators checked against Apache Spark 3.x, case by case, where the rest of
// the suite does not already pin them down: each test names the Spark suite or class whose
// behaviour it asserts. Batch interval 1 s under a ManualClock, as Spark's TestSuiteBase.
import { describe, expect, it } from "vitest";
import { Batch } from "../src/core/batch.ts";
import { LocalExecutor } from "../src/engine/local-executor.ts";
import {
  type DStream,
  type Duration,
  ManualClock,
  MemoryCheckpointStore,
  Milliseconds,
  RivuletError,
  Seconds,
  State,
  StateSpec,
  StreamingContext,
  sum,
} from "../src/index.ts";
import { runOperation, runOperation2, sorted, testKernels } from "./support/spark-suite.ts";
import { withContext } from "./dstream/context-harness.ts";

/** A context that is never started: for operators refused when they are declared. */
function idleContext(): StreamingContext {
  return new StreamingContext({ batchInterval: Seconds(1), clock: new ManualClock(), workers: false });
}

/**
 * Runs `mapWithState(spec)` over `batches` of words (each paired with 1), collecting the mapped
 * records and the sorted state snapshots of every batch. `checkpointEvery`, when given, is set on
 * the mapped stream (Spark forwards it to the internal state stream).
 */
async function runState<U>(
  batches: string[][],
  makeSpec: (ssc: StreamingContext) => StateSpec<string, number, number, U>,
  options: { numBatches?: number; checkpointEvery?: Duration } = {},
): Promise<{ mapped: U[][]; states: [string, number][][] }> {
  const clock = new ManualClock();
  const ssc = new StreamingContext({ batchInterval: Seconds(1), clock, parallelism: 2, kernels: testKernels() });
  ssc.checkpoint(new MemoryCheckpointStore());
  const mapped: U[][] = [];
  const states: [string, number][][] = [];
  try {
    const stream = ssc
      .queueStream(batches.map((b) => b.slice()))
      .map((w): [string, number] => [w, 1])
      .mapWithState(makeSpec(ssc));
    if (options.checkpointEvery) stream.checkpoint(options.checkpointEvery);
    stream.foreachRDD(async (b) => void mapped.push(await b.collect()));
    stream.stateSnapshots().foreachRDD(async (b) => void states.push(sorted(await b.collect())));
    ssc.start();
    await clock.advance((options.numBatches ?? batches.length) * 1000);
    return { mapped, states };
  } finally {
    await ssc.stop();
  }
}

const sortedStrings = (batches: string[][]): string[][] => batches.map((b) => b.slice().sort());

describe("updateStateByKey (Spark's StateDStream)", () => {
  it("applies the function to every initial key at the first batch even when that batch is empty", async () => {
    // Spark StateDStream.compute: with no previous state RDD and a parent RDD (an empty one for
    // an empty queue batch), an initialRDD goes through computeUsingPreviousRDD, i.e.
    // parentRDD.cogroup(initialRDD): every initial key reaches the function with Seq() and
    // Some(state), and a None result drops it.
    const clock = new ManualClock();
    const ssc = new StreamingContext({ batchInterval: Seconds(1), clock, parallelism: 2, kernels: testKernels() });
    ssc.checkpoint(new MemoryCheckpointStore());
    const states: [string, number][][] = [];
    try {
      ssc
        .queueStream<string>([[], ["a"]])
        .map((x): [string, number] => [x, 1])
        .updateStateByKey<string, number, number>(
          (values, s) => {
            const n = (s ?? 0) + (values.length > 0 ? values.length : -1);
            return n > 0 ? n : undefined;
          },
          { initialState: ssc.parallelize<[string, number]>([["a", 10], ["b", 5], ["c", 1]]) },
        )
        .foreachRDD(async (b) => void states.push(sorted(await b.collect())));
      ssc.start();
      await clock.advance(2000);
    } finally {
      await ssc.stop();
    }
    expect(states).toEqual([
      [["a", 9], ["b", 4]],
      [["a", 10], ["b", 3]],
    ]);
  });
});

describe("mapWithState (Spark's MapWithStateSuite, MapWithStateRDD, StateImpl)", () => {
  it("forwards checkpoint(interval) on the mapped stream to the state stream, whose default is 10 slides", async () => {
    // Spark MapWithStateDStreamImpl.checkpoint: "Forward the checkpoint interval to the internal
    // DStream that computes the state maps ... this DStream does not get checkpointed";
    // InternalMapWithStateDStream.initialize: slideDuration * DEFAULT_CHECKPOINT_DURATION_MULTIPLIER
    // (10). MapWithStateSuite "checkpoint durations": 100 ms -> 1 s, 1 s -> 10 s, 10 s -> 100 s,
    // and an explicit 2 s -> 2 s, with the mapped stream's own checkpointDuration null.
    async function intervals(batch: Duration, explicit?: Duration): Promise<[number | undefined, number | undefined]> {
      const ssc = new StreamingContext({ batchInterval: batch, clock: new ManualClock(), workers: false });
      ssc.checkpoint(new MemoryCheckpointStore());
      try {
        const mapped = ssc
          .queueStream<number>([])
          .map((x): [number, number] => [x, 1])
          .mapWithState(StateSpec.function((_k: number, _v: number | undefined, _s: State<number>) => 0));
        if (explicit) mapped.checkpoint(explicit);
        mapped.foreachRDD(() => {});
        ssc.start();
        const internal = mapped.dependencies[0]!;
        return [mapped.checkpointInterval?.milliseconds, internal.checkpointInterval?.milliseconds];
      } finally {
        await ssc.stop();
      }
    }
    expect.soft(await intervals(Milliseconds(100))).toEqual([undefined, 1000]);
    expect.soft(await intervals(Seconds(1))).toEqual([undefined, 10_000]);
    expect.soft(await intervals(Seconds(10))).toEqual([undefined, 100_000]);
    expect.soft(await intervals(Seconds(1), Seconds(2))).toEqual([undefined, 2000]);
  });

  it("with a full scan every batch, initial-state keys count as updated at the first batch, and a timed-out key comes back with no state", async () => {
    // Spark InternalMapWithStateDStream.compute: the initial state goes through
    // MapWithStateRDD.createFromPairRDD(initialRDD, partitioner, validTime), so its keys carry the
    // first batch's time; MapWithStateRDDRecord.updateRecordWithData times out keys whose
    // update time is below batchTime - timeout (StateMap.getByTime) and removes them, so a later
    // value of the key is wrapped with no state. checkpoint(1 s) makes every batch a full scan.
    const spec = (ssc: StreamingContext) =>
      StateSpec.timedFunction((time: number, key: string, value: number | undefined, state: State<number>) => {
        if (state.isTimingOut()) return `${key} out ${state.get()}@${time}`;
        state.update((state.getOption() ?? 0) + (value ?? 0));
        return `${key}=${state.get()}`;
      })
        .timeout(Seconds(2))
        .initialState(ssc.parallelize<readonly [string, number]>([["z", 5]]));
    const { mapped, states } = await runState([["a"], [], [], [], ["a"]], spec, { checkpointEvery: Seconds(1) });
    expect(sortedStrings(mapped)).toEqual([["a=1"], [], [], ["a out 1@4000", "z out 5@4000"], ["a=1"]]);
    expect(states).toEqual([[["a", 1], ["z", 5]], [["a", 1], ["z", 5]], [["a", 1], ["z", 5]], [], [["a", 1]]]);
  });

  it("a value removing the state and a later value of the same batch re-creating it leave the key present", async () => {
    // Spark MapWithStateRDDRecord.updateRecordWithData: record by record, the state is wrapped
    // from the state map as the previous records left it (newStateMap.remove(key) after a
    // remove, put after an update), so remove-then-update within one batch keeps the key.
    const spec = () =>
      StateSpec.function((key: string, _v: number | undefined, state: State<number>) => {
        if (state.exists()) {
          state.remove();
          return `-${key}`;
        }
        state.update(1);
        return `+${key}`;
      }).numPartitions(1);
    const { mapped, states } = await runState([["a"], ["a", "a"], ["a"], ["a", "a", "a"]], spec);
    expect(mapped).toEqual([["+a"], ["-a", "+a"], ["-a"], ["+a", "-a", "+a"]]);
    expect(states).toEqual([[["a", 1]], [["a", 1]], [], [["a", 1]]]);
  });

  it("State refuses update() after remove() and a second remove()", () => {
    // Spark StateImpl.update: require(!removed, "Cannot update the state after it has been
    // removed"); StateImpl.remove: require(!removed, "Cannot remove the state that has already
    // been removed"); a removed state neither exists nor has an option.
    const state = new State<number>(1, true, false);
    state.remove();
    expect(state.exists()).toBe(false);
    expect(state.getOption()).toBeUndefined();
    expect(() => state.update(2)).toThrow(RivuletError);
    expect(() => state.remove()).toThrow(RivuletError);
  });
});

describe("window operations with a slide other than the batch interval (Spark's WindowOperationsSuite, ReducedWindowedDStream)", () => {
  const pairs = [
    [["a", 1]],
    [["a", 2], ["b", 1]],
    [["a", 3]],
    [["b", 2]],
    [["a", 5]],
    [],
    [["a", 7], ["b", 3]],
    [],
  ] as [string, number][][];

  it("reduceByKeyAndWindow with a length that is not a multiple of the slide (3 s every 2 s), with and without invFn", async () => {
    // Spark ReducedWindowedDStream.compute: current window (t - 3 s + 1 s, t], previous window
    // shifted by the slide; old RDDs slice(prev.begin, cur.begin - 1 s) are inverse-reduced out,
    // new RDDs slice(prev.end + 1 s, cur.end) reduced in; only multiples of the parent's slide are
    // required of length and slide. Same values as reduceByKey(...).window(...).reduceByKey(...).
    const expected = [
      [["a", 3], ["b", 1]],
      [["a", 5], ["b", 3]],
      [["a", 5], ["b", 2]],
      [["a", 7], ["b", 3]],
    ];
    const inc = await runOperation(pairs, (s) => s.reduceByKeyAndWindow(sum, Seconds(3), Seconds(2), { invFn: (a, b) => a - b }));
    const plain = await runOperation(pairs, (s) => s.reduceByKeyAndWindow(sum, Seconds(3), Seconds(2)));
    expect(inc.map(sorted)).toEqual(expected);
    expect(plain.map(sorted)).toEqual(expected);
  });

  it("reduceByKeyAndWindow with a slide longer than the length (1 s every 2 s), with and without invFn", async () => {
    // Spark ReducedWindowedDStream: the batch between two windows is in both the old and new
    // RDDs, so it cancels; without filterFunc a key stays with the value its inverse leaves (0).
    // The non-inverse form (reduceByKey, window, reduceByKey) holds only the window's batch.
    const inc = await runOperation(pairs, (s) => s.reduceByKeyAndWindow(sum, Seconds(1), Seconds(2), { invFn: (a, b) => a - b }));
    expect(inc.map(sorted)).toEqual([
      [["a", 2], ["b", 1]],
      [["a", 0], ["b", 2]],
      [["a", 0], ["b", 0]],
      [["a", 0], ["b", 0]],
    ]);
    const plain = await runOperation(pairs, (s) => s.reduceByKeyAndWindow(sum, Seconds(1), Seconds(2)));
    expect(plain.map(sorted)).toEqual([[["a", 2], ["b", 1]], [["b", 2]], [], []]);
  });

  it("groupByKeyAndWindow and countByValueAndWindow over 3 s every 2 s", async () => {
    // Spark PairDStreamFunctions.groupByKeyAndWindow: groupByKey, window(3 s, 2 s), then
    // combineByKey appending the groups; DStream.countByValueAndWindow: map((_, 1L)) then
    // reduceByKeyAndWindow(_ + _, _ - _, 3 s, 2 s, numPartitions, _._2 != 0L).
    const groups = await runOperation(pairs, (s) => s.groupByKeyAndWindow(Seconds(3), Seconds(2)));
    expect(groups.map((b) => sorted(b.map(([k, vs]) => [k, vs.slice().sort((x, y) => x - y)] as const)))).toEqual([
      [["a", [1, 2]], ["b", [1]]],
      [["a", [2, 3]], ["b", [1, 2]]],
      [["a", [5]], ["b", [2]]],
      [["a", [7]], ["b", [3]]],
    ]);
    const words = [["a"], ["a", "b"], ["a"], ["b"], ["a"], [], ["b"], []];
    const counts = await runOperation(words, (s) => s.countByValueAndWindow(Seconds(3), Seconds(2)));
    expect(counts.map(sorted)).toEqual([
      [["a", 2], ["b", 1]],
      [["a", 2], ["b", 2]],
      [["a", 1], ["b", 1]],
      [["b", 1]],
    ]);
  });

  it("window operators give numPartitions partitions", async () => {
    // Spark PairDStreamFunctions: reduceByKeyAndWindow(..., numPartitions) and
    // groupByKeyAndWindow(..., numPartitions) use new HashPartitioner(numPartitions) for the
    // final reduceByKey/combineByKey (or the CoGroupedRDD of ReducedWindowedDStream);
    // countByValueAndWindow(w, s, numPartitions) passes it on.
    const data = [[["a", 1], ["b", 2], ["c", 3]], [["d", 4]]] as [string, number][][];
    const partitionsOf = async (op: (s: DStream<[string, number]>) => DStream<unknown>) =>
      (await runOperation(data, (s) => op(s).glom())).map((b) => b.length);
    expect(await partitionsOf((s) => s.reduceByKeyAndWindow(sum, Seconds(2), Seconds(1), { numPartitions: 3 }))).toEqual([3, 3]);
    expect(await partitionsOf((s) => s.reduceByKeyAndWindow(sum, Seconds(2), Seconds(1), { invFn: (a, b) => a - b, numPartitions: 3 }))).toEqual([3, 3]);
    expect(await partitionsOf((s) => s.groupByKeyAndWindow(Seconds(2), Seconds(1), 3))).toEqual([3, 3]);
    expect(await partitionsOf((s) => s.map(([k]) => k).countByValueAndWindow(Seconds(2), Seconds(1), 3))).toEqual([3, 3]);
  });

  it("countByWindow gives no record before the first record, then keeps 0 once it has left", async () => {
    // Spark DStream.countByWindow: map(_ => 1L).reduceByWindow(_ + _, _ - _, w, s), i.e.
    // map((1, _)).reduceByKeyAndWindow(..., 1 partition) with no filterFunc: no key, no record;
    // once seen, the key stays with the value the inverse leaves.
    const out = await runOperation([[], [], [7], [], [], []], (s) => s.countByWindow(Seconds(2), Seconds(1)));
    expect(out).toEqual([[], [], [1], [1], [0], [0]]);
  });

  it("a window of a windowed stream unions the inner windows, duplicates included", async () => {
    // Spark WindowedDStream.compute: ssc.sc.union(parent.slice(t - length + parent.slideDuration, t));
    // the parent here is itself a WindowedDStream, so overlapping inner windows repeat records.
    const input = [[1], [2], [3], [4], [5], [6], [7], [8]];
    const overlapping = await runOperation(input, (s) => s.window(Seconds(2), Seconds(1)).window(Seconds(4), Seconds(2)));
    expect(overlapping.map((b) => b.slice().sort((x, y) => x - y))).toEqual([
      [1, 1, 2],
      [1, 1, 2, 2, 3, 3, 4],
      [2, 3, 3, 4, 4, 5, 5, 6],
      [4, 5, 5, 6, 6, 7, 7, 8],
    ]);
    const tumbling = await runOperation(input, (s) => s.window(Seconds(2), Seconds(2)).window(Seconds(4), Seconds(4)));
    expect(tumbling.map((b) => b.slice().sort((x, y) => x - y))).toEqual([
      [1, 2, 3, 4],
      [5, 6, 7, 8],
    ]);
  });
});

describe("streams of different slides (Spark's UnionDStream, TransformedDStream)", () => {
  it("union refuses streams of different slide durations", () => {
    // Spark UnionDStream: require(parents.map(_.slideDuration).distinct.length == 1,
    // "Some of the DStreams have different slide durations"); StreamingContext.union builds one.
    const ssc = idleContext();
    const a = ssc.queueStream<number>([]);
    const b = ssc.queueStream<number>([]);
    expect(() => a.union(b.window(Seconds(2), Seconds(2)))).toThrow(RivuletError);
    expect(() => ssc.union(a, b, a.window(Seconds(3), Seconds(3)))).toThrow(/same slide duration/);
  });

  it("transformWith, StreamingContext.transform, join and cogroup refuse streams of different slide durations", () => {
    // Spark TransformedDStream: require(parents.map(_.slideDuration).distinct.size == 1, ...);
    // PairDStreamFunctions.join/cogroup/outer joins are transformWith over the two streams.
    const ssc = idleContext();
    const a = ssc.queueStream<[string, number]>([]);
    const b = ssc.queueStream<[string, number]>([]).window(Seconds(2), Seconds(2));
    expect(() => a.transformWith(b, (x) => x)).toThrow(RivuletError);
    expect(() => ssc.transform([a, b], (batches) => batches[0]!)).toThrow(RivuletError);
    expect(() => a.join(b)).toThrow(RivuletError);
    expect(() => a.cogroup(b)).toThrow(RivuletError);
    expect(() => a.fullOuterJoin(b)).toThrow(RivuletError);
  });

  it("transformWith over two streams of the same 2 s slide runs at every other batch", async () => {
    // Spark TransformedDStream: its slideDuration is its parents' (2 s), so the function runs at
    // 2 s and 4 s with the two windows of that time.
    const times: number[] = [];
    const out = await runOperation2(
      [[1], [2], [3], [4]],
      [[10], [20], [30], [40]],
      (a, b) =>
        a.window(Seconds(2), Seconds(2)).transformWith(b.window(Seconds(2), Seconds(2)), (x, y, time) => {
          times.push(time);
          return x.union(y);
        }),
    );
    expect(times).toEqual([2000, 4000]);
    expect(out.map((b) => b.slice().sort((x, y) => x - y))).toEqual([
      [1, 2, 10, 20],
      [3, 4, 30, 40],
    ]);
  });
});

describe("slice (Spark's DStream.slice)", () => {
  it("gives nothing when from is after to, skips times before the zero time, and aligns to a 2 s slide", async () => {
    // Spark DStream.slice: aligned from/to (floor to the slide from zeroTime), then
    // alignedFromTime.to(alignedToTime, slideDuration) keeping times >= zeroTime with a valid
    // getOrCompute (isTimeValid refuses zeroTime itself): an empty range for from > to.
    await withContext(async (h) => {
      h.ssc.remember(Seconds(10));
      const stream = h.ssc.queueStream([[1], [2], [3], [4]]);
      const windows = stream.window(Seconds(2), Seconds(2));
      windows.foreachRDD(() => {});
      await h.run(4);
      const contents = async (batches: Batch<number>[]) => Promise.all(batches.map((b) => b.collect()));
      expect(await contents(stream.slice(3000, 1000))).toEqual([]);
      expect(await contents(stream.slice(-5000, 1000))).toEqual([[1]]);
      expect((await contents(windows.slice(1000, 3000))).map((b) => b.slice().sort())).toEqual([[1, 2]]);
    });
  });
});

describe("Batch operators (Spark's RDD, PairRDDFunctions, Partitioner.defaultPartitioner)", () => {
  const executor = new LocalExecutor(2);

  it("key-based shuffles without numPartitions take the largest input's partition count, or its partitioner", async () => {
    // Spark Partitioner.defaultPartitioner (spark.default.parallelism unset, as in local[n]):
    // an eligible existing partitioner of the inputs, else new HashPartitioner(max input
    // partitions). So reduceByKey, groupByKey, combineByKey, join, cogroup and intersection of a
    // 5-partition RDD give 5 partitions, not the default parallelism (2 here), and a join with a
    // 3-partition hash-partitioned side keeps its 3.
    const five = Batch.fromRecords<[string, number]>([["a", 1], ["b", 2], ["a", 3], ["c", 4], ["d", 5]], 5, executor);
    const one = Batch.fromRecords<[string, number]>([["a", 9]], 1, executor);
    expect.soft(five.reduceByKey((x, y) => x + y).numPartitions).toBe(5);
    expect.soft(five.groupByKey().numPartitions).toBe(5);
    expect.soft(five.combineByKey((v) => [v], (c, v) => [...c, v], (x, y) => [...x, ...y]).numPartitions).toBe(5);
    expect.soft(five.join(one).numPartitions).toBe(5);
    expect.soft(five.cogroup(one).numPartitions).toBe(5);
    expect.soft(five.intersection(one).numPartitions).toBe(5);
    expect.soft(one.reduceByKey((x, y) => x + y, 3).join(one).numPartitions).toBe(3);
  });

  it("a stream's shuffles without numPartitions still give the engine's parallelism", async () => {
    // Spark PairDStreamFunctions.defaultPartitioner(numPartitions = ssc.sc.defaultParallelism),
    // DStream.countByValue(numPartitions = ssc.sc.defaultParallelism), StateDStream and
    // MapWithStateDStream with it: HashPartitioner(defaultParallelism) whatever the batch's
    // partitions, unlike an RDD's own shuffles. Parallelism 2, batches of 5 partitions.
    const pairs = [[["a", 1], ["b", 2], ["c", 3]], [["a", 4]]] as [string, number][][];
    const widths = async (op: (s: DStream<[string, number]>) => DStream<unknown>) =>
      (await runOperation(pairs, (s) => op(s.repartition(5)).glom())).map((b) => b.length);
    expect.soft(await widths((s) => s)).toEqual([5, 5]);
    expect.soft(await widths((s) => s.reduceByKey(sum))).toEqual([2, 2]);
    expect.soft(await widths((s) => s.groupByKey())).toEqual([2, 2]);
    expect.soft(await widths((s) => s.combineByKey((v) => v, sum, sum))).toEqual([2, 2]);
    expect.soft(await widths((s) => s.countByValue())).toEqual([2, 2]);
    expect.soft(await widths((s) => s.join(s.repartition(4)))).toEqual([2, 2]);
    expect.soft(await widths((s) => s.cogroup(s))).toEqual([2, 2]);
    expect.soft(await widths((s) => s.fullOuterJoin(s))).toEqual([2, 2]);
    expect.soft(await widths((s) => s.updateStateByKey<string, number, number>((vs, st) => (st ?? 0) + vs.length))).toEqual([2, 2]);
    expect.soft(await widths((s) => s.mapWithState(StateSpec.function((_k: string, v: number | undefined, _st: State<number>) => v)))).toEqual([2, 2]);
    expect.soft(await widths((s) => s.reduceByKey(sum, 3))).toEqual([3, 3]);
  });

  it("countByValue is an action giving a map of counts", async () => {
    // Spark RDD.countByValue(): Map[T, Long], computed as map(value => (value, null)).countByKey().
    const batch = Batch.fromRecords(["a", "b", "a"], 2, executor);
    const counts = await batch.countByValue();
    expect(counts).toBeInstanceOf(Map);
    expect(counts).toEqual(new Map([["a", 2], ["b", 1]]));
  });

});
