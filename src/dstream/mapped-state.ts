import { Batch, flatMapKeepingKeys } from "../core/batch.ts";
import type { Duration } from "../core/duration.ts";
import type { Executor, Pair } from "../core/executor.ts";
import { laidOut, type Partitioning, partitionsOf } from "./partitioning.ts";
import { State, type StateSpec } from "./state-spec.ts";
import type { Computation, StreamNode, Upstream } from "./upstream.ts";

/** One key of the kept state of `mapWithState`, with what the batch mapped for it. */
export interface StateRecord<S, U> {
  readonly state: S | undefined;
  readonly present: boolean;
  /** Batch time of the key's last new value or state change (for timeouts). */
  readonly updatedAt: number;
  readonly mapped: readonly U[];
}

/**
 * Spark's InternalMapWithStateDStream: per batch, the kept state cogrouped with the new values
 * by key; the mapping function runs once per new value, in arrival order, seeing the state as the
 * previous values of the batch left it; idle keys past the timeout get one last call.
 */
export class MapWithStateComputation<K, V, S, U> implements Computation<[K, StateRecord<S, U>]> {
  readonly dependencies: readonly StreamNode[];
  readonly mustCheckpoint = true;
  private self: Upstream<[K, StateRecord<S, U>]> | undefined;
  private initialUsed = false;
  private readonly parent: Upstream<Pair<K, V>>;
  private readonly spec: StateSpec<K, V, S, U>;
  private readonly timeout: Duration | undefined;
  private readonly partitioning: Partitioning | undefined;
  private readonly initial: Batch<Pair<K, S>> | undefined;
  private readonly executor: Executor;

  constructor(parent: Upstream<Pair<K, V>>, spec: StateSpec<K, V, S, U>, executor: Executor) {
    this.executor = executor;
    this.parent = parent;
    this.dependencies = [parent];
    this.spec = spec;
    const settings = spec.settings;
    this.timeout = settings.timeout;
    this.partitioning = settings.partitioning;
    this.initial = settings.initialState;
  }

  get slideDuration(): Duration {
    return this.parent.slideDuration;
  }

  attach(self: Upstream<[K, StateRecord<S, U>]>): void {
    this.self = self;
  }

  compute(time: number): Batch<[K, StateRecord<S, U>]> | undefined {
    const input = this.parent.getOrCompute(time);
    if (!input) return undefined;
    let previous = this.self!.generatedAt(time - this.slideDuration.milliseconds);
    if (!previous && this.initial && !this.initialUsed) {
      this.initialUsed = true;
      previous = this.initial.map(([k, s]): [K, StateRecord<S, U>] => [k, { state: s, present: true, updatedAt: time, mapped: [] }]);
    }
    const spec = this.spec;
    const threshold = this.timeout ? time - this.timeout.milliseconds : -Infinity;
    const step = ([k, [values, states]]: [K, [V[], StateRecord<S, U>[]]]): [K, StateRecord<S, U>][] => {
      const before = states[0];
      if (values.length === 0) {
        if (!before) return [];
        if (before.present && before.updatedAt < threshold) {
          // Idle past the timeout: one last call, then the key is gone.
          const mapped: U[] = [];
          spec.map(time, k, undefined, new State<S>(before.state, true, true), mapped);
          return [[k, { state: undefined, present: false, updatedAt: time, mapped }]];
        }
        return before.present ? [[k, { ...before, mapped: [] }]] : [];
      }
      let value = before?.present ? before.state : undefined;
      let present = before?.present ?? false;
      const mapped: U[] = [];
      for (const v of values) {
        const state = new State<S>(value, present, false);
        spec.map(time, k, v, state, mapped);
        value = state.getOption();
        present = state.exists();
      }
      // A key with new values counts as active for the timeout, as in Spark.
      return [[k, { state: value, present, updatedAt: time, mapped }]];
    };
    const empty = Batch.fromPartitions<[K, StateRecord<S, U>]>([], this.executor);
    // Spark's InternalMapWithStateDStream partitions by the spec's partitioner, else the engine's parallelism.
    const p = this.partitioning;
    return flatMapKeepingKeys(laidOut(input.cogroup(previous ?? empty, partitionsOf(input, p)), p), step).cache();
  }
}
