/**
 * Built-in reducers. Each is an ordinary function, usable anywhere a `(a, b) => c` reducer is,
 * that also carries a tag the planner recognises: `reduceByKey(sum)` may run in a WASM kernel
 * while `reduceByKey((a, b) => a + b)` runs the same semantics in JS.
 */

export type ReducerTag = "sum" | "min" | "max";

/** A numeric reducer with a tag the planner can map to a kernel. */
export interface TaggedReducer {
  (a: number, b: number): number;
  readonly reducerTag: ReducerTag;
}

function tagged(fn: (a: number, b: number) => number, tag: ReducerTag): TaggedReducer {
  return Object.defineProperty(fn, "reducerTag", { value: tag, enumerable: false }) as TaggedReducer;
}

/** `a + b`, as a reducer for `reduce`, `reduceByKey` and the windowed reductions. */
export const sum: TaggedReducer = tagged((a, b) => a + b, "sum");
/** The smaller of two numbers; NaN if either is NaN, as `Math.min`. */
export const min: TaggedReducer = tagged((a, b) => Math.min(a, b), "min");
/** The larger of two numbers; NaN if either is NaN, as `Math.max`. */
export const max: TaggedReducer = tagged((a, b) => Math.max(a, b), "max");

/** The tag of a built-in reducer, or undefined for any other function. */
export function reducerTagOf(fn: unknown): ReducerTag | undefined {
  if (typeof fn !== "function") return undefined;
  const tag = (fn as { reducerTag?: unknown }).reducerTag;
  return tag === "sum" || tag === "min" || tag === "max" ? tag : undefined;
}
