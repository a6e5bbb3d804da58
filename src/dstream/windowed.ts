import { Batch, flatMapKeepingKeys } from "../core/batch.ts";
import type { Duration } from "../core/duration.ts";
import { RivuletError } from "../core/errors.ts";
import type { Executor, Pair } from "../core/executor.ts";
import type { Partitioner } from "../core/partitioner.ts";
import type { Computation, StreamNode, Upstream } from "./upstream.ts";
import { type WindowEntry, WindowPartition } from "./window-state.ts";

export type { WindowEntry };

/** The options of `reduceByKeyAndWindow(fn, length, slide, options)`. */
export interface ReduceByKeyAndWindowOptions<K, V> {
  /** The inverse of `fn` (Spark's `invReduceFunc`): windows are then updated incrementally, which needs a checkpoint store. */
  readonly invFn?: ((a: V, b: V) => V) | undefined;
  /** Spark's `filterFunc`: only the pairs it is truthy for stay in the window (and the output). */
  readonly filterFn?: ((pair: readonly [K, V]) => unknown) | undefined;
  /** Partitions of the output, hash partitioned; default: the context's parallelism. */
  readonly numPartitions?: number | undefined;
  /** Spark's `partitioner`: places each key of the output (instead of `numPartitions`). */
  readonly partitioner?: Partitioner | undefined;
}

// The window family. A window of length L at time t covers the parent's batches in (t − L, t].

/** Rejects a window length or slide that is not a multiple of the parent's slide. */
export function checkWindow(parent: Upstream<unknown>, length: Duration, slide: Duration, batchInterval: Duration): void {
  const step = parent.slideDuration;
  const name = step.milliseconds === batchInterval.milliseconds ? `the batch interval (${batchInterval})` : `the parent stream's slide (${step})`;
  if (length.milliseconds <= 0 || !length.isMultipleOf(step)) {
    throw new RivuletError("INVALID_ARGUMENT", `the window length (${length}) must be a positive multiple of ${name}`);
  }
  if (slide.milliseconds <= 0 || !slide.isMultipleOf(step)) {
    throw new RivuletError("INVALID_ARGUMENT", `the slide (${slide}) must be a positive multiple of ${name}`);
  }
}

/** Spark's WindowedDStream: the union of the parent's batches in the window. */
export class WindowComputation<T> implements Computation<T> {
  readonly dependencies: readonly StreamNode[];
  readonly slideDuration: Duration;
  readonly parentRememberExtra: Duration;
  private readonly parent: Upstream<T>;
  private readonly length: Duration;
  private readonly executor: Executor;

  constructor(parent: Upstream<T>, length: Duration, slide: Duration, executor: Executor) {
    this.parent = parent;
    this.dependencies = [parent];
    this.length = length;
    this.slideDuration = slide;
    this.parentRememberExtra = length;
    this.executor = executor;
    // After a restart the window needs the parent's batches from before it.
    this.checkpointedParents = [parent];
  }

  readonly checkpointedParents: readonly StreamNode[];

  compute(time: number): Batch<T> {
    const batches = this.parent.slice(time - this.length.milliseconds + this.parent.slideDuration.milliseconds, time);
    if (batches.length === 0) return Batch.fromPartitions<T>([], this.executor);
    return batches.reduce((acc, b) => acc.union(b));
  }
}

export interface IncrementalWindowOptions<K, V> {
  readonly invFn: (a: V, b: V) => V;
  /**
   * Whether a key that no batch of the window holds any more stays, with the value the inverse
   * left it (Spark keeps every key unless its `filterFunc` drops it); default: it stays.
   */
  readonly keepEmpty?: ((key: K, value: V) => boolean) | undefined;
  readonly numPartitions?: number | undefined;
}

const keepAll = (): boolean => true;

/**
 * Spark's ReducedWindowedDStream: the window's value per key is the previous window's value with
 * the batches that left subtracted (`invFn`) and the batches that arrived added (`fn`), instead of
 * reducing the whole window again. `reduced` is the parent reduced per batch; its batches in the
 * window are remembered (and checkpointed) because leaving batches must be subtracted.
 *
 * The kept window also counts, per key, the batches of the window holding it. A key still held
 * by a batch always stays, whatever `filterFn` says of its value, so a key whose value passes
 * through zero (say +5 then −5) is still right when one of its batches leaves, where Spark,
 * having filtered it out, fails the batch. A key no batch holds any more stays as in Spark, with
 * the value the inverse left it, unless `keepEmpty` (`filterFn`) drops it; when it comes back, its
 * value starts again from its new batch. This stream holds the kept window; `reduceByKeyAndWindow`
 * maps it to `[key, value]` and applies `filterFn`.
 */
export class IncrementalWindowComputation<K, V> implements Computation<[K, WindowEntry<V>]> {
  readonly dependencies: readonly StreamNode[];
  readonly slideDuration: Duration;
  readonly parentRememberExtra: Duration;
  readonly mustCheckpoint = true;
  readonly checkpointedParents: readonly StreamNode[];
  /** This stream: the next window is computed from the previous one. */
  private self: Upstream<[K, WindowEntry<V>]> | undefined;
  private readonly reduced: Upstream<Pair<K, V>>;
  private readonly length: Duration;
  private readonly fn: (a: V, b: V) => V;
  private readonly options: IncrementalWindowOptions<K, V>;
  private readonly keepEmpty: (key: K, value: V) => boolean;
  private readonly executor: Executor;
  /** The last window made in place, and its partitions to update into the next one. */
  private lastWindow: { readonly window: Batch<[K, WindowEntry<V>]>; readonly parts: WindowPartition<K, V>[] } | undefined;

  constructor(
    reduced: Upstream<Pair<K, V>>,
    fn: (a: V, b: V) => V,
    length: Duration,
    slide: Duration,
    options: IncrementalWindowOptions<K, V>,
    executor: Executor,
  ) {
    this.reduced = reduced;
    // Leaving batches are subtracted, so the per-batch reductions in the window must survive a restart.
    this.checkpointedParents = [reduced];
    this.dependencies = [reduced];
    this.fn = fn;
    this.length = length;
    this.slideDuration = slide;
    this.parentRememberExtra = length;
    this.options = options;
    this.keepEmpty = options.keepEmpty ?? keepAll;
    this.executor = executor;
  }

  attach(self: Upstream<[K, WindowEntry<V>]>): void {
    this.self = self;
  }

  compute(time: number): Batch<[K, WindowEntry<V>]> {
    const step = this.reduced.slideDuration.milliseconds;
    const slide = this.slideDuration.milliseconds;
    const begin = time - this.length.milliseconds + step; // first batch of the current window
    const prevBegin = begin - slide;
    const prevEnd = time - slide;
    //  |<----- previous window ----->|
    //             |<------ current window ------>|
    //  |- old -|                     |-- new --|
    const old = this.reduced.slice(prevBegin, Math.min(begin - step, prevEnd));
    const fresh = this.reduced.slice(Math.max(prevEnd + step, begin), time);
    const previous = this.self!.generatedAt(prevEnd) ?? Batch.fromPartitions<[K, WindowEntry<V>]>([], this.executor);
    const n = this.options.numPartitions ?? this.executor.parallelism;
    const inputs = [previous, ...old, ...fresh];
    if (inputs.every((b) => (b.numPartitions === n && b.hashPartitioned) || b.numPartitions === 0)) {
      return this.mergeInPlace(previous, old, fresh, n);
    }
    const { fn } = this;
    const inv = this.options.invFn;
    const keepEmpty = this.keepEmpty;
    const numOld = old.length;
    const grouped = Batch.cogroupAll<K>([previous, ...old, ...fresh], this.options.numPartitions ?? this.executor.parallelism);
    return flatMapKeepingKeys(grouped, ([k, groups]): [K, WindowEntry<V>][] => {
        // Per batch, `reduced` holds at most one value per key.
        let value: V | undefined;
        let count = 0;
        const prev = groups[0] as WindowEntry<V>[];
        if (prev.length > 0) [value, count] = prev[0]!;
        for (let i = 1; i <= numOld; i++) {
          const g = groups[i] as V[];
          if (g.length === 0) continue;
          value = inv(value as V, g[0]!);
          count--;
        }
        for (let i = 1 + numOld; i < groups.length; i++) {
          const g = groups[i] as V[];
          if (g.length === 0) continue;
          value = count === 0 ? g[0]! : fn(value as V, g[0]!);
          count++;
        }
        return count > 0 || (count === 0 && keepEmpty(k, value as V)) ? [[k, [value as V, count]]] : [];
      }).cache();
  }

  /**
   * The same window update when every input is already partitioned like the output (the usual
   * case: the kept window and the per-batch reductions come out of hash shuffles): partition p
   * of the new window is made from partition p of each input. The previous window's partitions,
   * kept from the last update, are updated in place when `previous` is the window they made;
   * otherwise (after a restart, or a failed update) they are rebuilt from its records. Same order
   * of application and of keys as the cogroup path.
   */
  private mergeInPlace(
    previous: Batch<[K, WindowEntry<V>]>,
    old: readonly Batch<Pair<K, V>>[],
    fresh: readonly Batch<Pair<K, V>>[],
    n: number,
  ): Batch<[K, WindowEntry<V>]> {
    const { fn } = this;
    const inv = this.options.invFn;
    const keepEmpty = this.keepEmpty;
    const out: Batch<[K, WindowEntry<V>]> = Batch.deferred<[K, WindowEntry<V>]>(n, this.executor, async () => {
      const [olds, news] = await Promise.all([Promise.all(old.map((b) => b.partitions())), Promise.all(fresh.map((b) => b.partitions()))]);
      // The previous window may not be made yet (nothing read it): made first, its partitions are reused.
      if (this.lastWindow?.window !== previous) await previous.partitions();
      const last = this.lastWindow;
      // Taken before the update: an update that throws halfway leaves nothing to reuse.
      this.lastWindow = undefined;
      const parts = last?.window === previous && last.parts.length === n ? last.parts : (await previous.partitions()).map((records) => WindowPartition.of(records));
      const result: [K, WindowEntry<V>][][] = [];
      for (let p = 0; p < n; p++) {
        const part = parts[p] ?? new WindowPartition<K, V>();
        for (const batch of olds) part.subtract(batch[p] ?? [], inv);
        for (const batch of news) part.add(batch[p] ?? [], fn);
        parts[p] = part;
        result.push(part.entries(keepEmpty));
      }
      this.lastWindow = { window: out, parts };
      return result;
    });
    out.hashPartitioned = true;
    return out;
  }
}
