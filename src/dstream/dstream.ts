import { appendAll, Batch } from "../core/batch.ts";
import { Duration } from "../core/duration.ts";
import { sum } from "../core/reducers.ts";
import { RivuletError } from "../core/errors.ts";
import type { Pair, Partitions } from "../core/executor.ts";
import type { Partitioner } from "../core/partitioner.ts";
import type { DStreamGraph, OutputOperation } from "./graph.ts";
import { cogrouped, fullOuterJoined, joined, leftOuterJoined, rightOuterJoined } from "./joined.ts";
import { filtered, flatMapped, flatMappedValues, glommed, mapPartitioned, mapped, mappedValues } from "./mapped.ts";
import { jsonLinesWriter, printer, textFileWriter, type TextFileSink } from "./output.ts";
import { combinedByKey, counted, countedByValue, groupedByKey, reduced, reducedByKey, repartitioned } from "./shuffled.ts";
import { MapWithStateComputation } from "./mapped-state.ts";
import { checkPartitioning, isPartitioner, laidOut, type Partitioning } from "./partitioning.ts";
import type { StateSpec } from "./state-spec.ts";
import {
  StateComputation,
  type TimedUpdateStateFunction,
  type TimedUpdateStateOptions,
  type UpdateStateArguments,
  type UpdateStateFunction,
  type UpdateStateIteratorFunction,
  type UpdateStateIteratorOptions,
  type UpdateStateOptions,
} from "./stateful.ts";
import { transformed, transformedWith } from "./transformed.ts";
import { unioned } from "./union.ts";
import { type StreamOutputOptions, streamReader, streamWriter, type TimedBatch, type WriteToOptions } from "./web-output.ts";
import type { Computation, StreamNode, Upstream } from "./upstream.ts";
import { perBatch } from "./derived.ts";
import { checkWindow, IncrementalWindowComputation, type ReduceByKeyAndWindowOptions, WindowComputation } from "./windowed.ts";

/** Literal types widened, so `[w, 1] as const` still reduces with `sum`. */
export type Widen<T> = T extends number ? number : T extends string ? string : T extends boolean ? boolean : T extends bigint ? bigint : T;

/** The stream `mapWithState` returns: the mapped values, and the state after each batch. */
export type MapWithStateDStream<K, S, U> = DStream<U> & {
  /** Every key's state after each batch, as `[key, state]`. */
  stateSnapshots(): DStream<[K, S]>;
};

/** What a stream needs of its context beyond the graph: where `print` and `saveAsTextFiles` go. */
export interface StreamEnvironment {
  readonly graph: DStreamGraph;
  readonly log: (text: string) => void;
  readonly fileSink: () => TextFileSink;
}

/**
 * A discretized stream: a sequence of batches, one per slide. Every operator on a stream is an
 * operator on each of its batches; nothing runs until an output operation (`print`, `foreachRDD`,
 * `saveAsTextFiles`) is registered and the context is started.
 *
 * The generation mechanics live here, once for all streams: batches are made at most once per
 * time (and kept while remembered), only at valid times (multiples of the slide after the zero
 * time). What differs between streams is their `Computation`.
 */
export class DStream<T> implements Upstream<T> {
  /** Unique within the context, in creation order. */
  readonly id: number;
  private readonly env: StreamEnvironment;
  private readonly computation: Computation<T>;
  private readonly generated = new Map<number, Batch<T>>();
  private zeroTime: number | undefined;
  private rememberMs = 0;
  /** The widest slide of a reader of this stream (or of a stream it feeds), see `remember`. */
  private readEveryMs = 0;
  private cached = false;
  /**
   * For a stream that reads its own previous batch (state, incremental windows): the latest time
   * it was computed for. Spark's StateDStream asks for its previous batch with getOrCompute, so a
   * state read only every other slide (by a wider window, say) still steps through every slide.
   */
  private madeUpTo: number | undefined;

  /** The operator that made this stream (part of the graph's fingerprint). */
  readonly op: string;
  private checkpointEvery: Duration | undefined;
  private checkpointed: boolean;
  /** True once `checkpoint(interval)` was called. */
  private checkpointAsked = false;
  /** Slides between checkpoints by default, when not Spark's "at least 10 s" (mapWithState's 10). */
  private defaultCheckpointSlides: number | undefined;

  /** @internal Streams are made by the context and by operators, never directly. */
  constructor(env: StreamEnvironment, computation: Computation<T>, op: string, kind = "transformations") {
    this.id = env.graph.newStreamId(kind);
    for (const d of computation.dependencies) {
      // As Spark: a stream reads only streams of its own context (another's would be driven by this one's clock).
      if (d instanceof DStream && d.env.graph !== env.graph) {
        throw new RivuletError("INVALID_ARGUMENT", `${op}: the streams belong to different StreamingContexts; a stream can only read streams of its own context`);
      }
    }
    this.env = env;
    this.computation = computation;
    this.op = op;
    this.checkpointed = computation.mustCheckpoint ?? false;
    computation.attach?.(this);
    env.graph.track(this);
  }

  /** How often this stream produces a batch. */
  get slideDuration(): Duration {
    return this.computation.slideDuration;
  }

  /** The streams this one reads. */
  get dependencies(): readonly StreamNode[] {
    return this.computation.dependencies;
  }

  /**
   * @internal True for streams whose batches cannot be recomputed after a restart without a
   * checkpoint, and for streams given a checkpoint interval (Spark refuses to start those without
   * a checkpoint directory, rather than checkpoint nothing).
   */
  get mustCheckpoint(): boolean {
    return (this.computation.mustCheckpoint ?? false) || this.checkpointAsked;
  }

  // ---- generation (Spark's DStream internals) ------------------------------------------------

  /** @internal */
  initialize(zeroTime: number): void {
    if (this.zeroTime !== undefined) return;
    this.zeroTime = zeroTime;
    if (this.computation.attach) this.madeUpTo ??= zeroTime;
    this.defaultCheckpointInterval();
    // Only now, as an output reads this stream: a window no output reads saves nothing of its parent.
    for (const p of this.computation.checkpointedParents ?? []) p.markCheckpointed();
    for (const d of this.dependencies) d.initialize(zeroTime);
  }

  private defaultCheckpointInterval(): void {
    if (this.checkpointed && !this.checkpointEvery) {
      // Spark's default: the smallest multiple of the slide that is at least 10 seconds.
      const slide = this.slideDuration.milliseconds;
      this.checkpointEvery = new Duration(slide * (this.defaultCheckpointSlides ?? Math.max(1, Math.ceil(10_000 / slide))));
    }
  }

  /** @internal */
  remember(duration: Duration, readEvery: Duration = this.slideDuration): void {
    if (duration.milliseconds > this.rememberMs) this.rememberMs = duration.milliseconds;
    if (readEvery.milliseconds > this.readEveryMs) this.readEveryMs = readEvery.milliseconds;
    const extra = this.computation.parentRememberExtra;
    // A batch is made when a reader first asks for it: by a reader sliding wider than this stream,
    // that is up to a reader's slide late, and so is every batch it makes of its parents.
    const late = new Duration(Math.max(this.readEveryMs, this.slideDuration.milliseconds));
    // A stream whose batches are kept once made (cached, checkpointed) is never made again from its
    // parents' older batches, so they need to remember only what it may still make late.
    const base = this.cached || this.checkpointed ? late : duration;
    const forParents = extra ? base.plus(extra) : base;
    for (const d of this.dependencies) d.remember(forParents, late);
  }

  /** @internal */
  clearMetadata(time: number): void {
    for (const [t, batch] of this.generated) {
      // The latest batch of a stream that reads its own past is its next batch's start, whenever that is made.
      if (t > time - this.rememberMs || t === this.madeUpTo) continue;
      this.generated.delete(t);
      // Only the stream that made a batch lets go of what it holds (a transform may pass it on).
      if (batch.origin?.stream === this.id && batch.origin.time === t) batch.release();
    }
    for (const d of this.dependencies) d.clearMetadata(time);
  }

  /** @internal The batch at `time`, made once and kept while remembered. */
  getOrCompute(time: number): Batch<T> | undefined {
    const existing = this.generated.get(time);
    if (existing) return existing;
    if (!this.isTimeValid(time)) return undefined;
    if (this.madeUpTo !== undefined && time > this.madeUpTo) {
      // In order, iteratively: each slide's batch is computed from the one before it.
      const slide = this.slideDuration.milliseconds;
      for (let t = this.madeUpTo + slide; t < time; t += slide) {
        this.madeUpTo = t;
        this.getOrCompute(t);
      }
      this.madeUpTo = time;
    }
    const batch = this.computation.compute(time);
    if (!batch) return undefined;
    if (this.cached || this.checkpointed) batch.cache();
    // The first stream to hand out a batch names it (a transform may pass its parent's on).
    batch.origin ??= { stream: this.id, time };
    this.generated.set(time, batch);
    return batch;
  }

  /** @internal Makes `batch` this stream's batch at `time` (a worker's copy of an input batch). */
  inject(time: number, batch: Batch<T>): void {
    batch.origin = { stream: this.id, time };
    this.generated.set(time, batch);
  }

  /** @internal Forgets every batch made (a worker's copy of the graph, between tasks). */
  forgetAll(): void {
    this.generated.clear();
    // A worker's copy computes single times on demand: it has no past to step through.
    this.madeUpTo = undefined;
  }

  /** @internal The batch already made for `time`, if any; never computes. */
  generatedAt(time: number): Batch<T> | undefined {
    return this.generated.get(time);
  }

  /** @internal Asks for this stream's batches to be saved in checkpoints (a window needs its parent's). */
  markCheckpointed(): void {
    this.checkpointed = true;
    // Initialized already through another reader: its interval is due now.
    if (this.zeroTime !== undefined) this.defaultCheckpointInterval();
  }

  /** @internal How often this stream's batches are checkpointed, if they are. */
  get checkpointInterval(): Duration | undefined {
    return this.checkpointed ? this.checkpointEvery : undefined;
  }

  /** @internal See `StreamNode.makeUpTo`. */
  makeUpTo(time: number): void {
    if (this.zeroTime === undefined || time <= this.zeroTime) return;
    const slide = this.slideDuration.milliseconds;
    const last = this.zeroTime + Math.floor((time - this.zeroTime) / slide) * slide;
    // Batches older than the widest reader's slide have been read already, or never will be.
    const from = Math.max(this.zeroTime + slide, last - Math.max(this.readEveryMs, slide) + slide);
    for (let t = from; t <= last; t += slide) this.getOrCompute(t);
  }

  /** @internal The remembered batches up to `time`, materialised, for a checkpoint. */
  async checkpointData(time: number): Promise<[number, Partitions<unknown>][]> {
    const out: [number, Partitions<unknown>][] = [];
    for (const [t, batch] of this.generated) if (t <= time) out.push([t, await batch.partitions()]);
    return out.sort((a, b) => a[0] - b[0]);
  }

  /** @internal Puts checkpointed batches back, before the context starts again. */
  restoreCheckpointData(entries: readonly (readonly [number, Partitions<unknown>])[]): void {
    for (const [t, partitions] of entries) {
      this.generated.set(t, Batch.fromPartitions(partitions as Partitions<T>, this.env.graph.executor).cache());
      if (this.computation.attach && (this.madeUpTo === undefined || t > this.madeUpTo)) this.madeUpTo = t;
    }
  }

  private isTimeValid(time: number): boolean {
    if (this.zeroTime === undefined) throw new RivuletError("ILLEGAL_STATE", `stream ${this.id} has not been initialized; start the context first`);
    const since = time - this.zeroTime;
    return since > 0 && since % this.slideDuration.milliseconds === 0;
  }

  private derive<U>(op: string, computation: Computation<U>): DStream<U> {
    return new DStream(this.env, computation, op);
  }

  // ---- narrow transformations ----------------------------------------------------------------

  /** Each record through `f`. */
  map<U>(f: (record: T) => U): DStream<U> {
    return this.derive("mapped", mapped(this, f));
  }

  /** Each record into zero or more records. */
  flatMap<U>(f: (record: T) => Iterable<U>): DStream<U> {
    return this.derive("flatMapped", flatMapped(this, f));
  }

  /** The records for which `f` is truthy. */
  filter(f: (record: T) => unknown): DStream<T> {
    return this.derive("filtered", filtered(this, f));
  }

  /**
   * Each partition of each batch at once; `f` receives the records and the partition index.
   * @param preservePartitioning Spark's flag (default false): `f` keeps every key-value record in
   *   its partition (it changes values or drops records, never moves keys), so a following
   *   shuffle into as many partitions folds the batch where it is instead of hashing it again.
   */
  mapPartitions<U>(f: (records: readonly T[], index: number) => Iterable<U>, preservePartitioning = false): DStream<U> {
    return this.derive("mapPartitioned", mapPartitioned(this, f, preservePartitioning));
  }

  /** Each partition as one array record. */
  glom(): DStream<T[]> {
    return this.derive("glommed", glommed(this));
  }

  /** Each batch spread over `numPartitions` partitions. */
  repartition(numPartitions: number): DStream<T> {
    return this.derive("repartitioned", repartitioned(this, numPartitions));
  }

  /** This stream's records, then each other stream's, batch by batch. */
  union(...others: DStream<T>[]): DStream<T> {
    return this.derive("unioned", unioned<T>([this, ...others]));
  }

  // ---- aggregations --------------------------------------------------------------------------

  /** One record per batch: its number of records (0 for an empty batch). */
  count(): DStream<number> {
    return this.derive("counted", counted(this));
  }

  /** One record per non-empty batch: its records folded with `fn` (associative, commutative). */
  reduce(fn: (a: T, b: T) => T): DStream<T> {
    return this.derive("reduced", reduced(this, fn));
  }

  /** Each distinct record of a batch with its number of occurrences. */
  countByValue(numPartitions?: number): DStream<[T, number]> {
    return this.derive("countedByValue", countedByValue(this, numPartitions));
  }

  // ---- arbitrary batch functions -------------------------------------------------------------

  /** Each batch through `fn`, e.g. to join it with a static data set. */
  transform<U>(fn: (batch: Batch<T>, time: number) => Batch<U>): DStream<U> {
    return this.derive("transformed", transformed(this, fn));
  }

  /** Each batch of this stream and of `other` at the same time through `fn`. */
  transformWith<U, R>(other: DStream<U>, fn: (mine: Batch<T>, theirs: Batch<U>, time: number) => Batch<R>): DStream<R> {
    return this.derive("transformedWith", transformedWith(this, other, fn));
  }

  /**
   * Saves this stream's batches in the context's checkpoints every `interval` (a multiple of its
   * slide), so that they survive a restart. Stateful and incremental-window streams are always
   * checkpointed; by default every 10 s or the first multiple of the slide above.
   */
  checkpoint(interval: Duration): this {
    this.env.graph.assertModifiable("a checkpoint interval");
    if (interval.milliseconds <= 0 || !interval.isMultipleOf(this.slideDuration)) {
      throw new RivuletError("INVALID_ARGUMENT", `the checkpoint interval (${interval}) must be a positive multiple of the stream's slide (${this.slideDuration})`);
    }
    this.checkpointed = true;
    this.checkpointAsked = true;
    this.checkpointEvery = interval;
    return this;
  }

  /** Keeps this stream's batches once computed, so several outputs do not recompute them. */
  cache(): this {
    this.env.graph.assertModifiable("the caching of a stream");
    this.cached = true;
    return this;
  }

  /** Spark's `persist()`: `cache()`. Batches live in memory only, so there is no storage level to choose. */
  persist(): this {
    return this.cache();
  }

  /** The batches between `from` and `to` (ms, inclusive, aligned down to the slide). */
  slice(from: number, to: number): Batch<T>[] {
    if (this.zeroTime === undefined) throw new RivuletError("ILLEGAL_STATE", "slice() needs a started context");
    const slide = this.slideDuration.milliseconds;
    const align = (t: number) => this.zeroTime! + Math.floor((t - this.zeroTime!) / slide) * slide;
    const out: Batch<T>[] = [];
    for (let t = align(from); t <= align(to); t += slide) {
      const b = this.getOrCompute(t);
      if (b) out.push(b);
    }
    return out;
  }

  // ---- windows -------------------------------------------------------------------------------

  /**
   * Every `slide`, the union of the batches of the last `length` (both multiples of this
   * stream's slide; `slide` defaults to it).
   */
  window(length: Duration, slide: Duration = this.slideDuration): DStream<T> {
    checkWindow(this, length, slide, this.env.graph.batchInterval);
    return this.derive(`window(${length.milliseconds},${slide.milliseconds})`, new WindowComputation(this, length, slide, this.env.graph.executor));
  }

  /** The number of records in each window, computed incrementally (needs a checkpoint store). */
  countByWindow(length: Duration, slide: Duration = this.slideDuration): DStream<number> {
    return this.map(() => 1).reduceByWindow(sum, (a, b) => a - b, length, slide);
  }

  /** The records of each window folded with `fn`. */
  reduceByWindow(fn: (a: T, b: T) => T, length: Duration, slide?: Duration): DStream<T>;
  /** The records of each window folded incrementally: `invFn` takes leaving batches out (needs a checkpoint store). */
  reduceByWindow(fn: (a: T, b: T) => T, invFn: (a: T, b: T) => T, length: Duration, slide?: Duration): DStream<T>;
  reduceByWindow(
    fn: (a: T, b: T) => T,
    second: ((a: T, b: T) => T) | Duration,
    third?: Duration,
    fourth?: Duration,
  ): DStream<T> {
    if (typeof second !== "function") {
      const slide = third ?? this.slideDuration;
      return this.reduce(fn).window(second, slide).reduce(fn);
    }
    if (!third) throw new RivuletError("INVALID_ARGUMENT", "reduceByWindow(fn, invFn, length, slide?) needs a window length");
    return this.map((x): readonly [0, T] => [0, x])
      .reduceByKeyAndWindow<0, T>(fn as (a: Widen<T>, b: Widen<T>) => Widen<T>, third, fourth ?? this.slideDuration, {
        invFn: second as (a: Widen<T>, b: Widen<T>) => Widen<T>,
        numPartitions: 1,
      })
      .map(([, v]) => v as T);
  }

  /** Each distinct record of each window with its count, computed incrementally (needs a checkpoint store). */
  countByValueAndWindow(length: Duration, slide: Duration = this.slideDuration, numPartitions?: number): DStream<[T, number]> {
    return this.map((x): readonly [T, number] => [x, 1]).reduceByKeyAndWindow(sum, length, slide, {
      invFn: (a, b) => a - b,
      filterFn: ([, n]) => n !== 0,
      numPartitions,
    }) as DStream<[T, number]>;
  }

  /**
   * The values of each key over each window reduced with `fn`, Spark's `reduceByKeyAndWindow(f,
   * window[, slide[, numPartitions | partitioner]])`: each batch reduced by key, then each window
   * of those reduced again.
   * @param slide Defaults to this stream's slide.
   * @param partitioning A number of partitions or a `Partitioner`; default: the context's parallelism.
   */
  reduceByKeyAndWindow<K, V>(
    this: DStream<Pair<K, V>>,
    fn: (a: Widen<V>, b: Widen<V>) => Widen<V>,
    length: Duration,
    slide?: Duration,
    partitioning?: number | Partitioner,
  ): DStream<[K, Widen<V>]>;
  /**
   * The same with options. With `invFn` (the inverse of `fn`) the window is updated incrementally
   * instead of reduced again; that form needs a checkpoint store. As in Spark, a key stays in an
   * incremental window once seen, with the value the inverse leaves it (a count of 0) after its
   * batches leave, until `filterFn` drops it: pass `filterFn` (e.g. `([, n]) => n !== 0`) so that
   * the window does not grow with every key ever seen.
   */
  reduceByKeyAndWindow<K, V>(
    this: DStream<Pair<K, V>>,
    fn: (a: Widen<V>, b: Widen<V>) => Widen<V>,
    length: Duration,
    slide: Duration | undefined,
    options: ReduceByKeyAndWindowOptions<K, Widen<V>>,
  ): DStream<[K, Widen<V>]>;
  /**
   * Spark's incremental form, `reduceByKeyAndWindow(f, invF, window, slide, numPartitions |
   * partitioner, filterFunc)`, positionally: the same as `{ invFn, numPartitions | partitioner,
   * filterFn }` in the options form. Needs a checkpoint store.
   */
  reduceByKeyAndWindow<K, V>(
    this: DStream<Pair<K, V>>,
    fn: (a: Widen<V>, b: Widen<V>) => Widen<V>,
    invFn: (a: Widen<V>, b: Widen<V>) => Widen<V>,
    length: Duration,
    slide?: Duration,
    partitioning?: number | Partitioner,
    filterFn?: (pair: readonly [K, Widen<V>]) => unknown,
  ): DStream<[K, Widen<V>]>;
  reduceByKeyAndWindow<K, V>(
    this: DStream<Pair<K, V>>,
    fn: (a: Widen<V>, b: Widen<V>) => Widen<V>,
    second: Duration | ((a: Widen<V>, b: Widen<V>) => Widen<V>),
    third?: Duration,
    fourth?: Duration | number | Partitioner | ReduceByKeyAndWindowOptions<K, Widen<V>>,
    fifth?: number | Partitioner,
    sixth?: (pair: readonly [K, Widen<V>]) => unknown,
  ): DStream<[K, Widen<V>]> {
    const self = this as DStream<Pair<K, Widen<V>>>;
    if (typeof second === "function") {
      if (!(third instanceof Duration) || (fourth !== undefined && !(fourth instanceof Duration))) {
        throw new RivuletError("INVALID_ARGUMENT", "reduceByKeyAndWindow(fn, invFn, length, slide?, partitioning?, filterFn?) needs a window length and slide as Durations");
      }
      checkPartitioning(fifth, "reduceByKeyAndWindow");
      return self.windowReduced(fn, third, fourth, { invFn: second, filterFn: sixth }, fifth);
    }
    if (fourth === undefined || typeof fourth === "number" || isPartitioner(fourth)) {
      checkPartitioning(fourth, "reduceByKeyAndWindow");
      return self.windowReduced(fn, second, third, {}, fourth);
    }
    const options = fourth as ReduceByKeyAndWindowOptions<K, Widen<V>>;
    if (options.numPartitions !== undefined && options.partitioner !== undefined) {
      throw new RivuletError("INVALID_ARGUMENT", "reduceByKeyAndWindow: give numPartitions or a partitioner, not both");
    }
    const partitioning = options.partitioner ?? options.numPartitions;
    checkPartitioning(partitioning, "reduceByKeyAndWindow");
    return self.windowReduced(fn, second, third, options, partitioning);
  }

  /** Spark's two window reductions: reduced again per window, or (with `invFn`) ReducedWindowedDStream. */
  private windowReduced<K, V>(
    this: DStream<Pair<K, V>>,
    fn: (a: V, b: V) => V,
    length: Duration,
    slide: Duration | undefined,
    options: { invFn?: ((a: V, b: V) => V) | undefined; filterFn?: ((pair: readonly [K, V]) => unknown) | undefined },
    p: Partitioning | undefined,
  ): DStream<[K, V]> {
    const s = slide ?? this.slideDuration;
    const filterFn = options.filterFn;
    checkWindow(this, length, s, this.env.graph.batchInterval);
    if (!options.invFn) {
      const windows = this.derive("reducedByKey", reducedByKey(this, fn, p)).window(length, s);
      const reducedWindows = windows.derive("reducedByKey", reducedByKey(windows, fn, p));
      return filterFn ? reducedWindows.filter(filterFn) : reducedWindows;
    }
    // The kept window is hash partitioned (so that it updates in place); a partitioner of another
    // kind places the window's values afterwards.
    const n = typeof p === "object" ? p.numPartitions : p;
    const reduced = this.derive("reducedByKey", reducedByKey(this, fn, n));
    const windows = reduced.derive(
      `reduceByKeyAndWindow(${length.milliseconds},${s.milliseconds})`,
      new IncrementalWindowComputation<K, V>(
        reduced,
        fn,
        length,
        s,
        { invFn: options.invFn, keepEmpty: filterFn && ((k, v) => Boolean(filterFn([k, v]))), numPartitions: n },
        this.env.graph.executor,
      ),
    );
    const values = windows.map(([k, [v]]): [K, V] => [k, v]);
    const kept = filterFn ? values.filter(filterFn) : values;
    return typeof p === "object" ? kept.derive("partitioned", perBatch(kept, (b) => laidOut(b, p))) : kept;
  }

  /**
   * The values of each key over each window, Spark's `groupByKeyAndWindow(window[, slide[,
   * numPartitions | partitioner]])`.
   * @param slide Defaults to this stream's slide.
   * @param partitioning A number of partitions or a `Partitioner`; default: the context's parallelism.
   */
  groupByKeyAndWindow<K, V>(this: DStream<Pair<K, V>>, length: Duration, slide?: Duration, partitioning?: number | Partitioner): DStream<[K, V[]]> {
    return this.groupByKey(partitioning)
      .window(length, slide ?? this.slideDuration)
      .combineByKey<K, V[], V[]>(
        (vs) => vs.slice(),
        appendAll,
        appendAll,
        partitioning,
      );
  }

  // ---- key-value transformations -------------------------------------------------------------

  /**
   * The values of each key in a batch reduced with `fn` (associative, commutative).
   * @param partitioning A number of partitions (hash partitioned) or a `Partitioner`, as Spark's
   *   `reduceByKey(f, numPartitions)` and `reduceByKey(f, partitioner)`; default: the context's parallelism.
   */
  reduceByKey<K, V>(this: DStream<Pair<K, V>>, fn: (a: Widen<V>, b: Widen<V>) => Widen<V>, partitioning?: number | Partitioner): DStream<[K, Widen<V>]> {
    checkPartitioning(partitioning, "reduceByKey");
    return this.derive("reducedByKey", reducedByKey(this as DStream<Pair<K, Widen<V>>>, fn, partitioning));
  }

  /**
   * Spark's `combineByKey`: each key's values folded into a combiner.
   * @param partitioning A number of partitions or a `Partitioner` (Spark's `partitioner`); default: the context's parallelism.
   * @param mapSideCombine Fold each input partition before the shuffle (default), as Spark.
   */
  combineByKey<K, V, C>(
    this: DStream<Pair<K, V>>,
    createCombiner: (value: V) => C,
    mergeValue: (combiner: C, value: V) => C,
    mergeCombiners: (a: C, b: C) => C,
    partitioning?: number | Partitioner,
    mapSideCombine = true,
  ): DStream<[K, C]> {
    checkPartitioning(partitioning, "combineByKey");
    return this.derive("combinedByKey", combinedByKey(this, createCombiner, mergeValue, mergeCombiners, partitioning, mapSideCombine));
  }

  /**
   * The values of each key in a batch.
   * @param partitioning A number of partitions or a `Partitioner`; default: the context's parallelism.
   */
  groupByKey<K, V>(this: DStream<Pair<K, V>>, partitioning?: number | Partitioner): DStream<[K, V[]]> {
    checkPartitioning(partitioning, "groupByKey");
    return this.derive("groupedByKey", groupedByKey(this, partitioning));
  }

  /** Each value through `f`, keys unchanged. */
  mapValues<K, V, U>(this: DStream<Pair<K, V>>, f: (value: V) => U): DStream<[K, U]> {
    return this.derive("mappedValues", mappedValues(this, f));
  }

  /** Each value into zero or more values, each paired with its key. */
  flatMapValues<K, V, U>(this: DStream<Pair<K, V>>, f: (value: V) => Iterable<U>): DStream<[K, U]> {
    return this.derive("flatMappedValues", flatMappedValues(this, f));
  }

  /**
   * For each key in either stream's batch, its values on each side.
   * @param partitioning A number of partitions or a `Partitioner`; default: the context's parallelism.
   */
  cogroup<K, V, W>(this: DStream<Pair<K, V>>, other: DStream<Pair<K, W>>, partitioning?: number | Partitioner): DStream<[K, [V[], W[]]]> {
    checkPartitioning(partitioning, "cogroup");
    return this.derive("cogrouped", cogrouped(this, other, partitioning));
  }

  /**
   * Every pair of values of each key present in both streams' batches.
   * @param partitioning A number of partitions or a `Partitioner`; default: the context's parallelism.
   */
  join<K, V, W>(this: DStream<Pair<K, V>>, other: DStream<Pair<K, W>>, partitioning?: number | Partitioner): DStream<[K, [V, W]]> {
    checkPartitioning(partitioning, "join");
    return this.derive("joined", joined(this, other, partitioning));
  }

  /**
   * `join`, keeping this side's keys missing from `other` with `undefined`.
   * @param partitioning A number of partitions or a `Partitioner`; default: the context's parallelism.
   */
  leftOuterJoin<K, V, W>(this: DStream<Pair<K, V>>, other: DStream<Pair<K, W>>, partitioning?: number | Partitioner): DStream<[K, [V, W | undefined]]> {
    checkPartitioning(partitioning, "leftOuterJoin");
    return this.derive("leftOuterJoined", leftOuterJoined(this, other, partitioning));
  }

  /**
   * `join`, keeping `other`'s keys missing from this side with `undefined`.
   * @param partitioning A number of partitions or a `Partitioner`; default: the context's parallelism.
   */
  rightOuterJoin<K, V, W>(this: DStream<Pair<K, V>>, other: DStream<Pair<K, W>>, partitioning?: number | Partitioner): DStream<[K, [V | undefined, W]]> {
    checkPartitioning(partitioning, "rightOuterJoin");
    return this.derive("rightOuterJoined", rightOuterJoined(this, other, partitioning));
  }

  /**
   * `join`, keeping keys missing from either side with `undefined` there.
   * @param partitioning A number of partitions or a `Partitioner`; default: the context's parallelism.
   */
  fullOuterJoin<K, V, W>(
    this: DStream<Pair<K, V>>,
    other: DStream<Pair<K, W>>,
    partitioning?: number | Partitioner,
  ): DStream<[K, [V | undefined, W | undefined]]> {
    checkPartitioning(partitioning, "fullOuterJoin");
    return this.derive("fullOuterJoined", fullOuterJoined(this, other, partitioning));
  }

  /**
   * State per key across batches: `fn(newValues, previousState)`; returning `undefined` removes
   * the key. Spark's `updateStateByKey(f)`, `(f, numPartitions)`, `(f, partitioner)` and `(f,
   * partitioner, initialRDD)`.
   * @param partitioning A number of partitions or a `Partitioner`; default: the context's parallelism.
   * @param initialState The state before the first batch, e.g. `ssc.parallelize(pairs)` (see `UpdateStateOptions`).
   */
  updateStateByKey<K, V, S>(
    this: DStream<Pair<K, V>>,
    fn: UpdateStateFunction<V, S>,
    partitioning?: number | Partitioner,
    initialState?: Batch<Pair<K, S>>,
  ): DStream<[K, S]>;
  /** The same, with `{ numPartitions | partitioner, initialState }`. */
  updateStateByKey<K, V, S>(this: DStream<Pair<K, V>>, fn: UpdateStateFunction<V, S>, options: UpdateStateOptions<K, S>): DStream<[K, S]>;
  /**
   * Spark's iterator form, `updateStateByKey(f, partitioner, rememberPartitioner[, initialRDD])`
   * with `f: Iterator[(K, Seq[V], Option[S])] => Iterator[(K, S)]`: `fn` gets each partition's
   * `[key, values, state]` entries and returns the new state's pairs.
   */
  updateStateByKey<K, V, S>(this: DStream<Pair<K, V>>, fn: UpdateStateIteratorFunction<K, V, S>, options: UpdateStateIteratorOptions<K, S>): DStream<[K, S]>;
  /**
   * Spark's timed form, `updateStateByKey(f, partitioner, rememberPartitioner, initialRDD)` with
   * `f: (Time, K, Seq[V], Option[S]) => Option[S]`: `fn` also gets the batch time (ms) and the key.
   */
  updateStateByKey<K, V, S>(this: DStream<Pair<K, V>>, fn: TimedUpdateStateFunction<K, V, S>, options: TimedUpdateStateOptions<K, S>): DStream<[K, S]>;
  updateStateByKey<K, V, S>(this: DStream<Pair<K, V>>, fn: unknown, ...args: UpdateStateArguments<K, S>): DStream<[K, S]> {
    return this.derive("updateStateByKey", new StateComputation<K, V, S>(this, fn, args));
  }

  /**
   * Spark's `mapWithState`: the spec's function runs for every new value with the key's `State`,
   * and for idle keys past the spec's timeout; the stream holds what it returns. Its
   * `stateSnapshots()` is the stream of every key's state after each batch.
   */
  mapWithState<K, V, S, U>(this: DStream<Pair<K, V>>, spec: StateSpec<K, V, S, U>): MapWithStateDStream<K, S, U> {
    const internal = this.derive("mapWithState", new MapWithStateComputation<K, V, S, U>(this, spec, this.env.graph.executor));
    // Spark's InternalMapWithStateDStream: checkpointed every 10 slides unless told otherwise.
    internal.defaultCheckpointSlides = 10;
    const mappedStream = internal.flatMap(([, record]) => record.mapped);
    const snapshots = internal.filter(([, record]) => record.present).map(([k, record]): [K, S] => [k, record.state as S]);
    return Object.assign(mappedStream, {
      stateSnapshots: () => snapshots,
      // As Spark's MapWithStateDStreamImpl, the interval is the state's: the mapped values are
      // made again from it.
      checkpoint(this: DStream<U>, interval: Duration) {
        internal.checkpoint(interval);
        return this;
      },
    });
  }

  // ---- output operations ---------------------------------------------------------------------

  /** Runs `fn` on every batch, on the driver; a returned promise is awaited before the next output. */
  foreachRDD(fn: (batch: Batch<T>, time: number) => void | Promise<void>): void {
    this.env.graph.addOutput(this, "foreachRDD", fn as (batch: Batch<unknown>, time: number) => void | Promise<void>);
  }

  /** Prints the first `num` records of every batch under a header with its time, as Spark does. */
  print(num = 10): void {
    this.env.graph.addOutput(this, "print", printer(num, this.env.log));
  }

  /** Writes every batch as a text file `prefix-<time>[.suffix]`, one record a line. */
  saveAsTextFiles(prefix: string, suffix?: string): void {
    this.env.graph.addOutput(this, "saveAsTextFiles", textFileWriter(prefix, suffix, this.env.fileSink()));
  }

  /**
   * Writes every batch as a file `prefix-<time>[.suffix]` of newline-delimited JSON, one record a
   * line (Spark's `saveAsObjectFiles`, with JSON for Java serialization); `jsonLinesStream` reads
   * such files back. A record with no JSON form fails that batch's output, naming the record.
   */
  saveAsObjectFiles(prefix: string, suffix?: string): void {
    this.env.graph.addOutput(this, "saveAsObjectFiles", jsonLinesWriter(prefix, suffix, this.env.fileSink()));
  }

  /**
   * Writes every batch into `writable`, a record a chunk, in order; a batch completes once the
   * sink has taken its last record, so a slow sink slows the job. When the context stops the
   * writable is closed, or aborted with the error when a job failed (`preventClose`,
   * `preventAbort` as in `pipeTo`). The writable is locked from this call on.
   */
  writeTo(writable: WritableStream<T>, options?: WriteToOptions & { chunks?: "records" }): void;
  /** The same, a batch a chunk: `{ time, records }`, empty batches included. */
  writeTo(writable: WritableStream<TimedBatch<T>>, options: WriteToOptions & { chunks: "batches" }): void;
  writeTo(writable: WritableStream<T> | WritableStream<TimedBatch<T>>, options: WriteToOptions = {}): void {
    const output = streamWriter<T>(writable as WritableStream<unknown>, options);
    this.env.graph.addOutput(this, "writeTo", output.run as OutputOperation["run"], output);
  }

  /**
   * The stream's records as a `ReadableStream`, a record a chunk (`for await (const r of
   * stream.toReadableStream())`). Each batch waits until the reader has brought the queue below
   * `highWaterMark` (default 1024 records), so a slow reader slows the job. It closes when the
   * context stops, errors when a job failed; a reader that cancels it (or breaks out of its loop)
   * ends this output only.
   */
  toReadableStream(options?: StreamOutputOptions & { chunks?: "records"; highWaterMark?: number }): ReadableStream<T>;
  /** The same, a batch a chunk: `{ time, records }`, empty batches included (default `highWaterMark` 1). */
  toReadableStream(options: StreamOutputOptions & { chunks: "batches"; highWaterMark?: number }): ReadableStream<TimedBatch<T>>;
  toReadableStream(options: StreamOutputOptions & { highWaterMark?: number } = {}): ReadableStream<T> | ReadableStream<TimedBatch<T>> {
    const { readable, output } = streamReader<T>(options);
    this.env.graph.addOutput(this, "toReadableStream", output.run as OutputOperation["run"], output);
    return readable as ReadableStream<T>;
  }
}
