import type { Batch } from "../core/batch.ts";
import type { Duration } from "../core/duration.ts";
import { RivuletError } from "../core/errors.ts";
import type { Pair } from "../core/executor.ts";
import type { Partitioner } from "../core/partitioner.ts";
import { checkPartitioning, type Partitioning } from "./partitioning.ts";

/**
 * The state of one key inside a `mapWithState` function, Spark's `State`: read it, update it,
 * remove it. While a key is timing out (idle longer than the spec's timeout) it can be read and
 * removed but not updated, and it is removed afterwards whatever the function does.
 */
export class State<S> {
  private value: S | undefined;
  private present: boolean;
  private timingOut: boolean;
  private removed = false;

  /** @internal */
  constructor(value: S | undefined, present: boolean, timingOut: boolean) {
    this.value = value;
    this.present = present;
    this.timingOut = timingOut;
  }

  /** True when the key has state. */
  exists(): boolean {
    return this.present;
  }

  /** The state; throws when there is none (Spark's NoSuchElementException). */
  get(): S {
    if (!this.present) throw new RivuletError("ILLEGAL_STATE", "State.get(): the state does not exist; check exists() first");
    return this.value as S;
  }

  /** The state, or undefined when there is none. */
  getOption(): S | undefined {
    return this.present ? this.value : undefined;
  }

  /** Sets the state. Not allowed on a removed or timing-out state. */
  update(newState: S): void {
    if (this.removed) throw new RivuletError("ILLEGAL_STATE", "State.update(): the state has already been removed");
    if (this.timingOut) throw new RivuletError("ILLEGAL_STATE", "State.update(): the state is timing out and cannot be updated");
    this.value = newState;
    this.present = true;
  }

  /** Removes the state. */
  remove(): void {
    if (this.timingOut) {
      this.present = false;
      this.removed = true;
      return;
    }
    if (this.removed) throw new RivuletError("ILLEGAL_STATE", "State.remove(): the state has already been removed");
    this.value = undefined;
    this.present = false;
    this.removed = true;
  }

  /** True when the function is called because the key has been idle past the timeout. */
  isTimingOut(): boolean {
    return this.timingOut;
  }
}

/** The function of `mapWithState`: `value` is undefined when the key is timing out. */
export type MappingFunction<K, V, S, U> = (key: K, value: V | undefined, state: State<S>) => U;

/**
 * Spark's other mapping function, `(time, key, Option[value], state) => Option[mapped]`: it is
 * also told the batch time, and returns `undefined` to emit nothing for this call.
 */
export type TimedMappingFunction<K, V, S, U> = (time: number, key: K, value: V | undefined, state: State<S>) => U | undefined;

/**
 * Everything `mapWithState` needs, Spark's `StateSpec`: the mapping function and, optionally, a
 * timeout for idle keys, the number of partitions of the state and an initial state.
 */
export class StateSpec<K, V, S, U> {
  private readonly fn: MappingFunction<K, V, S, U> | undefined;
  private readonly timedFn: TimedMappingFunction<K, V, S, U> | undefined;
  private idleTimeout: Duration | undefined;
  private partitioning: Partitioning | undefined;
  private initial: Batch<Pair<K, S>> | undefined;

  private constructor(fn: MappingFunction<K, V, S, U> | undefined, timedFn: TimedMappingFunction<K, V, S, U> | undefined) {
    this.fn = fn;
    this.timedFn = timedFn;
  }

  /** A spec around the mapping function `(key, value | undefined, state) => mapped`. */
  static function<K, V, S, U>(fn: MappingFunction<K, V, S, U>): StateSpec<K, V, S, U> {
    if (typeof fn !== "function") throw new RivuletError("INVALID_ARGUMENT", "StateSpec.function() takes a function");
    return new StateSpec(fn, undefined);
  }

  /**
   * A spec around Spark's timed mapping function, `(time, key, value | undefined, state) =>
   * mapped | undefined` (`StateSpec.function(Function4)` in Spark): it gets the batch time, and
   * a call that returns `undefined` adds nothing to the mapped stream.
   */
  static timedFunction<K, V, S, U>(fn: TimedMappingFunction<K, V, S, U>): StateSpec<K, V, S, U> {
    if (typeof fn !== "function") throw new RivuletError("INVALID_ARGUMENT", "StateSpec.timedFunction() takes a function");
    return new StateSpec<K, V, S, U>(undefined, fn);
  }

  /** @internal Runs the mapping function for one call, appending what it maps to (if anything) to `out`. */
  map(time: number, key: K, value: V | undefined, state: State<S>, out: U[]): void {
    if (this.fn) {
      out.push(this.fn(key, value, state));
      return;
    }
    const mapped = this.timedFn!(time, key, value, state);
    if (mapped !== undefined) out.push(mapped);
  }

  /** Keys not updated for `idle` get one last call with `isTimingOut()` true, then lose their state. */
  timeout(idle: Duration): this {
    this.idleTimeout = idle;
    return this;
  }

  /** The number of partitions of the state, hash partitioned (Spark's `HashPartitioner(n)`); the last of this and `partitioner` wins. */
  numPartitions(n: number): this {
    if (!Number.isInteger(n) || n < 1) throw new RivuletError("INVALID_ARGUMENT", `numPartitions must be a positive integer, got ${n}`);
    this.partitioning = n;
    return this;
  }

  /**
   * Spark's `partitioner(p)`: places each key of the state, and so of the mapped stream and the
   * snapshots, in `p.getPartition(key)` of `p.numPartitions` partitions; the last of this and
   * `numPartitions` wins.
   */
  partitioner(partitioner: Partitioner): this {
    if (typeof partitioner !== "object" || partitioner === null) throw new RivuletError("INVALID_ARGUMENT", "StateSpec.partitioner() takes a Partitioner");
    checkPartitioning(partitioner, "StateSpec.partitioner");
    this.partitioning = partitioner;
    return this;
  }

  /** State to start from, as `[key, state]` pairs (e.g. from `ssc.parallelize`). */
  initialState(batch: Batch<Pair<K, S>>): this {
    this.initial = batch;
    return this;
  }

  /** @internal */
  get settings(): { timeout: Duration | undefined; partitioning: Partitioning | undefined; initialState: Batch<Pair<K, S>> | undefined } {
    return { timeout: this.idleTimeout, partitioning: this.partitioning, initialState: this.initial };
  }
}
