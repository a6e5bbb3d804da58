/**
 * Narrow operators (map, filter, flatMap) fused into one pass over a partition: one output array
 * per partition whatever the length of the chain, and no promise or intermediate array per record.
 */

export const MAP = 0;
export const FILTER = 1;
export const FLAT_MAP = 2;

export type NarrowOp =
  | { readonly kind: typeof MAP; readonly f: (x: unknown) => unknown }
  | { readonly kind: typeof FILTER; readonly f: (x: unknown) => unknown }
  | { readonly kind: typeof FLAT_MAP; readonly f: (x: unknown) => Iterable<unknown> };

type Sink = (x: unknown) => void;

function stage(op: NarrowOp, next: Sink): Sink {
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

/** A feed running the fused chain `ops` over `input`. */
export function pipelineFeed(input: readonly unknown[], ops: readonly NarrowOp[]): Feed<unknown> {
  if (ops.length === 0) return arrayFeed(input);
  return (sink) => {
    let chain: Sink = sink;
    for (let i = ops.length - 1; i >= 0; i--) chain = stage(ops[i]!, chain);
    for (let i = 0; i < input.length; i++) chain(input[i]);
  };
}

/** Runs the fused chain over one partition into a new array. */
export function runPipeline(input: readonly unknown[], ops: readonly NarrowOp[]): unknown[] {
  const n = input.length;
  if (ops.length === 1 && ops[0]!.kind === MAP) {
    // The commonest chain gets a loop without the sink indirection.
    const f = ops[0]!.f;
    const out = new Array<unknown>(n);
    for (let i = 0; i < n; i++) out[i] = f(input[i]);
    return out;
  }
  const out: unknown[] = [];
  pipelineFeed(input, ops)((x) => {
    out.push(x);
  });
  return out;
}
