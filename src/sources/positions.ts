/**
 * Where a source stood after each recent batch, for checkpoints: only batches not yet
 * checkpointed are asked about, so a bounded history is enough.
 */
export class PositionHistory<P> {
  private readonly byTime = new Map<number, P>();
  private readonly limit: number;

  constructor(limit = 256) {
    this.limit = limit;
  }

  record(time: number, position: P): void {
    this.byTime.set(time, position);
    if (this.byTime.size > this.limit) this.byTime.delete(this.byTime.keys().next().value!);
  }

  /** The position recorded at the latest time at or before `time`; older entries are dropped. */
  at(time: number): P | undefined {
    let best: P | undefined;
    let bestTime = -Infinity;
    for (const [t, p] of this.byTime) {
      if (t <= time && t >= bestTime) (best = p), (bestTime = t);
    }
    for (const t of [...this.byTime.keys()]) if (t < bestTime) this.byTime.delete(t);
    return best;
  }
}
