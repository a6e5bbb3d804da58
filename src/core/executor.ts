import type { Partitioner } from "./partitioner.ts";
import type { Feed } from "./pipeline.ts";
import type { ReducerTag } from "./reducers.ts";

/** The records of one batch, cut into partitions. */
export type Partitions<T> = readonly (readonly T[])[];

/** A key-value record: Spark's `(K, V)` tuple. */
export type Pair<K, V> = readonly [K, V];

/** Spark's `Aggregator`: how values of one key are folded into a combiner. */
export interface Aggregator<V, C> {
  createCombiner(value: V): C;
  mergeValue(combiner: C, value: V): C;
  mergeCombiners(a: C, b: C): C;
  /**
   * Set when the fold is a built-in numeric reducer, which a kernel or a fold of its own can run
   * instead: `createCombiner` is then the identity and `mergeValue` the reducer.
   */
  readonly reducerTag?: ReducerTag | undefined;
}

/** Which stream a batch belongs to, and its time: the same in every copy of a graph. */
export interface BatchOrigin {
  readonly stream: number;
  readonly time: number;
}

/**
 * A shuffle that can run where another copy of the graph lives (a worker that imported the same
 * job module): the output batch to make, and the text input batch its map side starts from.
 */
export interface ShuffleStage {
  /** The stream whose batch at this time is the shuffle's output. */
  readonly output: BatchOrigin;
  /** The input stream's batch: lines held as UTF-8 bytes, cut into `numPartitions` partitions. */
  readonly input: BatchOrigin & { readonly utf8Lines: Uint8Array; readonly numPartitions: number };
  /** Output partitions. */
  readonly numPartitions: number;
  /** Set when the combine is a built-in reducer the kernels run. */
  readonly reducerTag?: ReducerTag | undefined;
}

/**
 * What a batch needs from the engine to run its shuffles. Narrow operators never come here: they
 * are pipelined by the batch itself. Implementations may run the work in this thread, in WASM or
 * in workers; the results must be the same.
 */
export interface Executor {
  /** Default number of partitions for inputs and shuffles (Spark's default parallelism). */
  readonly parallelism: number;

  /**
   * Map-side combine (when asked), hash shuffle, then a merge per output partition. Each input
   * partition comes as a feed, so a chain of narrow operators streams straight into the shuffle.
   */
  combineByKey<K, V, C>(
    input: readonly Feed<Pair<K, V>>[],
    aggregator: Aggregator<V, C>,
    partitioner: Partitioner,
    mapSideCombine: boolean,
  ): Promise<Partitions<[K, C]>>;

  /**
   * The fused word count: the tokens of UTF-8 text made of lines (split by White_Space, as the
   * `words` tokenizer) counted and hash-partitioned, without a string per word. Undefined when
   * the engine has no kernel for it (the caller then takes the JS path, with the same result).
   */
  countWords?(utf8Lines: Uint8Array, numPartitions: number, segments?: readonly Uint8Array[]): Promise<Partitions<[string, number]> | undefined>;

  /**
   * Runs a whole shuffle stage elsewhere (narrow operators, map side and merge, in workers that
   * hold the same graph), with the same result as `combineByKey` on the stage's input. Undefined
   * when it cannot: the caller then runs the shuffle itself.
   */
  runStage?<K, C>(stage: ShuffleStage): Promise<Partitions<[K, C]> | undefined>;

  /**
   * For every key present in any input, the values it has in each input, in input order. Inputs
   * marked `inPlace` are already partitioned by `partitioner`: their partition p goes to output
   * partition p without hashing.
   */
  cogroup<K>(
    inputs: readonly Partitions<Pair<K, unknown>>[],
    partitioner: Partitioner,
    inPlace?: readonly boolean[],
  ): Promise<Partitions<[K, unknown[][]]>>;
}
