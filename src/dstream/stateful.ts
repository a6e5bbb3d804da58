import { Batch, flatMapKeepingKeys } from "../core/batch.ts";
import { RivuletError } from "../core/errors.ts";
import type { Pair } from "../core/executor.ts";
import type { Computation, StreamNode, Upstream } from "./upstream.ts";

/** The state function of `updateStateByKey`: `undefined` in, no state yet; `undefined` out, remove the key. */
export type UpdateStateFunction<V, S> = (values: V[], state: S | undefined) => S | undefined;

/** How `updateStateByKey` partitions its state, and what state it starts from. */
export interface UpdateStateOptions<K, S> {
  /** Partitions of the state batches; default: the context's parallelism. */
  readonly numPartitions?: number;
  /**
   * The state before the first batch (Spark's `initialRDD`), e.g. `ssc.parallelize(pairs)`: its
   * keys reach the function at the first batch with their state, new values or not. Not used
   * when the context resumes from a checkpoint, which holds the state to go on from.
   */
  readonly initialState?: Batch<Pair<K, S>>;
}

/**
 * Spark's StateDStream: the state at each time is the previous state cogrouped with the new
 * values, so a key reaches the function when it has new values, old state, or both. The state
 * batch is kept, because the next batch is computed from it.
 */
export class StateComputation<K, V, S> implements Computation<[K, S]> {
  readonly dependencies: readonly StreamNode[];
  private readonly parent: Upstream<Pair<K, V>>;
  private readonly update: UpdateStateFunction<V, S>;
  private readonly numPartitions: number | undefined;
  private initial: Batch<Pair<K, S>> | undefined;
  private self: Upstream<[K, S]> | undefined;
  readonly mustCheckpoint = true;

  constructor(parent: Upstream<Pair<K, V>>, update: UpdateStateFunction<V, S>, options: number | UpdateStateOptions<K, S> = {}) {
    const { numPartitions, initialState } = typeof options === "number" ? { numPartitions: options, initialState: undefined } : options;
    if (initialState !== undefined && !(initialState instanceof Batch)) {
      throw new RivuletError("INVALID_ARGUMENT", "updateStateByKey: initialState must be a batch of [key, state] pairs, e.g. ssc.parallelize(pairs)");
    }
    this.parent = parent;
    this.dependencies = [parent];
    this.update = update;
    this.numPartitions = numPartitions;
    this.initial = initialState;
  }

  get slideDuration() {
    return this.parent.slideDuration;
  }

  attach(self: Upstream<[K, S]>): void {
    this.self = self;
  }

  compute(time: number): Batch<[K, S]> | undefined {
    let previous: Batch<Pair<K, S>> | undefined = this.self!.generatedAt(time - this.slideDuration.milliseconds);
    const input = this.parent.getOrCompute(time);
    // As Spark's StateDStream: the initial state stands for the previous state at the first batch
    // with input, once (later batches always have a previous state, restored or computed).
    if (!previous && input && this.initial) previous = this.initial;
    if (input) this.initial = undefined;
    const update = this.update;
    // Spark's StateDStream keeps one partitioner, the engine's parallelism unless told.
    const n = this.numPartitions ?? input?.engineParallelism;
    let next: Batch<[K, S]>;
    if (input && previous) {
      next = flatMapKeepingKeys(input.cogroup(previous, n), ([k, [values, states]]) => {
        const s = update(values, states.length > 0 ? states[0] : undefined);
        return s === undefined ? [] : [[k, s] as [K, S]];
      });
    } else if (input) {
      next = flatMapKeepingKeys(input.groupByKey(n), ([k, values]) => {
        const s = update(values, undefined);
        return s === undefined ? [] : [[k, s] as [K, S]];
      });
    } else if (previous) {
      next = flatMapKeepingKeys(previous, ([k, state]) => {
        const s = update([], state);
        return s === undefined ? [] : [[k, s] as [K, S]];
      });
    } else {
      return undefined;
    }
    return next.cache();
  }
}
