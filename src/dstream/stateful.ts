import { Batch } from "../core/batch.ts";
import { RivuletError } from "../core/errors.ts";
import type { Pair } from "../core/executor.ts";
import type { Partitioner } from "../core/partitioner.ts";
import { checkPartitioning, isPartitioner, laidOut, type Partitioning, partitionsOf } from "./partitioning.ts";
import type { Computation, StreamNode, Upstream } from "./upstream.ts";

/** The state function of `updateStateByKey`: `undefined` in, no state yet; `undefined` out, remove the key. */
export type UpdateStateFunction<V, S> = (values: V[], state: S | undefined) => S | undefined;

/**
 * Spark's iterator form of the state function, `Iterator[(K, Seq[V], Option[S])] =>
 * Iterator[(K, S)]`: called once per partition of each batch with that partition's keys (read
 * them once), it returns the pairs of the new state. A key it leaves out is removed; it may also
 * add keys (then pass `rememberPartitioner: false`, see `UpdateStateIteratorOptions`).
 */
export type UpdateStateIteratorFunction<K, V, S> = (entries: Iterable<[key: K, values: V[], state: S | undefined]>) => Iterable<readonly [K, S]>;

/**
 * Spark's timed form of the state function, `(Time, K, Seq[V], Option[S]) => Option[S]`: it is
 * also given the batch time (ms) and the key; `undefined` out removes the key.
 */
export type TimedUpdateStateFunction<K, V, S> = (time: number, key: K, values: V[], state: S | undefined) => S | undefined;

/** How `updateStateByKey` partitions its state, and what state it starts from. */
export interface UpdateStateOptions<K, S> {
  /** The form of the function: `(values, state)`, the default. */
  readonly form?: "values";
  /** Partitions of the state batches, hash partitioned; default: the context's parallelism. */
  readonly numPartitions?: number;
  /** Spark's `partitioner`: places each key of the state (instead of `numPartitions`). */
  readonly partitioner?: Partitioner;
  /**
   * The state before the first batch (Spark's `initialRDD`), e.g. `ssc.parallelize(pairs)`: its
   * keys reach the function at the first batch with their state, new values or not. Not used
   * when the context resumes from a checkpoint, which holds the state to go on from.
   */
  readonly initialState?: Batch<Pair<K, S>>;
}

/** The options of the iterator form, `updateStateByKey(fn, { form: "iterator", … })`. */
export interface UpdateStateIteratorOptions<K, S> extends Omit<UpdateStateOptions<K, S>, "form"> {
  readonly form: "iterator";
  /**
   * Spark's `rememberPartitioner` (default true): the state keeps its partitioning, so the next
   * batch reads it in place instead of shuffling it again. That holds only while the function
   * returns each key in the partition it came from; a function that makes up new keys needs
   * `false`, or the next batch may see a key's state and its new values apart (as in Spark).
   */
  readonly rememberPartitioner?: boolean;
}

/** The options of the timed form, `updateStateByKey((time, key, values, state) => …, { form: "timed", … })`. */
export interface TimedUpdateStateOptions<K, S> extends Omit<UpdateStateOptions<K, S>, "form"> {
  readonly form: "timed";
  /** Spark's `rememberPartitioner` (default true); the function keeps each key where it is, so nothing to choose but speed. */
  readonly rememberPartitioner?: boolean;
}

/** What the overloads of `updateStateByKey` take after the function. */
export type UpdateStateArguments<K, S> = readonly [
  partitioning?: Partitioning | UpdateStateOptions<K, S> | UpdateStateIteratorOptions<K, S> | TimedUpdateStateOptions<K, S>,
  initialState?: Batch<Pair<K, S>>,
];

/** Every form of the state function, as the computation runs it. */
interface StateUpdate<K, V, S> {
  /** Per key: the values and timed forms. */
  readonly perKey?: TimedUpdateStateFunction<K, V, S>;
  /** Per partition: the iterator form. */
  readonly perPartition?: UpdateStateIteratorFunction<K, V, S>;
}

interface StateSettings<K, V, S> {
  readonly update: StateUpdate<K, V, S>;
  readonly partitioning: Partitioning | undefined;
  readonly initialState: Batch<Pair<K, S>> | undefined;
  readonly rememberPartitioner: boolean;
}

/** The settings of Spark's overloads, spelled as positional arguments or as options, checked. */
function settingsOf<K, V, S>(fn: unknown, args: UpdateStateArguments<K, S>): StateSettings<K, V, S> {
  const [second, third] = args;
  if (typeof fn !== "function") throw new RivuletError("INVALID_ARGUMENT", "updateStateByKey: the first argument must be the state function");
  // Spark's positional forms: (f), (f, numPartitions), (f, partitioner), (f, partitioner, initialRDD).
  if (second === undefined || typeof second === "number" || isPartitioner(second)) {
    checkPartitioning(second, "updateStateByKey");
    return build(fn, undefined, second, third, true);
  }
  if (typeof second !== "object" || second === null) {
    throw new RivuletError("INVALID_ARGUMENT", "updateStateByKey: the second argument must be a number of partitions, a Partitioner or options");
  }
  const options: UpdateStateIteratorOptions<K, S> | TimedUpdateStateOptions<K, S> | UpdateStateOptions<K, S> = second;
  if (third !== undefined) throw new RivuletError("INVALID_ARGUMENT", "updateStateByKey: with options, give the initial state as their initialState");
  if (options.numPartitions !== undefined && options.partitioner !== undefined) {
    throw new RivuletError("INVALID_ARGUMENT", "updateStateByKey: give numPartitions or a partitioner, not both");
  }
  const partitioning = options.partitioner ?? options.numPartitions;
  checkPartitioning(partitioning, "updateStateByKey");
  const form = options.form ?? "values";
  if (form !== "values" && form !== "iterator" && form !== "timed") {
    throw new RivuletError("INVALID_ARGUMENT", `updateStateByKey: form must be "values", "iterator" or "timed", got ${String(form)}`);
  }
  const remember = "rememberPartitioner" in options ? options.rememberPartitioner ?? true : true;
  return build(fn, form, partitioning, options.initialState, remember);
}

function build<K, V, S>(
  fn: unknown,
  form: "values" | "iterator" | "timed" | undefined,
  partitioning: Partitioning | undefined,
  initialState: Batch<Pair<K, S>> | undefined,
  rememberPartitioner: boolean,
): StateSettings<K, V, S> {
  if (initialState !== undefined && !(initialState instanceof Batch)) {
    throw new RivuletError("INVALID_ARGUMENT", "updateStateByKey: initialState must be a batch of [key, state] pairs, e.g. ssc.parallelize(pairs)");
  }
  let update: StateUpdate<K, V, S>;
  if (form === "iterator") update = { perPartition: fn as UpdateStateIteratorFunction<K, V, S> };
  else if (form === "timed") update = { perKey: fn as TimedUpdateStateFunction<K, V, S> };
  else {
    const values = fn as UpdateStateFunction<V, S>;
    update = { perKey: (_time, _key, vs, s) => values(vs, s) };
  }
  return { update, partitioning, initialState, rememberPartitioner };
}

/**
 * Spark's StateDStream: the state at each time is the previous state cogrouped with the new
 * values, so a key reaches the function when it has new values, old state, or both. The state
 * batch is kept, because the next batch is computed from it.
 */
export class StateComputation<K, V, S> implements Computation<[K, S]> {
  readonly dependencies: readonly StreamNode[];
  private readonly parent: Upstream<Pair<K, V>>;
  private readonly settings: StateSettings<K, V, S>;
  private initial: Batch<Pair<K, S>> | undefined;
  private self: Upstream<[K, S]> | undefined;
  readonly mustCheckpoint = true;

  constructor(parent: Upstream<Pair<K, V>>, fn: unknown, args: UpdateStateArguments<K, S>) {
    this.settings = settingsOf<K, V, S>(fn, args);
    this.parent = parent;
    this.dependencies = [parent];
    this.initial = this.settings.initialState;
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
    const p = this.settings.partitioning;
    if (input && previous) {
      // Spark's StateDStream keeps one partitioner, the engine's parallelism unless told.
      const grouped = laidOut(input.cogroup(previous, partitionsOf(input, p)), p);
      return this.apply(grouped, time, {
        key: (r) => r[0],
        values: (r) => r[1][0],
        state: (r) => (r[1][1].length > 0 ? r[1][1][0] : undefined),
      });
    }
    if (input) return this.apply(laidOut(input.groupByKey(partitionsOf(input, p)), p), time, { key: (r) => r[0], values: (r) => r[1], state: () => undefined });
    // No new batch: the state stays where it is, each key called with no values.
    if (previous) return this.apply(previous, time, { key: (r) => r[0], values: () => [], state: (r) => r[1] });
    return undefined;
  }

  /** The update over each partition of `batch`, whose records `entry` reads as Spark's `(key, values, state)`. */
  private apply<R>(batch: Batch<R>, time: number, read: EntryReader<R, K, V, S>): Batch<[K, S]> {
    const { perKey, perPartition } = this.settings.update;
    const perRecords = perPartition
      ? (records: readonly R[]): [K, S][] => fromIterator(perPartition(entriesOf(records, read)))
      : (records: readonly R[]): [K, S][] => {
          // Read in place: no entry tuple per key on the per-key forms.
          const out: [K, S][] = [];
          for (let i = 0; i < records.length; i++) {
            const r = records[i]!;
            const k = read.key(r);
            const next = perKey!(time, k, read.values(r), read.state(r));
            if (next !== undefined) out.push([k, next]);
          }
          return out;
        };
    return batch.mapPartitions(perRecords, this.settings.rememberPartitioner).cache();
  }
}

/** How a grouped record reads as Spark's `(key, values, state)`. */
interface EntryReader<R, K, V, S> {
  key(record: R): K;
  values(record: R): V[];
  state(record: R): S | undefined;
}

function* entriesOf<R, K, V, S>(records: readonly R[], read: EntryReader<R, K, V, S>): Generator<[K, V[], S | undefined], void, undefined> {
  for (let i = 0; i < records.length; i++) {
    const r = records[i]!;
    yield [read.key(r), read.values(r), read.state(r)];
  }
}

/** What the iterator form returned, as fresh pairs; a clear error instead of "not iterable" somewhere later. */
function fromIterator<K, S>(result: Iterable<readonly [K, S]>): [K, S][] {
  if (result === null || typeof result !== "object" || typeof (result as Iterable<unknown>)[Symbol.iterator] !== "function") {
    throw new RivuletError("INVALID_ARGUMENT", `updateStateByKey: the iterator function must return an iterable of [key, state] pairs, got ${result === null ? "null" : typeof result}`);
  }
  const out: [K, S][] = [];
  for (const pair of result) {
    if (!Array.isArray(pair)) throw new RivuletError("INVALID_ARGUMENT", `updateStateByKey: the iterator function returned ${typeof pair}, not a [key, state] pair`);
    out.push([pair[0], pair[1]]);
  }
  return out;
}
