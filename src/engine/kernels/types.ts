/**
 * The contract of the kernels: columnar batches in, columnar aggregates out. Two implementations:
 * the WebAssembly one (`wasm.ts`) and a pure-TypeScript reference (`reference.ts`), which is the
 * test oracle and the fallback where WebAssembly cannot be instantiated. Only typed arrays cross
 * this interface, so every value here can be transferred to or from a worker as is.
 *
 * Types only: importing this file costs nothing at run time.
 */

import type { ReducerTag } from "../../core/reducers.ts";

/**
 * String keys, columnar: key i is the UTF-8 bytes `bytes[offsets[i], offsets[i + 1])`; there are
 * `offsets.length - 1` keys. Offsets are non-decreasing and at most `bytes.length`.
 */
export interface StringKeyColumn {
  readonly kind: "string";
  readonly bytes: Uint8Array;
  readonly offsets: Uint32Array;
}

/** Number keys, columnar: one float64 per key. */
export interface NumberKeyColumn {
  readonly kind: "number";
  readonly keys: Float64Array;
}

/** A batch's keys, all strings or all numbers (mixed keys take the JS path). */
export type KeyColumn = StringKeyColumn | NumberKeyColumn;

/**
 * Distinct keys with one value each, in first-seen order. `hashes[i]` is the system hash
 * (`hashKey` of src/core/hash.ts) of key i; merges reuse it instead of hashing again.
 * Number keys are canonical: `-0` comes back as `0`, every NaN as the one canonical NaN.
 */
export interface Aggregate {
  readonly keys: KeyColumn;
  readonly values: Float64Array;
  readonly hashes: Uint32Array;
}

/**
 * A map-side result: index p holds the distinct keys of output partition p (those whose hash
 * % numPartitions is p), each in first-seen order within the batch. Every `Aggregate` owns its
 * own buffers, so partition p can be transferred to the thread that merges partition p.
 */
export type PartitionedAggregate = readonly Aggregate[];

/** How a reduction combines values: a built-in reducer, or counting records. */
export type KernelOp = ReducerTag | "count";

/**
 * Hash partitioning of a batch of records: `partitionOf[i]` is record i's partition (hash %
 * numPartitions, Spark's HashPartitioner), and `order` lists the record indices grouped by
 * partition (stable: input order within a partition), partition p being
 * `order.subarray(starts[p], starts[p + 1])`.
 */
export interface PartitionAssignment {
  readonly partitionOf: Uint32Array;
  readonly order: Uint32Array;
  readonly starts: Uint32Array;
}

/**
 * The shuffle and aggregation kernels. Methods are synchronous and thread-agnostic (an instance
 * per thread). Inputs are read, never kept or modified; outputs are fresh arrays the caller owns.
 * Value semantics match the JS reducers of src/core/reducers.ts folded in record order:
 * `sum` is `a + b`, `min`/`max` are `Math.min`/`Math.max` (NaN wins; -0 < 0).
 */
export interface Kernels {
  /** Which implementation this is. Where it is `"reference"`, plain JS paths are usually faster. */
  readonly kind: "wasm" | "reference";
  /** The configured maximum of linear memory in bytes (WASM), or `Infinity` (reference). */
  readonly memoryLimitBytes: number;
  /** Linear memory in use by the instance now, in bytes (0 for the reference). */
  memoryBytes(): number;

  /** The system hash of every key (MurmurHash3_x86_32, seed 0, over the canonical key bytes). */
  hash(keys: KeyColumn): Uint32Array;

  /** Assigns every record to `hash % numPartitions` and groups the record indices by partition. */
  partition(keys: KeyColumn, numPartitions: number): PartitionAssignment;

  /**
   * Map-side combine of a batch: folds `values[i]` into key i's accumulator with `op` (values
   * of one key folded in record order, starting from its first value), split into
   * `numPartitions` output partitions.
   */
  reduceByKey(keys: KeyColumn, values: Float64Array, op: ReducerTag, numPartitions: number): PartitionedAggregate;

  /** Map-side count of each distinct key (countByValue), split into output partitions. */
  countByKey(keys: KeyColumn, numPartitions: number): PartitionedAggregate;

  /**
   * Reduce-side merge of the partials of one output partition (from several map tasks, in task
   * order): folds the values of equal keys with `op` (`"count"` partials merge as `"sum"`).
   * Keys come out in first-seen order over `parts` in order. All parts must have the same key
   * kind; an empty list gives an empty string-keyed aggregate.
   */
  merge(parts: readonly Aggregate[], op: KernelOp): Aggregate;

  /**
   * Fused word count over raw UTF-8 text (lines end in \n or \r\n; other bytes are taken as
   * they are): tokens are maximal runs of non-White_Space characters (see `words` in
   * src/core/words.ts), no case folding; returns the count of each distinct token, split into
   * output partitions by the system hash of the token's UTF-8 bytes. For valid UTF-8 this
   * equals counting `words(line)` over the decoded lines. Invalid UTF-8 is never an error:
   * it stays part of its token, byte for byte. The text may come in pieces (each ending at a
   * line end), counted as their concatenation.
   */
  wordCount(text: Uint8Array | readonly Uint8Array[], numPartitions: number): PartitionedAggregate;
}

/** Options for instantiating the kernels. */
export interface KernelsOptions {
  /**
   * Maximum linear memory of the WASM instance, in bytes (rounded down to 64 KiB pages; at most
   * 4 GiB). A call that needs more fails with `KernelMemoryError`. Default: 1 GiB.
   */
  readonly maxMemoryBytes?: number;
  /**
   * The seed of the aggregation table's slot placement; default: the thread's random table seed,
   * so that keys chosen to collide do not. Results never depend on it (tests set it).
   */
  readonly tableSeed?: number;
}
