/**
 * Spark's `StatCounter`: the count, mean, variance, largest and smallest of numbers, kept in one
 * pass and mergeable, what `Batch.stats()` returns. The variance is kept as the sum of squared
 * deviations from the mean (Welford's update per number, Chan et al.'s pairwise formula to merge
 * two counters), never as a sum of squares minus a squared sum, which cancels catastrophically
 * when the mean is large against the spread.
 */
export class StatCounter {
  private n = 0;
  private mu = 0;
  private m2 = 0;
  private largest = Number.NEGATIVE_INFINITY;
  private smallest = Number.POSITIVE_INFINITY;

  /** A counter of `values` (none by default). */
  constructor(values: Iterable<number> = []) {
    this.merge(values);
  }

  /**
   * Adds a number, every number of an iterable, or everything another counter has counted.
   * @returns This counter.
   */
  merge(value: number | Iterable<number> | StatCounter): this {
    if (typeof value === "number") this.add(value);
    else if (value instanceof StatCounter) this.mergeCounter(value === this ? value.copy() : value);
    else for (const x of value) this.add(x);
    return this;
  }

  /** A counter with the same state, changed independently of this one. */
  copy(): StatCounter {
    const other = new StatCounter();
    other.n = this.n;
    other.mu = this.mu;
    other.m2 = this.m2;
    other.largest = this.largest;
    other.smallest = this.smallest;
    return other;
  }

  /** How many numbers were counted. */
  get count(): number {
    return this.n;
  }

  /** Their mean; 0 when there are none. */
  get mean(): number {
    return this.mu;
  }

  /** Their sum, as Spark's: `count * mean`. */
  get sum(): number {
    return this.n * this.mu;
  }

  /** The largest; -Infinity when there are none, NaN once a NaN was counted (as Java's `Math.max`). */
  get max(): number {
    return this.largest;
  }

  /** The smallest; Infinity when there are none, NaN once a NaN was counted. */
  get min(): number {
    return this.smallest;
  }

  /** The population variance (divided by `count`); NaN when there are none. */
  get variance(): number {
    return this.popVariance;
  }

  /** The population variance, as `variance`. */
  get popVariance(): number {
    return this.n === 0 ? Number.NaN : this.m2 / this.n;
  }

  /** The sample variance (divided by `count - 1`, unbiased); NaN for fewer than two numbers. */
  get sampleVariance(): number {
    return this.n <= 1 ? Number.NaN : this.m2 / (this.n - 1);
  }

  /** The population standard deviation. */
  get stdev(): number {
    return Math.sqrt(this.variance);
  }

  /** The population standard deviation, as `stdev`. */
  get popStdev(): number {
    return Math.sqrt(this.popVariance);
  }

  /** The sample standard deviation; NaN for fewer than two numbers. */
  get sampleStdev(): number {
    return Math.sqrt(this.sampleVariance);
  }

  /** Spark's form: `(count: 3, mean: 2.000000, stdev: 0.816497, max: 3.000000, min: 1.000000)`. */
  toString(): string {
    const f = (x: number) => x.toFixed(6);
    return `(count: ${this.n}, mean: ${f(this.mean)}, stdev: ${f(this.stdev)}, max: ${f(this.max)}, min: ${f(this.min)})`;
  }

  private add(x: number): void {
    const delta = x - this.mu;
    this.n += 1;
    this.mu += delta / this.n;
    this.m2 += delta * (x - this.mu);
    this.largest = Math.max(this.largest, x);
    this.smallest = Math.min(this.smallest, x);
  }

  private mergeCounter(other: StatCounter): void {
    if (other.n === 0) return;
    if (this.n === 0) {
      this.n = other.n;
      this.mu = other.mu;
      this.m2 = other.m2;
      this.largest = other.largest;
      this.smallest = other.smallest;
      return;
    }
    const n = this.n + other.n;
    const delta = other.mu - this.mu;
    // As Spark: when one side is much smaller, move the larger side's mean by a small correction
    // rather than average the two, which would lose the small side's digits.
    if (other.n * 10 < this.n) this.mu += (delta * other.n) / n;
    else if (this.n * 10 < other.n) this.mu = other.mu - (delta * this.n) / n;
    else this.mu = (this.mu * this.n + other.mu * other.n) / n;
    this.m2 += other.m2 + (delta * delta * this.n * other.n) / n;
    this.largest = Math.max(this.largest, other.largest);
    this.smallest = Math.min(this.smallest, other.smallest);
    this.n = n;
  }
}
