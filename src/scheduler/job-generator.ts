import type { DStreamGraph } from "../dstream/graph.ts";
import type { Clock } from "./clock.ts";
import type { JobScheduler } from "./job-scheduler.ts";
import { RecurringTimer } from "./timer.ts";

/**
 * Spark's JobGenerator: on every tick of a timer on the injected clock, the graph turns what the
 * inputs received into the batch of that time, its jobs are submitted, and once they have run
 * the batches no longer remembered are forgotten.
 */
export class JobGenerator {
  private readonly graph: DStreamGraph;
  private readonly scheduler: JobScheduler;
  private readonly reportError: (error: unknown) => void;
  private readonly timer: RecurringTimer;
  private readonly interval: number;
  private lastTime: number | undefined;
  private readonly pending = new Set<number>();
  private afterBatch: AfterBatch | undefined;

  constructor(graph: DStreamGraph, clock: Clock, scheduler: JobScheduler, reportError: (error: unknown) => void) {
    this.graph = graph;
    this.scheduler = scheduler;
    this.reportError = reportError;
    this.interval = graph.batchInterval.milliseconds;
    this.timer = new RecurringTimer(clock, this.interval, (time) => this.generate(time));
  }

  /**
   * Runs after each batch's jobs, in turn, before old batches are forgotten (checkpoints); told
   * the batches generated but not yet run, and whether one of this batch's jobs failed.
   */
  onBatchCompleted(fn: AfterBatch): void {
    this.afterBatch = fn;
  }

  /**
   * Starts generating: the first batch is at `zeroTime + interval`, or at `resumeAt` after a
   * recovery; batch times already past on the clock (the time the job was down) are generated at
   * once, in order, as Spark does on restart.
   */
  start(zeroTime: number, resumeAt = zeroTime + this.interval): void {
    this.lastTime = resumeAt - this.interval;
    this.timer.start(resumeAt);
  }

  /** Stops the timer. With `drain`, one last batch takes what the inputs still hold, and runs. */
  async stop(drain: boolean): Promise<void> {
    this.timer.stop();
    if (drain && this.lastTime !== undefined) await this.generate(this.lastTime + this.interval);
  }


  private generate(time: number): Promise<void> {
    this.lastTime = time;
    this.pending.add(time);
    let jobs;
    try {
      jobs = this.graph.generateJobs(time);
    } catch (error) {
      // As in Spark: a batch whose jobs cannot be generated is reported and skipped.
      this.graph.takeInputInfo(time);
      this.pending.delete(time);
      this.reportError(error);
      return Promise.resolve();
    }
    return this.scheduler.submit(time, jobs, this.graph.takeInputInfo(time), async (failed) => {
      this.pending.delete(time);
      await this.afterBatch?.(time, [...this.pending], failed);
      this.graph.clearMetadata(time);
    });
  }
}

type AfterBatch = (time: number, pending: readonly number[], failed: boolean) => Promise<void>;
