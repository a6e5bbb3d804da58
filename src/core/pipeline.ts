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

/** Runs the fused chain over one partition. */
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
  let sink: Sink = (x) => {
    out.push(x);
  };
  for (let i = ops.length - 1; i >= 0; i--) sink = stage(ops[i]!, sink);
  for (let i = 0; i < n; i++) sink(input[i]);
  return out;
}
