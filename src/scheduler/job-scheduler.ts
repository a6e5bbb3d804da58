import type { Job, StreamInputInfo } from "../dstream/graph.ts";
import type { Clock } from "./clock.ts";
import type { BatchInfo, ListenerBus, OutputOperationInfo } from "./listener.ts";

/**
 * Spark's JobScheduler with one concurrent job: the job sets of successive batches run one after
 * another, and within a set the output operations run in declaration order, each awaited. A failed
 * job is reported (listeners, then the context's error handler) and the next job still runs.
 */
export class JobScheduler {
  private readonly clock: Clock;
  private readonly bus: ListenerBus;
  private readonly reportError: (error: unknown) => void;
  private tail: Promise<void> = Promise.resolve();
  private stopped = false;
  /** Set when a stop stopped waiting for the running batch: nothing more of it may run. */
  private abandoned = false;
  private runningTime: number | undefined;
  /** What runs after a batch (its checkpoint write), while it runs. */
  private finishing: Promise<void> | void = undefined;

  constructor(clock: Clock, bus: ListenerBus, reportError: (error: unknown) => void) {
    this.clock = clock;
    this.bus = bus;
    this.reportError = reportError;
  }

  /**
   * Queues the jobs of one batch; resolves when they have all run (or were dropped by `stop`).
   * `after` runs once they have, still in turn (checkpoint, clean-up), before the next batch;
   * it is told whether one of them failed.
   */
  submit(time: number, jobs: readonly Job[], inputs: readonly StreamInputInfo[], after?: After): Promise<void> {
    // As Spark's submitJobSet: a time without jobs (a wider window's off beat) is no batch to
    // listeners, but what runs after it (checkpoint, clean-up) still runs, in turn.
    if (jobs.length === 0) return this.enqueue(undefined, [], after);
    const info: Mutable<BatchInfo> = {
      batchTime: time,
      streamIdToInputInfo: new Map(inputs.map((i) => [i.inputStreamId, i])),
      submissionTime: this.clock.now(),
      processingStartTime: undefined,
      processingEndTime: undefined,
      outputOperationInfos: new Map(
        jobs.map((j): [number, OutputOperationInfo] => [j.outputOpId, outputInfo(j, undefined, undefined, undefined)]),
      ),
      numRecords: inputs.reduce((n, i) => n + i.numRecords, 0),
      schedulingDelay: undefined,
      processingDelay: undefined,
      totalDelay: undefined,
    };
    this.bus.post("onBatchSubmitted", { batchInfo: { ...info } });
    return this.enqueue(info, jobs, after);
  }

  private enqueue(info: Mutable<BatchInfo> | undefined, jobs: readonly Job[], after: After | undefined): Promise<void> {
    const run = this.tail.then(async () => {
      if (this.stopped) return;
      const failed = info ? await this.runBatch(info, jobs) : false;
      if (this.abandoned) return;
      const finishing = (this.finishing = after?.(failed));
      try {
        await finishing;
      } finally {
        if (this.finishing === finishing) this.finishing = undefined;
      }
    });
    this.tail = run;
    return run;
  }

  /** Resolves when every submitted batch has run. */
  idle(): Promise<void> {
    return this.tail;
  }

  /**
   * Stops waiting for the running batch (Spark's `shutdownNow`, which interrupts it): a promise
   * cannot be cancelled, so its current output operation goes on, but no later one runs, no
   * event is posted for it and nothing runs after it (no checkpoint). Queued batches are dropped.
   * Returns the time of the abandoned batch, if one was running.
   */
  abandon(): number | undefined {
    this.stopped = true;
    this.abandoned = true;
    return this.runningTime;
  }

  /**
   * Resolves once what runs after a batch (its checkpoint write) has settled, if it is running:
   * abandoning cannot stop a write already started, and the origin's next context must not see
   * it land after it has begun.
   */
  afterSettled(): Promise<void> {
    return Promise.resolve(this.finishing).then(
      () => undefined,
      () => undefined,
    );
  }

  /** Runs the jobs of one batch; true when one of them failed. */
  private async runBatch(info: Mutable<BatchInfo>, jobs: readonly Job[]): Promise<boolean> {
    this.runningTime = info.batchTime;
    let failed = false;
    info.processingStartTime = this.clock.now();
    info.schedulingDelay = info.processingStartTime - info.submissionTime;
    this.bus.post("onBatchStarted", { batchInfo: { ...info } });
    const outputs = new Map(info.outputOperationInfos);
    for (const job of jobs) {
      const start = this.clock.now();
      this.bus.post("onOutputOperationStarted", { outputOperationInfo: outputInfo(job, start, undefined, undefined) });
      let failure: { error: unknown } | undefined;
      try {
        await job.run();
      } catch (error) {
        failure = { error };
      }
      if (this.abandoned) return failed;
      const done = outputInfo(job, start, this.clock.now(), failure);
      outputs.set(job.outputOpId, done);
      this.bus.post("onOutputOperationCompleted", { outputOperationInfo: done });
      if (failure) {
        failed = true;
        this.reportError(failure.error);
      }
    }
    info.outputOperationInfos = outputs;
    info.processingEndTime = this.clock.now();
    info.processingDelay = info.processingEndTime - info.processingStartTime;
    info.totalDelay = info.processingEndTime - info.submissionTime;
    this.runningTime = undefined;
    this.bus.post("onBatchCompleted", { batchInfo: { ...info } });
    return failed;
  }
}

/** What runs after a batch's jobs, told whether one of them failed. */
type After = (failed: boolean) => Promise<void> | void;

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

function outputInfo(job: Job, start: number | undefined, end: number | undefined, failure: { error: unknown } | undefined): OutputOperationInfo {
  return {
    batchTime: job.time,
    id: job.outputOpId,
    name: job.name,
    description: job.description,
    startTime: start,
    endTime: end,
    duration: start !== undefined && end !== undefined ? end - start : undefined,
    failureReason: failure ? failureReason(failure.error) : undefined,
    error: failure?.error,
  };
}

/** Spark's `Utils.exceptionString`: the error as printed, type and message, then its stack. */
function failureReason(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const head = String(error);
  const stack = typeof error.stack === "string" ? error.stack : "";
  // V8 starts the stack with "Type: message"; other engines give only the frames.
  return stack.startsWith(head) ? stack : stack ? `${head}\n${stack}` : head;
}
