/**
 * Narrow operators (map, filter, flatMap, mapPartitions) fused into one pass over a partition: one
 * output array per partition whatever the length of the chain, and no promise or intermediate
 * array per record. A partition operator needs its input whole, so it ends one pass and starts
 * the next; the chain still never leaves the partition.
 */

export const MAP = 0;
export const FILTER = 1;
export const FLAT_MAP = 2;
export const PARTITION = 3;

export type NarrowOp =
  | { readonly kind: typeof MAP; readonly f: (x: unknown) => unknown }
  | { readonly kind: typeof FILTER; readonly f: (x: unknown) => unknown }
  | { readonly kind: typeof FLAT_MAP; readonly f: (x: unknown) => Iterable<unknown> }
  | { readonly kind: typeof PARTITION; readonly f: (records: readonly unknown[], index: number) => Iterable<unknown> };

type RecordOp = Exclude<NarrowOp, { readonly kind: typeof PARTITION }>;

type Sink = (x: unknown) => void;

function stage(op: RecordOp, next: Sink): Sink {
  switch (op.kind) {
    case MAP: {
      const f = op.f;
      return (x) => next(f(x));
    }
    case FILTER: {
      const f = op.f;
      return (x) => {
        if (f(x)) next(x);
      };
    }
    case FLAT_MAP: {
      const f = op.f;
      return (x) => {
        const ys = f(x);
        if (Array.isArray(ys)) {
          for (let i = 0; i < ys.length; i++) next(ys[i]);
        } else {
          for (const y of ys) next(y);
        }
      };
    }
  }
}

/**
 * One partition's records, pushed one at a time into a sink: how a shuffle consumes a fused chain
 * without materialising the chain's output first.
 */
export interface Feed<T> {
  (sink: (record: T) => void): void;
  /** Set when the feed is an array already: consumers may loop over it directly. */
  readonly records?: readonly T[];
}

/** A feed over records already in an array. */
export function arrayFeed<T>(records: readonly T[]): Feed<T> {
  const feed = (sink: (record: T) => void): void => {
    for (let i = 0; i < records.length; i++) sink(records[i]!);
  };
  return Object.assign(feed, { records });
}

/**
 * A feed running the fused chain `ops` over `input`, partition `index` of its batch. Up to the
 * last partition operator the chain runs when the feed is made; the record operators after it run
 * as the consumer pulls.
 */
export function pipelineFeed(input: readonly unknown[], ops: readonly NarrowOp[], index: number): Feed<unknown> {
  const last = lastPartitionOp(ops);
  if (last >= 0) {
    input = runPipeline(input, ops.slice(0, last + 1), index);
    ops = ops.slice(last + 1);
  }
  if (ops.length === 0) return arrayFeed(input);
  const recordOps = ops as readonly RecordOp[];
  return (sink) => {
    let chain: Sink = sink;
    for (let i = recordOps.length - 1; i >= 0; i--) chain = stage(recordOps[i]!, chain);
    for (let i = 0; i < input.length; i++) chain(input[i]);
  };
}

function lastPartitionOp(ops: readonly NarrowOp[]): number {
  for (let i = ops.length - 1; i >= 0; i--) if (ops[i]!.kind === PARTITION) return i;
  return -1;
}

/** Runs the fused chain over partition `index` of a batch into a new array. */
export function runPipeline(input: readonly unknown[], ops: readonly NarrowOp[], index: number): unknown[] {
  const first = ops.findIndex((op) => op.kind === PARTITION);
  if (first >= 0) {
    // Record operators before it stream into one array; the partition operator takes it whole.
    const before = first === 0 ? input : runPipeline(input, ops.slice(0, first), index);
    const op = ops[first] as Extract<NarrowOp, { readonly kind: typeof PARTITION }>;
    const produced = op.f(before, index);
    const records = Array.isArray(produced) ? (produced as unknown[]) : Array.from(produced);
    return first === ops.length - 1 ? records : runPipeline(records, ops.slice(first + 1), index);
  }
  const n = input.length;
  if (ops.length === 0) return input.slice();
  if (ops.length === 1 && ops[0]!.kind === MAP) {
    // The commonest chain gets a loop without the sink indirection.
    const f = ops[0]!.f;
    const out = new Array<unknown>(n);
    for (let i = 0; i < n; i++) out[i] = f(input[i]);
    return out;
  }
  const out: unknown[] = [];
  pipelineFeed(input, ops, index)((x) => {
    out.push(x);
  });
  return out;
}

/** Thrown through the fused chain (never through a user function) once a limited run has enough. */
const ENOUGH: unique symbol = Symbol("enough");

/**
 * The first `limit` records of the fused chain over partition `index`, as Spark's
 * `iterator.take(limit)`: record operators after the last partition operator stop running
 * once `limit` records came out, so a `map` function runs once per record taken, not once per
 * record of the partition, and a partition operator returning an iterator is pulled only as far.
 * Operators up to the last partition operator need their input whole and run over all of it.
 */
export function takePipeline(input: readonly unknown[], ops: readonly NarrowOp[], index: number, limit: number): unknown[] {
  if (limit <= 0) return [];
  const last = lastPartitionOp(ops);
  let source: Iterable<unknown> = input;
  if (last >= 0) {
    const before = last === 0 ? input : runPipeline(input, ops.slice(0, last), index);
    const op = ops[last] as Extract<NarrowOp, { readonly kind: typeof PARTITION }>;
    source = op.f(before, index);
  }
  const recordOps = ops.slice(last + 1) as readonly RecordOp[];
  const out: unknown[] = [];
  let chain: Sink = (x) => {
    out.push(x);
    if (out.length >= limit) throw ENOUGH;
  };
  for (let i = recordOps.length - 1; i >= 0; i--) chain = stage(recordOps[i]!, chain);
  try {
    if (Array.isArray(source)) {
      for (let i = 0; i < source.length; i++) chain(source[i]);
    } else {
      // Leaving the loop by the throw closes the iterator (its `return`), as a break would.
      for (const x of source) chain(x);
    }
  } catch (e) {
    if (e !== ENOUGH) throw e;
  }
  return out;
}
