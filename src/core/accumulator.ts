import { RivuletError } from "./errors.ts";

/** What one task added to one accumulator: `[id, sum, count]`. */
export type AccumulatorUpdate = readonly [id: number, sum: number, count: number];

/**
 * Spark's `LongAccumulator` / `DoubleAccumulator`: numbers added by the job's functions wherever
 * they run, summed on the driver. Made with `ssc.accumulator(name)`. In a job module each thread
 * has its copy; what a worker's task added reaches the driver's when the task's stage completes,
 * once per successful task (a retried task's failed attempt adds nothing). As in Spark, adds in
 * transformations count again when a batch is computed again (an uncached batch read twice), and
 * accumulators are not checkpointed: a recovered job starts them at zero.
 */
export class Accumulator {
  /** @internal Its index among the context's accumulators, the same in every thread. */
  readonly id: number;
  readonly name: string | undefined;
  #sum = 0;
  #count = 0;

  /** @internal Made by `StreamingContext.accumulator`. */
  constructor(id: number, name: string | undefined) {
    this.id = id;
    this.name = name;
  }

  /** Adds `v` (a finite number, or ±Infinity or NaN, which the sum then is). */
  add(v: number): void {
    if (typeof v !== "number") throw new RivuletError("INVALID_ARGUMENT", `accumulator ${this.label()}: add() takes a number, got ${typeof v}`);
    this.#sum += v;
    this.#count++;
  }

  /** The sum of every value added: Spark's `value`. */
  get value(): number {
    return this.#sum;
  }

  get sum(): number {
    return this.#sum;
  }

  /** How many values were added. */
  get count(): number {
    return this.#count;
  }

  /** The mean of the values added; NaN before the first, as in Spark. */
  get avg(): number {
    return this.#sum / this.#count;
  }

  /** True while nothing was added since the start or the last `reset()`. */
  get isZero(): boolean {
    return this.#count === 0 && Object.is(this.#sum, 0);
  }

  /** Back to zero. */
  reset(): void {
    this.#sum = 0;
    this.#count = 0;
  }

  /** @internal Adds what a task elsewhere added. */
  merge(sum: number, count: number): void {
    this.#sum += sum;
    this.#count += count;
  }

  toString(): string {
    return `Accumulator(id: ${this.id}, name: ${this.name ?? "(none)"}, value: ${this.#sum})`;
  }

  private label(): string {
    return this.name === undefined ? `#${this.id}` : JSON.stringify(this.name);
  }
}

/** @internal What `accumulators` gathered since the last call, each reset to zero: one task's adds. */
export function takeUpdates(accumulators: readonly Accumulator[]): AccumulatorUpdate[] {
  const out: AccumulatorUpdate[] = [];
  for (const a of accumulators) {
    if (a.count === 0) continue;
    out.push([a.id, a.sum, a.count]);
    a.reset();
  }
  return out;
}

/** @internal Adds tasks' updates to the driver's accumulators. */
export function applyUpdates(accumulators: readonly Accumulator[], updates: readonly AccumulatorUpdate[]): void {
  for (const [id, sum, count] of updates) accumulators[id]?.merge(sum, count);
}
