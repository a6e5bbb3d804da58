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

  constructor(graph: DStreamGraph, clock: Clock, scheduler: JobScheduler, reportError: (error: unknown) => void) {
    this.graph = graph;
    this.scheduler = scheduler;
    this.reportError = reportError;
    this.interval = graph.batchInterval.milliseconds;
    this.timer = new RecurringTimer(clock, this.interval, (time) => this.generate(time));
  }

  /** Starts generating: the first batch is at `zeroTime + interval`. */
  start(zeroTime: number): void {
    this.lastTime = zeroTime;
    this.timer.start(zeroTime + this.interval);
  }

  /** Stops the timer. With `drain`, one last batch takes what the inputs still hold, and runs. */
  async stop(drain: boolean): Promise<void> {
    this.timer.stop();
    if (drain && this.lastTime !== undefined) await this.generate(this.lastTime + this.interval);
  }

  /** The time of the newest generated batch. */
  get lastBatchTime(): number | undefined {
    return this.lastTime;
  }

  private generate(time: number): Promise<void> {
    this.lastTime = time;
    let jobs;
    try {
      jobs = this.graph.generateJobs(time);
    } catch (error) {
      // As in Spark: a batch whose jobs cannot be generated is reported and skipped.
      this.graph.takeInputInfo(time);
      this.reportError(error);
      return Promise.resolve();
    }
    return this.scheduler.submit(time, jobs, this.graph.takeInputInfo(time)).then(() => this.graph.clearMetadata(time));
  }
}
