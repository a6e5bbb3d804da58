import { tracked } from "./action-scope.ts";
import * as actions from "./batch-actions.ts";
import { histogramIn, histogramOf } from "./batch-histogram.ts";
import * as byKey from "./batch-by-key.ts";
import * as joins from "./batch-joins.ts";
import * as layout from "./batch-layout.ts";
import * as partitioning from "./batch-partitioning.ts";
import * as sampling from "./batch-sampling.ts";
import * as sets from "./batch-sets.ts";
import type { Aggregator, BatchOrigin, Executor, Pair, Partitions, ShuffleStage } from "./executor.ts";
import { type Comparator, naturalOrder, type Orderable } from "./order.ts";
import { hashKey } from "./hash.ts";
import { checkPartitions, HashPartitioner } from "./partitioner.ts";
import { arrayFeed, type Feed, FILTER, FLAT_MAP, MAP, type NarrowOp, PARTITION, pipelineFeed, runPipeline, takePipeline } from "./pipeline.ts";
import { reducerTagOf } from "./reducers.ts";
import { isPairWithOne } from "./pair-with-one.ts";
import { randomSeed, sample } from "./sample.ts";
import type { StatCounter } from "./stat-counter.ts";
import { isWordsTokenizer } from "./words.ts";

type Source = () => Promise<Partitions<unknown>>;

const NO_SOURCE: Source = () => Promise.reject(new Error("a narrow batch computes through its parent"));

/**
 * One batch of a stream: Spark's RDD. A batch is lazy: operators build a plan, and the records are
 * computed when an action (`collect`, `count`, `take`, `first`, `reduce`, `foreach`, …) asks for them.
 * Chains of narrow operators are fused into one pass per partition; shuffles run on the engine
 * and their output is kept, so two actions on one shuffled batch shuffle once. `cache()` keeps a
 * narrow batch's records too.
 */
export class Batch<T> {
  /** How many partitions the records are cut into. */
  readonly numPartitions: number;
  /**
   * Set when the records are hash-partitioned by key into `numPartitions` partitions (the output
   * of a shuffle, and what keeps keys in place after it): a cogroup with such a batch reads its
   * partitions in place instead of hashing every record again (Spark's partitioner-aware cogroup).
   */
  hashPartitioned = false;
  /**
   * Set on a text input batch whose records are exactly the lines of these UTF-8 bytes (valid,
   * nothing dropped): a fused kernel may read the bytes instead of the lines.
   */
  utf8Lines: Uint8Array | undefined;
  /**
   * @internal `utf8Lines` again, as separate buffers cut at line ends (kept where workers get
   * batches by transfer): handed over whole, once, instead of copied.
   */
  utf8Segments: readonly Uint8Array[] | undefined;
  /**
   * @internal The stream and time this batch is the batch of (set by the stream that made it
   * first): how a worker holding the same graph makes the same batch.
   */
  origin: BatchOrigin | undefined;
  /**
   * @internal Set on the output of a shuffle until it is computed: its input and how it is
   * combined (Spark's ShuffleDependency), for a worker to run the map side from its own copy.
   */
  shuffleDependency: ShuffleDependency | undefined;
  private readonly executor: Executor;
  /** Where a root batch's records come from; unused while the batch has a parent. */
  private source: Source;
  /** A narrow batch: its parent and the operator applied to it, fused at computation time. */
  private parent: Batch<unknown> | undefined;
  private op: NarrowOp | undefined;
  private keep: boolean;
  private memo: Promise<Partitions<T>> | undefined;
  /** The records of a batch made from them, held as given. */
  private held: Partitions<T> | undefined;
  private releaseHooks: (() => void)[] | undefined;

  private constructor(executor: Executor, numPartitions: number, source: Source, keep: boolean, parent?: Batch<unknown>, op?: NarrowOp) {
    this.executor = executor;
    this.numPartitions = numPartitions;
    this.source = source;
    this.parent = parent;
    this.op = op;
    this.keep = keep;
  }

  /** A batch over records already cut into partitions (inputs, static data sets). */
  static fromPartitions<T>(partitions: Partitions<T>, executor: Executor): Batch<T> {
    const ready = Promise.resolve(partitions);
    const batch = new Batch<T>(executor, partitions.length, () => ready, false);
    batch.held = partitions;
    return batch;
  }

  /**
   * @internal The number of records when they are already held (a batch made from records or
   * partitions), without computing anything; undefined otherwise.
   */
  heldCount(): number | undefined {
    if (!this.held) return undefined;
    let n = 0;
    for (const p of this.held) n += p.length;
    return n;
  }

  /** A batch over `records` cut into `numPartitions` contiguous slices (Spark's `makeRDD`). */
  static fromRecords<T>(records: readonly T[], numPartitions: number, executor: Executor): Batch<T> {
    return Batch.fromPartitions(slice(records, numPartitions), executor);
  }

  /** A batch whose partitions come from `compute`, run at most once. */
  static deferred<T>(numPartitions: number, executor: Executor, compute: () => Promise<Partitions<T>>): Batch<T> {
    return new Batch<T>(executor, numPartitions, compute, true);
  }

  /**
   * @internal The engine's parallelism (Spark's `sc.defaultParallelism`). A batch's own shuffles
   * default to its inputs' partitions instead; the DStream operators pass this, Spark's default
   * for streams.
   */
  get engineParallelism(): number {
    return this.executor.parallelism;
  }

  // ---- actions -------------------------------------------------------------------------------

  /** @internal Runs `hook` once the stream that made this batch forgets it (see `release`). */
  onRelease(hook: () => void): void {
    (this.releaseHooks ??= []).push(hook);
  }

  /**
   * @internal Called by the stream that made this batch when it forgets it: what the batch holds
   * only for its own jobs (an input's bytes) goes back to its source, as Spark drops a batch's
   * received blocks once the batch is no longer remembered.
   */
  release(): void {
    const hooks = this.releaseHooks;
    if (!hooks) return;
    this.releaseHooks = undefined;
    this.utf8Lines = undefined;
    this.utf8Segments = undefined;
    for (const hook of hooks) hook();
  }

  /** The records of each partition. */
  partitions(): Promise<Partitions<T>> {
    if (this.memo) return this.memo;
    const { source, ops } = this.plan();
    const computed = this.compute(source, ops);
    if (this.keep) {
      this.memo = computed;
      computed.then(
        () => {
          // Let go of the plan: a kept batch (stream state) must not pin every batch it came from.
          this.source = () => computed as Promise<Partitions<unknown>>;
          this.parent = undefined;
          this.op = undefined;
          this.shuffleDependency = undefined;
        },
        () => {
          // A failed computation is not kept: the next action recomputes it, as Spark's lineage does.
          if (this.memo === computed) this.memo = undefined;
        },
      );
    }
    return computed;
  }

  /** Every record, partition after partition. */
  async collect(): Promise<T[]> {
    const parts = await this.partitions();
    return parts.length === 1 ? parts[0]!.slice() : ([] as T[]).concat(...parts);
  }

  /** The number of records. */
  async count(): Promise<number> {
    let n = 0;
    for (const p of await this.partitions()) n += p.length;
    return n;
  }

  /** True when the batch has no record. */
  async isEmpty(): Promise<boolean> {
    return this.numPartitions === 0 || (await this.take(1)).length === 0;
  }

  /**
   * The first `n` records, in partition order, as Spark's `take`: partitions are scanned a few at
   * a time (one, then more as Spark's scale-up decides) and each only as far as the records
   * still wanted, so the operators of a large batch run on little of it.
   * @param n How many; a non-negative integer (`INVALID_ARGUMENT` otherwise, as `top`).
   */
  take(n: number): Promise<T[]> {
    return actions.take(this, n);
  }

  /**
   * @internal The first `limit` records of each of the partitions `indices`: the batch's narrow
   * operators run on those partitions only (and stop after `limit` records each), as a Spark job
   * over some partitions of an RDD. A batch that keeps its records computes them all once.
   */
  async partitionsAt(indices: readonly number[], limit = Infinity): Promise<(readonly T[])[]> {
    if (this.memo || this.keep || !this.parent) {
      const parts = await this.partitions();
      return indices.map((i) => (parts[i]!.length > limit ? parts[i]!.slice(0, limit) : parts[i]!));
    }
    const { source, ops } = this.plan();
    const parts = await source();
    return indices.map((i) => takePipeline(parts[i]!, ops, i, limit) as T[]);
  }

  /** Keeps the computed records for later actions (Spark's `cache`); returns this batch. */
  cache(): this {
    this.keep = true;
    return this;
  }

  /** Spark's `persist()`: `cache()`. Records live in memory only, so there is no storage level to choose. */
  persist(): this {
    return this.cache();
  }

  /**
   * The first record, as Spark's `first`.
   * @returns The first record in partition order.
   * @throws RivuletError `ILLEGAL_STATE` when the batch is empty.
   */
  first(): Promise<T> {
    return actions.first(this);
  }

  /**
   * The records reduced with `fn`, as Spark's `reduce`: each partition in order, then the
   * partitions' results in partition order.
   * @param fn Associative and commutative (partitions may be reduced in any grouping).
   * @throws RivuletError `ILLEGAL_STATE` when the batch is empty (`fold` takes a zero value).
   */
  reduce(fn: (a: T, b: T) => T): Promise<T> {
    return actions.reduce(this, fn);
  }

  /**
   * The records folded with `op`, as Spark's `fold`: each partition from `zero`, then the
   * partitions' results from `zero` again, so `zero` counts once per partition plus once.
   * @param zero The neutral value of `op` (0 for a sum). Shared by every partition: Spark hands
   *   each task its own copy, here it is one value, so `op` must not mutate it (return a new
   *   value instead of changing its first argument, or pass an immutable zero).
   * @param op Associative; combines records within a partition and results across partitions.
   * @returns `zero` for an empty batch.
   */
  fold(zero: T, op: (acc: T, value: T) => T): Promise<T> {
    return actions.aggregate(this, zero, op, op);
  }

  /**
   * The records aggregated into a value of another type, as Spark's `aggregate`: each partition
   * folded with `seqOp` from `zero`, then the partitions' results merged with `combOp` from
   * `zero`, in partition order.
   * @param zero The neutral value. Shared by every partition (Spark hands each task its own
   *   copy; here it is one value), so neither function may mutate it: both may receive `zero`
   *   itself as their first argument, so a mutable accumulator is copied before it is changed.
   * @param seqOp Adds a record to a partition's accumulator.
   * @param combOp Merges two accumulators.
   * @returns `zero` for an empty batch.
   */
  aggregate<U>(zero: U, seqOp: (acc: U, record: T) => U, combOp: (a: U, b: U) => U): Promise<U> {
    return actions.aggregate(this, zero, seqOp, combOp);
  }

  /**
   * The `n` largest records, largest first, as Spark's `top`; ties keep their batch order. Keeps
   * `n` candidates (a bounded heap) rather than sorting the batch when `n` is small.
   * @param n How many; a non-negative integer (`INVALID_ARGUMENT` otherwise).
   * @param compare The order; by default the natural order (`Orderable`).
   */
  top(n: number, compare: Comparator<T>): Promise<T[]>;
  top<U extends Orderable>(this: Batch<U>, n: number): Promise<U[]>;
  top(n: number, compare?: Comparator<T>): Promise<T[]> {
    return actions.top(this, n, compare);
  }

  /**
   * The `n` smallest records, smallest first, as Spark's `takeOrdered`; ties keep their batch
   * order. Keeps `n` candidates (a bounded heap) rather than sorting the batch when `n` is small.
   * @param n How many; a non-negative integer (`INVALID_ARGUMENT` otherwise).
   * @param compare The order; by default the natural order (`Orderable`).
   */
  takeOrdered(n: number, compare: Comparator<T>): Promise<T[]>;
  takeOrdered<U extends Orderable>(this: Batch<U>, n: number): Promise<U[]>;
  takeOrdered(n: number, compare?: Comparator<T>): Promise<T[]> {
    return actions.takeOrdered(this, n, compare);
  }

  /**
   * The smallest record (the first of ties), as Spark's `min`. In the natural order NaN is
   * above every number, so unlike the `min` reducer it is not the minimum of `[NaN, 1]`.
   * @param compare The order; by default the natural order (`Orderable`).
   * @throws RivuletError `ILLEGAL_STATE` when the batch is empty.
   */
  min(compare: Comparator<T>): Promise<T>;
  min<U extends Orderable>(this: Batch<U>): Promise<U>;
  min(compare?: Comparator<T>): Promise<T> {
    return actions.min(this, compare);
  }

  /**
   * The largest record (the first of ties), as Spark's `max`. In the natural order NaN is above
   * every number.
   * @param compare The order; by default the natural order (`Orderable`).
   * @throws RivuletError `ILLEGAL_STATE` when the batch is empty.
   */
  max(compare: Comparator<T>): Promise<T>;
  max<U extends Orderable>(this: Batch<U>): Promise<U>;
  max(compare?: Comparator<T>): Promise<T> {
    return actions.max(this, compare);
  }

  /**
   * The sum of a batch of numbers, as Spark's `sum`: per partition, then across partitions.
   * @returns 0 for an empty batch.
   */
  sum(this: Batch<number>): Promise<number> {
    return actions.sum(this);
  }

  /**
   * The mean of a batch of numbers, as Spark's `mean`: `sum() / count()`, so integer input is
   * exact, or Spark's running mean when that sum overflows while every record is finite (the mean
   * of `[Number.MAX_VALUE, Number.MAX_VALUE]` is `Number.MAX_VALUE`).
   * @returns 0 for an empty batch, as Spark's `StatCounter` (its variance would be NaN).
   */
  mean(this: Batch<number>): Promise<number> {
    return actions.mean(this);
  }

  /**
   * The count, mean, variance, largest and smallest of a batch of numbers in one pass, as Spark's
   * `stats()`: a `StatCounter` per partition (Welford's update), merged in partition order with
   * the pairwise formula, so the variance does not cancel when the mean dwarfs the spread.
   * @returns For an empty batch: count 0, mean 0, variances NaN, max -Infinity, min Infinity.
   */
  stats(this: Batch<number>): Promise<StatCounter> {
    return actions.stats(this);
  }

  /**
   * Spark's `histogram(bucketCount)`: `bucketCount` evenly spaced buckets from the smallest record
   * to the largest, and how many records each holds. Each bucket holds its left edge, and the last
   * also its right edge (one bucket `[x, x]` when every record is `x`).
   * @returns `[edges, counts]`: `bucketCount + 1` edges and `bucketCount` counts.
   * @throws RivuletError `ILLEGAL_STATE` for an empty batch, or one holding ±Infinity or NaN.
   */
  histogram(this: Batch<number>, bucketCount: number): Promise<[number[], number[]]>;
  /**
   * Spark's `histogram(buckets, evenBuckets)`: how many records fall in each bucket between
   * consecutive edges of `buckets` (sorted, distinct, at least two), `[left, right)` except the
   * last, `[left, right]`. Records outside, and NaN, are not counted. `evenBuckets` promises the
   * edges are evenly spaced, so each record's bucket is found by arithmetic instead of a binary
   * search. As Spark's binary search orders -0 before 0, -0 is outside buckets that start at 0.
   */
  histogram(this: Batch<number>, buckets: readonly number[], evenBuckets?: boolean): Promise<number[]>;
  histogram(this: Batch<number>, buckets: number | readonly number[], evenBuckets = false): Promise<[number[], number[]] | number[]> {
    return typeof buckets === "number" ? histogramOf(this, buckets) : histogramIn(this, buckets, evenBuckets);
  }

  /**
   * The population variance of a batch of numbers (divided by the count), as Spark's `variance`:
   * `stats().variance`.
   * @returns NaN for an empty batch.
   */
  async variance(this: Batch<number>): Promise<number> {
    return (await actions.stats(this)).variance;
  }

  /**
   * The population standard deviation of a batch of numbers, as Spark's `stdev`: `stats().stdev`.
   * @returns NaN for an empty batch.
   */
  async stdev(this: Batch<number>): Promise<number> {
    return (await actions.stats(this)).stdev;
  }

  /**
   * The sample variance of a batch of numbers (divided by the count minus 1), as Spark's
   * `sampleVariance`.
   * @returns NaN for fewer than two records.
   */
  async sampleVariance(this: Batch<number>): Promise<number> {
    return (await actions.stats(this)).sampleVariance;
  }

  /**
   * The sample standard deviation of a batch of numbers, as Spark's `sampleStdev`.
   * @returns NaN for fewer than two records.
   */
  async sampleStdev(this: Batch<number>): Promise<number> {
    return (await actions.stats(this)).sampleStdev;
  }

  /**
   * How many records each key has, as Spark's `countByKey`, computed here rather than shuffled.
   * @returns Keys in order of first appearance. Keys follow the key rules: NaN is one key, -0 is
   *   0, and a tuple key is the first array seen for it (a `Map` looks arrays up by reference, so
   *   find tuple keys by iterating).
   */
  countByKey<K>(this: Batch<Pair<K, unknown>>): Promise<Map<K, number>> {
    return actions.countByKey(this);
  }

  /**
   * How many times each distinct record occurs, as Spark's `countByValue`, computed here rather
   * than shuffled. (A stream's `countByValue()` stays a transformation, as in Spark.)
   * @returns Records in order of first appearance, compared by the key rules (see `countByKey`).
   */
  countByValue(): Promise<Map<T, number>> {
    return actions.countByValue(this);
  }

  /**
   * The values of each key reduced with `fn` into a `Map`, as Spark's `reduceByKeyLocally`: each
   * partition reduced on its own, then the partitions' results merged in partition order, with no
   * shuffle.
   * @param fn Associative and commutative.
   * @returns Keys in order of first appearance, under the key rules (see `countByKey`).
   */
  reduceByKeyLocally<K, V>(this: Batch<Pair<K, V>>, fn: (a: V, b: V) => V): Promise<Map<K, V>> {
    return actions.reduceByKeyLocally(this, fn);
  }

  /**
   * The pairs as a `Map`, as Spark's `collectAsMap`: a key appearing more than once keeps its
   * last value (in partition order).
   * @returns Keys in order of first appearance, under the key rules (see `countByKey`).
   */
  collectAsMap<K, V>(this: Batch<Pair<K, V>>): Promise<Map<K, V>> {
    return actions.collectAsMap(this);
  }

  /**
   * The values of `key` in partition order, as Spark's `lookup`: a hash-partitioned batch (the
   * output of a shuffle) is searched in the key's partition only.
   * @param key Compared by the key rules (tuples structurally, NaN equal to NaN, -0 to 0).
   */
  lookup<K, V>(this: Batch<Pair<K, V>>, key: K): Promise<V[]> {
    return actions.lookup(this, key);
  }

  /**
   * Calls `fn` on every record, partition after partition, as Spark's `foreach`.
   * @param fn Called synchronously; a promise it returns is not awaited (for asynchronous work
   *   per record, batch it with `foreachPartition`).
   */
  foreach(fn: (record: T) => void): Promise<void> {
    return actions.foreach(this, fn);
  }

  /**
   * Calls `fn` with each partition's records and index, as Spark's `foreachPartition`. The
   * partitions run one after another, in order: the promise `fn` returns is awaited before the
   * next partition starts (one connection or file at a time; its rejection stops the rest and
   * rejects the result).
   */
  foreachPartition(fn: (records: readonly T[], index: number) => void | Promise<void>): Promise<void> {
    return actions.foreachPartition(this, fn);
  }

  // ---- narrow operators ----------------------------------------------------------------------

  /** Each record through `f`. */
  map<U>(f: (record: T) => U): Batch<U> {
    return this.narrow({ kind: MAP, f: f as (x: unknown) => unknown });
  }

  /** The records for which `f` is truthy. */
  filter(f: (record: T) => unknown): Batch<T> {
    return this.keepingPartitioning(this.narrow({ kind: FILTER, f: f as (x: unknown) => unknown }));
  }

  /** Each record into zero or more records. */
  flatMap<U>(f: (record: T) => Iterable<U>): Batch<U> {
    return this.narrow({ kind: FLAT_MAP, f: f as (x: unknown) => Iterable<unknown> });
  }

  /**
   * Each partition at once; `f` receives the records and the partition's index. With
   * `preservesPartitioning`, `f` promises to keep every key-value record in its partition (it
   * changes values, drops records, never moves keys), as Spark's flag of the same name.
   */
  mapPartitions<U>(f: (records: readonly T[], index: number) => Iterable<U>, preservesPartitioning = false): Batch<U> {
    const out = this.narrow<U>({ kind: PARTITION, f: f as (records: readonly unknown[], index: number) => Iterable<unknown> });
    out.hashPartitioned = preservesPartitioning && this.hashPartitioned;
    return out;
  }

  /**
   * Spark's `mapPartitionsWithIndex`: `mapPartitions` with the partition's index first, as Spark
   * passes it (`(index, records) => …`), e.g. to drop a header from the first partition only.
   */
  mapPartitionsWithIndex<U>(f: (index: number, records: readonly T[]) => Iterable<U>, preservesPartitioning = false): Batch<U> {
    return this.mapPartitions((records, index) => f(index, records), preservesPartitioning);
  }

  /** The number of partitions, as Spark's `getNumPartitions` (the same as `numPartitions`). */
  getNumPartitions(): number {
    return this.numPartitions;
  }

  /** Each partition as one array record. */
  glom(): Batch<T[]> {
    return this.mapPartitions((records) => [records.slice()]);
  }

  /**
   * Each record paired with a key, as Spark's `keyBy`.
   * @returns `[f(record), record]` pairs.
   */
  keyBy<K>(f: (record: T) => K): Batch<[K, T]> {
    return this.map((record): [K, T] => [f(record), record]);
  }

  /**
   * The records grouped by `f(record)`, as Spark's `groupBy`: `keyBy(f).groupByKey()`, records in
   * arrival order per partition. Keys compare by the key rules.
   * @param numPartitions Output partitions; by default this batch's.
   */
  groupBy<K>(f: (record: T) => K, numPartitions?: number): Batch<[K, T[]]> {
    return byKey.groupBy(this, f, numPartitions);
  }

  /**
   * Each record with its position in the batch (partition order, from 0), as Spark's
   * `zipWithIndex`. Partitions are unchanged.
   */
  zipWithIndex(): Batch<[T, number]> {
    return layout.zipWithIndex(this);
  }

  /**
   * Each record with an id unique in the batch, as Spark's `zipWithUniqueId`: the k-th record
   * (from 0) of partition p gets `k * numPartitions + p`. Unlike `zipWithIndex` no partition
   * depends on the others, but the ids leave gaps. Partitions are unchanged.
   */
  zipWithUniqueId(): Batch<[T, number]> {
    return layout.zipWithUniqueId(this);
  }

  /**
   * Each record paired with the record at the same place in `other`, as Spark's `zip`:
   * partition by partition, position by position.
   * @param other A batch with as many partitions, and as many records in each partition.
   * @throws RivuletError `INVALID_ARGUMENT` at once when the partition counts differ; the
   *   batch's actions reject with it when a partition's record counts differ.
   */
  zip<U>(other: Batch<U>): Batch<[T, U]> {
    return layout.zip(this, other);
  }

  /**
   * A random sample, as Spark's `sample`: each record kept with probability `fraction`
   * (Bernoulli), or, with replacement, repeated a Poisson(`fraction`) number of times. Records
   * stay in their partitions, in order.
   * @param withReplacement Whether a record may be picked more than once.
   * @param fraction Expected share of the records (`withReplacement`: expected copies of each),
   *   in [0, 1] without replacement, in [0, 2^32 - 1] with, the most copies of one record an
   *   array (a partition) holds (`INVALID_ARGUMENT` otherwise). Each record's count is drawn in
   *   constant time whatever the fraction.
   * @param seed Makes the sample reproducible (the same on every runtime); without one, a seed
   *   is drawn now, so recomputing this batch still gives the same sample.
   */
  sample(withReplacement: boolean, fraction: number, seed: number = randomSeed()): Batch<T> {
    return sample(this, withReplacement, fraction, seed);
  }

  /**
   * `num` records picked at random, as Spark's `takeSample`, in random order: the whole batch
   * shuffled when it holds no more than `num` records (without replacement); otherwise a
   * `sample` with a fraction that gives at least `num` records all but always (drawn again if
   * not), shuffled and cut to `num`.
   * @param withReplacement Whether a record may be picked more than once.
   * @param num How many; a non-negative integer (`INVALID_ARGUMENT` otherwise).
   * @param seed Makes the pick reproducible (the same on every runtime); without one, a seed is
   *   drawn now.
   * @returns Fewer than `num` records only without replacement from a smaller batch; none from
   *   an empty one.
   */
  takeSample(withReplacement: boolean, num: number, seed: number = randomSeed()): Promise<T[]> {
    return sampling.takeSample(this, withReplacement, num, seed);
  }

  /**
   * The records split at random into one batch per weight, as Spark's `randomSplit`: each record
   * in exactly one split, the splits disjoint, each about its weight's share of the records.
   * Records stay in their partitions, in order. Each split computes this batch again, so `cache()`
   * it first when it is costly.
   * @param weights Finite, non-negative, with a positive sum; normalized by it
   *   (`INVALID_ARGUMENT` otherwise).
   * @param seed Makes the split reproducible; without one, a seed is drawn now.
   */
  randomSplit(weights: readonly number[], seed: number = randomSeed()): Batch<T>[] {
    return sampling.randomSplit(this, weights, seed);
  }

  /**
   * The records in fewer partitions, without a shuffle, as Spark's `coalesce`: contiguous
   * partitions are merged, so records keep their order. Asking for more partitions than there are
   * keeps the count, unless `shuffle` (then it is `repartition`).
   * @param numPartitions The partitions wanted, a positive integer.
   * @param shuffle Spread the records evenly with `repartition` instead (it can add partitions).
   */
  coalesce(numPartitions: number, shuffle = false): Batch<T> {
    return layout.coalesce(this, numPartitions, shuffle);
  }

  /**
   * The distinct records, as Spark's `distinct`, through a hash shuffle: records compare by the
   * key rules (tuples structurally, NaN equal to NaN, -0 to 0), and each keeps its first
   * occurrence.
   * @param numPartitions Output partitions; by default this batch's.
   */
  distinct(numPartitions = ownPartitions(this)): Batch<T> {
    return sets.distinct(this, numPartitions);
  }

  /**
   * The records not in `other`, as Spark's `subtract`: every occurrence is kept (no `distinct`).
   * Records compare by the key rules, through a hash shuffle.
   * @param numPartitions Output partitions; by default this batch's.
   */
  subtract(other: Batch<T>, numPartitions = ownPartitions(this)): Batch<T> {
    return sets.subtract(this, other, numPartitions);
  }

  /**
   * The records in both batches, once each (its first occurrence in this batch), as Spark's
   * `intersection`. Records compare by the key rules, through a cogroup.
   * @param numPartitions Output partitions; by default as `cogroup` (the larger batch's count).
   */
  intersection(other: Batch<T>, numPartitions?: number): Batch<T> {
    return sets.intersection(this, other, numPartitions);
  }

  /**
   * Every pair of a record of this batch and a record of `other`, as Spark's `cartesian`: one
   * partition per pair of partitions (`numPartitions` times `other.numPartitions`), partition
   * `i * other.numPartitions + j` pairing this batch's partition `i` with `other`'s partition `j`.
   */
  cartesian<U>(other: Batch<U>): Batch<[T, U]> {
    return sets.cartesian(this, other);
  }

  /** This batch's records, then `other`'s (partitions side by side, as Spark's `union`). */
  union(other: Batch<T>): Batch<T> {
    return new Batch<T>(this.executor, this.numPartitions + other.numPartitions, async () => {
      const [a, b] = await Promise.all([this.partitions(), other.partitions()]);
      return [...a, ...b];
    }, false);
  }

  /** The records spread evenly over `numPartitions` partitions (order is not kept). */
  repartition(numPartitions: number): Batch<T> {
    checkPartitions(numPartitions);
    return Batch.deferred<T>(numPartitions, this.executor, async () => {
      const out: T[][] = Array.from({ length: numPartitions }, () => []);
      const parts = await this.partitions();
      // Round-robin from a scattered start per input partition (its index hashed), as Spark's (a
      // random generator seeded with the index), so small partitions do not all fill the first ones.
      parts.forEach((p, index) => {
        let target = (hashKey(index) >>> 0) % numPartitions;
        for (let i = 0; i < p.length; i++) {
          out[target]!.push(p[i]!);
          if (++target === numPartitions) target = 0;
        }
      });
      return out;
    });
  }

  /**
   * The records ordered by `key` in the natural order (numbers numerically, strings by code unit,
   * tuples element by element: see `Orderable`), as Spark's `sortBy`: range-partitioned into
   * `numPartitions` disjoint key ranges, ascending (or descending) from the first partition, with
   * all the records of one key in one partition, as Spark's `RangePartitioner`. Equal keys keep
   * their order.
   * @param numPartitions Output partitions, always this many: where a key holds more records than
   *   an even share, a partition may be left empty rather than split the key.
   */
  sortBy(key: (record: T) => Orderable, ascending = true, numPartitions = ownPartitions(this)): Batch<T> {
    checkPartitions(numPartitions);
    return Batch.deferred<T>(numPartitions, this.executor, async () => {
      const records = await this.collect();
      const keys = records.map(key);
      const order = records.map((_, i) => i);
      const sign = ascending ? 1 : -1;
      order.sort((a, b) => sign * naturalOrder(keys[a]!, keys[b]!) || a - b);
      const sameKey = (j: number): boolean => naturalOrder(keys[order[j - 1]!]!, keys[order[j]!]!) === 0;
      return rangeSlices(order.map((i) => records[i]!), numPartitions, sameKey);
    });
  }

  // ---- aggregations --------------------------------------------------------------------------

  /** A one-record batch holding the number of records. */
  countBatch(): Batch<number> {
    return Batch.deferred(1, this.executor, async () => [[await this.count()]]);
  }

  /** A batch holding the fold of all records with `fn`, or no record if this batch is empty. */
  reduceBatch(fn: (a: T, b: T) => T): Batch<T> {
    return Batch.deferred(1, this.executor, async () => {
      let acc: T | undefined;
      let seen = false;
      for (const p of await this.partitions()) {
        for (let i = 0; i < p.length; i++) {
          acc = seen ? fn(acc as T, p[i]!) : p[i]!;
          seen = true;
        }
      }
      return seen ? [[acc as T]] : [[]];
    });
  }

  // ---- key-value operators -------------------------------------------------------------------

  /**
   * Spark's `combineByKey`: values of each key folded into a combiner, after a hash shuffle. A
   * batch already hash-partitioned into `numPartitions` partitions (a shuffle's output) is folded
   * partition by partition instead, with no shuffle, as Spark does for an equal partitioner.
   * @param numPartitions Output partitions. By default, as Spark's `defaultPartitioner` with one
   *   input, this batch's count (so a shuffled batch is not shuffled again); the same default
   *   holds for `reduceByKey`, `groupByKey`, `aggregateByKey` and `foldByKey`. A stream's operators
   *   default to the engine's parallelism instead, as Spark's streams do.
   * @param mapSideCombine Fold each input partition before the shuffle (default), as Spark.
   */
  combineByKey<K, V, C>(
    this: Batch<Pair<K, V>>,
    createCombiner: (value: V) => C,
    mergeValue: (combiner: C, value: V) => C,
    mergeCombiners: (a: C, b: C) => C,
    numPartitions?: number,
    mapSideCombine = true,
  ): Batch<[K, C]> {
    return this.shuffle({ createCombiner, mergeValue, mergeCombiners }, numPartitions, mapSideCombine);
  }

  /**
   * The values of each key reduced with `fn` (associative and commutative). With `sum` over
   * `flatMap(words).map(w => [w, 1])` of a text batch kept as bytes, the engine counts the words
   * from the bytes in one kernel, as for a stream's `countByValue()`.
   * @param numPartitions Output partitions; by default this batch's (see `combineByKey`).
   */
  reduceByKey<K, V>(this: Batch<Pair<K, V>>, fn: (a: V, b: V) => V, numPartitions?: number): Batch<[K, V]> {
    const aggregator: Aggregator<V, V> = {
      createCombiner: (v) => v,
      mergeValue: fn,
      mergeCombiners: fn,
      reducerTag: reducerTagOf(fn),
    };
    const reduced = this.shuffle(aggregator, numPartitions, true);
    return (aggregator.reducerTag === "sum" && this.fusedWordCount(reduced)) || reduced;
  }

  /**
   * `reduced` (this batch's pairs summed by key) counted from the bytes in one kernel, when this
   * batch is `flatMap(words).map(w => [w, 1])` over a text batch kept as bytes and the engine
   * has the word-count kernel; undefined otherwise. Where the kernel cannot run for a batch, the
   * counts come from `reduced`, with the same records, run as the stream's shuffle stage when
   * this is a stream's batch (so a job module's workers still run it).
   */
  private fusedWordCount<K, V>(reduced: Batch<[K, V]>): Batch<[K, V]> | undefined {
    const tokens = this.parent;
    const text = tokens?.parent;
    const bytes = text?.utf8Lines;
    const countWords = this.executor.countWords;
    if (!bytes || !countWords || this.op?.kind !== MAP || !isPairWithOne(this.op.f)) return undefined;
    if (!tokens || tokens.op?.kind !== FLAT_MAP || !isWordsTokenizer(tokens.op.f)) return undefined;
    const executor = this.executor;
    const out: Batch<[K, V]> = Batch.deferred<[K, V]>(reduced.numPartitions, executor, async () => {
      const fused = await countWords.call(executor, bytes, reduced.numPartitions, text.utf8Segments);
      if (fused) return fused as Partitions<[K, V]>;
      reduced.origin ??= out.origin;
      return reduced.partitions();
    });
    out.hashPartitioned = true;
    return out;
  }

  /**
   * The values of each key, in arrival order per partition.
   * @param numPartitions Output partitions; by default this batch's (see `combineByKey`).
   */
  groupByKey<K, V>(this: Batch<Pair<K, V>>, numPartitions?: number): Batch<[K, V[]]> {
    // As in Spark, no map-side combine: it would only copy the arrays.
    return this.shuffle<K, V, V[]>(
      {
        createCombiner: (v) => [v],
        mergeValue: (c, v) => (c.push(v), c),
        mergeCombiners: appendAll,
      },
      numPartitions,
      false,
    );
  }

  /**
   * The values of each key folded into an accumulator of another type, as Spark's
   * `aggregateByKey`: `seqOp` adds a value to an accumulator starting from a copy of `zero`,
   * within each input partition, and `combOp` merges the accumulators of one key after the shuffle.
   * @param zero The starting accumulator, copied once per key and input partition as Spark
   *   deserializes a copy of it, so `seqOp` and `combOp` may change their first argument in place
   *   and return it (`(set, v) => set.add(v)` with `new Set()`). Primitives are used as they are;
   *   objects are copied with `structuredClone` (plain objects, arrays, `Map`, `Set`, `Date`, typed
   *   arrays). A function or a class instance is refused (`INVALID_ARGUMENT`), as it would come
   *   back as a plain object; instances nested inside a zero lose their class silently.
   * @param numPartitions Output partitions; by default this batch's (see `combineByKey`).
   */
  aggregateByKey<K, V, U>(
    this: Batch<Pair<K, V>>,
    zero: U,
    seqOp: (acc: U, value: V) => U,
    combOp: (a: U, b: U) => U,
    numPartitions?: number,
  ): Batch<[K, U]> {
    return byKey.aggregateByKey(this, zero, seqOp, combOp, numPartitions);
  }

  /**
   * The values of each key folded with `fn` from `zero`, as Spark's `foldByKey`: `zero` starts
   * each key once per input partition, so it must be neutral for `fn` (0 for a sum).
   * @param zero Copied per key as in `aggregateByKey`, so `fn` may change its first argument.
   * @param fn Associative; folds values and merges the partitions' results.
   * @param numPartitions Output partitions; by default this batch's (see `combineByKey`).
   */
  foldByKey<K, V>(this: Batch<Pair<K, V>>, zero: V, fn: (a: V, b: V) => V, numPartitions?: number): Batch<[K, V]> {
    return byKey.foldByKey(this, zero, fn, numPartitions);
  }

  /**
   * The pairs hash-partitioned by key, as Spark's `partitionBy(new HashPartitioner(n))`: each
   * key in the partition `HashPartitioner` names, records in their batch order within it. A
   * batch already hash-partitioned into `numPartitions` partitions is returned as it is. The
   * result's cogroups, joins and by-key shuffles into as many partitions read it in place.
   * @param numPartitions A positive integer (`INVALID_ARGUMENT` otherwise).
   */
  partitionBy<P extends Pair<unknown, unknown>>(this: Batch<P>, numPartitions: number): Batch<P> {
    return partitioning.partitionBy(this, numPartitions);
  }

  /**
   * The pairs ordered by key, as Spark's `sortByKey`: `sortBy` on the key, so ties keep their order.
   * @param ascending Smallest key first (default) or largest first.
   * @param numPartitions Output partitions, disjoint key ranges with each key in one partition (as
   *   Spark's `RangePartitioner`; one may be empty where a key outweighs an even share); by default
   *   this batch's.
   */
  sortByKey<P extends Pair<Orderable, unknown>>(this: Batch<P>, ascending = true, numPartitions = ownPartitions(this)): Batch<P> {
    return this.sortBy((pair) => pair[0], ascending, numPartitions);
  }

  /** The key of each pair, as Spark's `keys`. */
  keys<K>(this: Batch<Pair<K, unknown>>): Batch<K> {
    return this.map((pair) => pair[0]);
  }

  /** The value of each pair, as Spark's `values`. */
  values<V>(this: Batch<Pair<unknown, V>>): Batch<V> {
    return this.map((pair) => pair[1]);
  }

  /**
   * The pairs whose key is not in `other`, as Spark's `subtractByKey`: all of their values, in
   * a batch hash-partitioned by key. Keys compare by the key rules, through a cogroup.
   * @param numPartitions Output partitions; by default this batch's.
   */
  subtractByKey<K, V, W>(this: Batch<Pair<K, V>>, other: Batch<Pair<K, W>>, numPartitions = ownPartitions(this)): Batch<[K, V]> {
    return sets.subtractByKey(this, other, numPartitions);
  }

  /** Each value through `f`, keys unchanged (so is the partitioning). */
  mapValues<K, V, U>(this: Batch<Pair<K, V>>, f: (value: V) => U): Batch<[K, U]> {
    return this.keepingPartitioning(this.map(([k, v]): [K, U] => [k, f(v)]));
  }

  /** Each value into zero or more values, each paired with the key. */
  flatMapValues<K, V, U>(this: Batch<Pair<K, V>>, f: (value: V) => Iterable<U>): Batch<[K, U]> {
    return this.keepingPartitioning(
      this.flatMap(([k, v]) => {
        const out: [K, U][] = [];
        for (const u of f(v)) out.push([k, u]);
        return out;
      }),
    );
  }

  /**
   * For each key in either batch, its values in this batch and in `other`. A side already
   * hash-partitioned into the output's partitions is read in place, not shuffled again.
   * @param numPartitions Output partitions. By default, as Spark's `defaultPartitioner`: the
   *   partition count of a hash-partitioned side (the one with more partitions) unless the other
   *   side has ten times as many or more, else the larger partition count of the two.
   */
  cogroup<K, V, W>(this: Batch<Pair<K, V>>, other: Batch<Pair<K, W>>, numPartitions?: number): Batch<[K, [V[], W[]]]> {
    const n = numPartitions ?? partitioning.defaultPartitions([this, other]);
    checkPartitions(n);
    return Batch.cogroupAll<K>([this, other as Batch<Pair<K, unknown>>], n) as unknown as Batch<[K, [V[], W[]]]>;
  }

  /** For each key in any of `batches`, its values in each, in order (Spark's CoGroupedRDD). */
  static cogroupAll<K>(batches: readonly Batch<Pair<K, unknown>>[], numPartitions: number): Batch<[K, unknown[][]]> {
    checkPartitions(numPartitions);
    const executor = batches[0]!.executor;
    const inPlace = batches.map((b) => b.hashPartitioned && b.numPartitions === numPartitions);
    const out = Batch.deferred(numPartitions, executor, async () => {
      const inputs = await Promise.all(batches.map((b) => b.partitions()));
      return executor.cogroup<K>(inputs, new HashPartitioner(numPartitions), inPlace);
    });
    out.hashPartitioned = true;
    return out;
  }

  /** Every pair of values of each key present in both batches. */
  join<K, V, W>(this: Batch<Pair<K, V>>, other: Batch<Pair<K, W>>, numPartitions?: number): Batch<[K, [V, W]]> {
    return joins.join(this, other, numPartitions);
  }

  /** Like `join`, keeping keys missing from `other` with `undefined` (Scala's `None`). */
  leftOuterJoin<K, V, W>(this: Batch<Pair<K, V>>, other: Batch<Pair<K, W>>, numPartitions?: number): Batch<[K, [V, W | undefined]]> {
    return joins.leftOuterJoin(this, other, numPartitions);
  }

  /** Like `join`, keeping keys missing from this batch with `undefined`. */
  rightOuterJoin<K, V, W>(this: Batch<Pair<K, V>>, other: Batch<Pair<K, W>>, numPartitions?: number): Batch<[K, [V | undefined, W]]> {
    return joins.rightOuterJoin(this, other, numPartitions);
  }

  /** Like `join`, keeping keys missing from either side with `undefined` on that side. */
  fullOuterJoin<K, V, W>(this: Batch<Pair<K, V>>, other: Batch<Pair<K, W>>, numPartitions?: number): Batch<[K, [V | undefined, W | undefined]]> {
    return joins.fullOuterJoin(this, other, numPartitions);
  }

  // ---- internals -----------------------------------------------------------------------------

  /**
   * @internal A batch on this batch's engine whose partitions come from `compute`, recomputed by
   * each action unless cached: how the operators of batch-sets.ts and batch-layout.ts make batches
   * without importing this module (which imports them).
   */
  derive<U>(numPartitions: number, compute: () => Promise<Partitions<U>>): Batch<U> {
    // No partitions at all is a batch too (an empty window, Spark's EmptyRDD), and so are what
    // narrow layouts make of it (a coalesce, a cartesian product, an index).
    if (numPartitions !== 0) checkPartitions(numPartitions);
    return new Batch<U>(this.executor, numPartitions, compute, false);
  }

  private keepingPartitioning<U>(derived: Batch<U>): Batch<U> {
    derived.hashPartitioned = this.hashPartitioned;
    return derived;
  }

  private narrow<U>(op: NarrowOp): Batch<U> {
    // A kept batch is a boundary: fusing through it would recompute what it keeps.
    return new Batch<U>(this.executor, this.numPartitions, NO_SOURCE, false, this as Batch<unknown>, op);
  }

  private shuffle<K, V, C>(this: Batch<Pair<K, V>>, aggregator: Aggregator<V, C>, numPartitions: number | undefined, mapSideCombine: boolean): Batch<[K, C]> {
    const n = numPartitions ?? partitioning.defaultPartitions([this]);
    checkPartitions(n);
    // Keys already in the partitions the shuffle would send them to: Spark folds them in place.
    if (this.hashPartitioned && this.numPartitions === n) return partitioning.combineInPlace(this, aggregator);
    const partitioner = new HashPartitioner(n);
    const executor = this.executor;
    const out: Batch<[K, C]> = Batch.deferred(n, executor, async () => {
      const stage = executor.runStage && mapSideCombine ? this.stageOf(out, n, aggregator) : undefined;
      const remote = stage && (await executor.runStage!<K, C>(stage));
      return remote ?? executor.combineByKey(await this.feeds(), aggregator, partitioner, mapSideCombine);
    });
    out.hashPartitioned = true;
    out.shuffleDependency = { parent: this as Batch<Pair<unknown, unknown>>, aggregator: aggregator as Aggregator<unknown, unknown>, partitioner, mapSideCombine };
    return out;
  }

  /**
   * The shuffle producing `out` as a stage another thread can run from its own copy of the graph:
   * when `out` is a stream's batch and its input is a chain of narrow operators over an input
   * stream's text batch held as bytes, each input partition's lines (a range of those bytes) are
   * all a worker needs to run the chain and the map side.
   */
  private stageOf(out: Batch<unknown>, numPartitions: number, aggregator: Aggregator<unknown, unknown>): ShuffleStage | undefined {
    const root = this.lineageRoot();
    if (!out.origin || !root.origin || !root.utf8Lines) return undefined;
    return {
      output: out.origin,
      input: { ...root.origin, utf8Lines: root.utf8Lines, numPartitions: root.numPartitions },
      numPartitions,
      reducerTag: aggregator.reducerTag,
    };
  }

  /** The batch the fused chain computing this one starts from. */
  private lineageRoot(): Batch<unknown> {
    let b: Batch<unknown> = this as Batch<unknown>;
    while (b.parent && !b.keep) b = b.parent;
    return b;
  }

  /**
   * @internal Each partition as a feed: the fused chain runs as the consumer pulls, nothing in
   * between. Feeds are lazy, so a caller using one partition computes only that one.
   */
  async feeds(): Promise<Feed<T>[]> {
    const { source, ops } = this.plan();
    if (this.keep || ops.length === 0) return (await this.partitions()).map((p) => arrayFeed(p));
    const parts = await source();
    return parts.map((p, i) => pipelineFeed(p, ops, i) as Feed<T>);
  }

  /**
   * The fused chain computing this batch: narrow operators back to the nearest batch that is a
   * root or kept. Worked out when computed, not when built, so `cache()` on an ancestor called
   * after its children were made still serves them (as Spark's `persist`).
   */
  private plan(): { source: Source; ops: NarrowOp[] } {
    const parent = this.parent;
    if (!parent) return { source: this.source, ops: [] };
    if (parent.keep) return { source: () => parent.partitions(), ops: [this.op!] };
    const p = parent.plan();
    p.ops.push(this.op!);
    return p;
  }

  private async compute(source: Source, ops: readonly NarrowOp[]): Promise<Partitions<T>> {
    const parts = await source();
    if (ops.length === 0) return parts as Partitions<T>;
    return parts.map((p, i) => runPipeline(p, ops, i)) as Partitions<T>;
  }
}

/** The actions of a batch: what an output operation's function may start without awaiting (see action-scope.ts). */
const ACTIONS = [
  "collect", "count", "isEmpty", "take", "first", "reduce", "fold", "aggregate", "top", "takeOrdered", "min", "max",
  "sum", "mean", "stats", "variance", "stdev", "sampleVariance", "sampleStdev", "countByKey", "countByValue",
  "reduceByKeyLocally", "collectAsMap", "lookup", "foreach", "foreachPartition", "takeSample",
] as const satisfies readonly (keyof Batch<unknown>)[];

for (const name of ACTIONS) {
  const methods = Batch.prototype as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>;
  const action = methods[name]!;
  methods[name] = function (this: Batch<unknown>, ...args: unknown[]): Promise<unknown> {
    return tracked(action.apply(this, args));
  };
}

/** @internal A shuffle's input and how it is combined. */
export interface ShuffleDependency {
  readonly parent: Batch<Pair<unknown, unknown>>;
  readonly aggregator: Aggregator<unknown, unknown>;
  readonly partitioner: HashPartitioner;
  readonly mapSideCombine: boolean;
}

/**
 * `flatMap` for functions that keep each record's key (they change values or drop records): the
 * result keeps the batch's hash partitioning, so the next cogroup reads it in place.
 */
export function flatMapKeepingKeys<T, U>(batch: Batch<T>, f: (record: T) => readonly U[]): Batch<U> {
  return batch.mapPartitions((records) => {
    const out: U[] = [];
    for (let i = 0; i < records.length; i++) appendAll(out, f(records[i]!));
    return out;
  }, true);
}

/** `a.push(...b)` without spreading: a hot key's values would overflow the call stack. */
export function appendAll<V>(a: V[], b: readonly V[]): V[] {
  for (let i = 0; i < b.length; i++) a.push(b[i]!);
  return a;
}

/**
 * Sorted `records` cut into `n` contiguous slices, never between two records of one key
 * (`sameKey(j)`: record `j` has the key of record `j - 1`). Each cut of `slice` moves to the
 * nearest place between two keys, later on a tie (Spark's range bounds are inclusive, so a key
 * straddling a cut goes to the earlier partition): with distinct keys the slices are `slice`'s,
 * and a key holding more than an even share leaves a partition empty. Kept at `n` slices, where
 * Spark's RangePartitioner may give fewer partitions: a batch's partition count is known before it
 * is computed (`numPartitions`), so it cannot depend on the keys.
 */
function rangeSlices<T>(records: readonly T[], n: number, sameKey: (j: number) => boolean): (readonly T[])[] {
  checkPartitions(n);
  const len = records.length;
  if (n === 1) return [records];
  // The nearest place between two keys at or before, and at or after, each index.
  const before = new Int32Array(len + 1);
  const after = new Int32Array(len + 1);
  for (let j = 0; j <= len; j++) before[j] = j === 0 || j === len || !sameKey(j) ? j : before[j - 1]!;
  for (let j = len; j >= 0; j--) after[j] = j === 0 || j === len || !sameKey(j) ? j : after[j + 1]!;
  const out: T[][] = [];
  let from = 0;
  for (let i = 1; i <= n; i++) {
    const ideal = Math.floor((i * len) / n);
    const to = ideal - before[ideal]! < after[ideal]! - ideal ? before[ideal]! : after[ideal]!;
    out.push(records.slice(from, to));
    from = to;
  }
  return out;
}

/** `records` cut into `n` contiguous slices of near-equal size (the first ones take the extra). */
export function slice<T>(records: readonly T[], n: number): (readonly T[])[] {
  checkPartitions(n);
  // One partition is the array itself: partitions are never written to, so no copy is needed.
  if (n === 1) return [records];
  const out: T[][] = [];
  const len = records.length;
  // Spark's ParallelCollectionRDD.slice: partition i holds [i*len/n, (i+1)*len/n).
  for (let i = 0; i < n; i++) out.push(records.slice(Math.floor((i * len) / n), Math.floor(((i + 1) * len) / n)));
  return out;
}

/**
 * This batch's partition count as the default of a shuffle keeping it (Spark's
 * `partitions.length`), at least one: a batch of none (an empty window) shuffles into one, empty.
 */
function ownPartitions(batch: Batch<unknown>): number {
  return Math.max(1, batch.numPartitions);
}
