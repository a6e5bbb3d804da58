import { RivuletError } from "../core/errors.ts";
import type { BatchInfo, OutputOperationInfo, ReceiverInfo, StreamingListener } from "./listener.ts";

/**
 * A context's running totals and averages: what Spark shows in its Streaming tab and serves at
 * `/api/v1/applications/{id}/streaming/statistics`. Times are clock milliseconds; the averages
 * are over the retained batches (`retainedBatches`, Spark's `spark.streaming.ui.retainedBatches`)
 * and `undefined` while no batch has the figure.
 */
export interface StreamingStatistics {
  /** When the context began generating batches; `undefined` before. */
  readonly startTime: number | undefined;
  /** The batch interval in milliseconds. */
  readonly batchDuration: number;
  /** Inputs that have reported as receivers (sources fed by a connection or a `Receiver`). */
  readonly numReceivers: number;
  readonly numActiveReceivers: number;
  readonly numInactiveReceivers: number;
  /** Batches completed since the start, including those no longer retained. */
  readonly numTotalCompletedBatches: number;
  readonly numRetainedCompletedBatches: number;
  /** Batches submitted and not yet completed: queued or processing. */
  readonly numActiveBatches: number;
  /** Records of the completed batches since the start. */
  readonly numProcessedRecords: number;
  /** Records of the batches that began processing since the start. */
  readonly numReceivedRecords: number;
  /** Records per second of the retained batches, each batch's records over the batch interval. */
  readonly avgInputRate: number | undefined;
  readonly avgSchedulingDelay: number | undefined;
  readonly avgProcessingTime: number | undefined;
  readonly avgTotalDelay: number | undefined;
}

/** Where a batch is: waiting behind an earlier one, running its output operations, or done. */
export type BatchStatus = "queued" | "processing" | "completed";

/** A retained batch, as Spark's `/streaming/batches` lists it. */
export interface BatchStatistics extends BatchInfo {
  readonly status: BatchStatus;
  readonly numTotalOutputOps: number;
  /** Output operations started and not finished (at most one: they run one at a time). */
  readonly numActiveOutputOps: number;
  readonly numCompletedOutputOps: number;
  readonly numFailedOutputOps: number;
  /** The first failed output operation's error message, if any failed. */
  readonly firstFailureReason: string | undefined;
}

/** An input stream's rates, as Spark's `/streaming/receivers` lists it. */
export interface ReceiverStatistics {
  readonly streamId: number;
  readonly name: string;
  /** Whether the receiver is connected; `undefined` for an input that is not a receiver (a queue). */
  readonly active: boolean | undefined;
  readonly lastErrorMessage: string | undefined;
  readonly lastError: unknown;
  readonly lastErrorTime: number | undefined;
  /** The mean of `eventRates`, `undefined` while there is none. */
  readonly avgEventRate: number | undefined;
  /** Per retained batch, oldest first: `[batchTime, records per second]`. */
  readonly eventRates: readonly (readonly [batchTime: number, recordsPerSecond: number])[];
}

interface ReceiverState {
  readonly info: ReceiverInfo;
  readonly lastErrorTime: number | undefined;
}

/**
 * Spark's StreamingJobProgressListener: a listener the context registers first, keeping the
 * queued and running batches, the last `retainedBatches` completed ones and running totals, so
 * that a page or a health check can read them at any time.
 */
export class StreamingProgress implements StreamingListener {
  private readonly batchDuration: number;
  private readonly retained: number;
  private readonly now: () => number;
  private startTime: number | undefined;
  private readonly waiting = new Map<number, BatchInfo>();
  private readonly running = new Map<number, { info: BatchInfo; outputs: Map<number, OutputOperationInfo> }>();
  /** Oldest first; at most `retained`. */
  private readonly completed: BatchInfo[] = [];
  private readonly receivers = new Map<number, ReceiverState>();
  private totalCompleted = 0;
  private totalProcessed = 0;
  private totalReceived = 0;

  constructor(batchDuration: number, retainedBatches: number, now: () => number) {
    if (!Number.isSafeInteger(retainedBatches) || retainedBatches < 1) {
      throw new RivuletError("INVALID_ARGUMENT", `retainedBatches must be a positive integer, got ${retainedBatches}`);
    }
    this.batchDuration = batchDuration;
    this.retained = retainedBatches;
    this.now = now;
  }

  onStreamingStarted(event: { readonly time: number }): void {
    this.startTime = event.time;
  }

  onBatchSubmitted(event: { readonly batchInfo: BatchInfo }): void {
    this.waiting.set(event.batchInfo.batchTime, event.batchInfo);
  }

  onBatchStarted(event: { readonly batchInfo: BatchInfo }): void {
    const info = event.batchInfo;
    this.waiting.delete(info.batchTime);
    this.running.set(info.batchTime, { info, outputs: new Map(info.outputOperationInfos) });
    this.totalReceived += info.numRecords;
  }

  onOutputOperationStarted(event: { readonly outputOperationInfo: OutputOperationInfo }): void {
    this.running.get(event.outputOperationInfo.batchTime)?.outputs.set(event.outputOperationInfo.id, event.outputOperationInfo);
  }

  onOutputOperationCompleted(event: { readonly outputOperationInfo: OutputOperationInfo }): void {
    this.onOutputOperationStarted(event);
  }

  onBatchCompleted(event: { readonly batchInfo: BatchInfo }): void {
    const info = event.batchInfo;
    this.waiting.delete(info.batchTime);
    this.running.delete(info.batchTime);
    this.completed.push(info);
    if (this.completed.length > this.retained) this.completed.shift();
    this.totalCompleted++;
    this.totalProcessed += info.numRecords;
  }

  // As Spark's receiver tracker: a (re)start clears the last error; an error sets it and its time;
  // a stop keeps its message, with a time only when it carries an error.
  onReceiverStarted(event: { readonly receiverInfo: ReceiverInfo }): void {
    this.receivers.set(event.receiverInfo.streamId, { info: event.receiverInfo, lastErrorTime: undefined });
  }

  onReceiverError(event: { readonly receiverInfo: ReceiverInfo }): void {
    this.receivers.set(event.receiverInfo.streamId, { info: event.receiverInfo, lastErrorTime: this.now() });
  }

  onReceiverStopped(event: { readonly receiverInfo: ReceiverInfo }): void {
    const info = event.receiverInfo;
    const lastErrorTime = info.lastError !== undefined ? this.now() : undefined;
    this.receivers.set(info.streamId, { info, lastErrorTime });
  }

  statistics(): StreamingStatistics {
    const batches = this.retainedBatches();
    let active = 0;
    for (const r of this.receivers.values()) if (r.info.active) active++;
    return {
      startTime: this.startTime,
      batchDuration: this.batchDuration,
      numReceivers: this.receivers.size,
      numActiveReceivers: active,
      numInactiveReceivers: this.receivers.size - active,
      numTotalCompletedBatches: this.totalCompleted,
      numRetainedCompletedBatches: this.completed.length,
      numActiveBatches: this.waiting.size + this.running.size,
      numProcessedRecords: this.totalProcessed,
      numReceivedRecords: this.totalReceived,
      avgInputRate: mean(batches.map((b) => this.rate(b.numRecords))),
      avgSchedulingDelay: mean(batches.map((b) => b.schedulingDelay)),
      avgProcessingTime: mean(batches.map((b) => b.processingDelay)),
      avgTotalDelay: mean(batches.map((b) => b.totalDelay)),
    };
  }

  /** Newest first: queued, processing, then completed batches, as Spark lists them. */
  batchStatistics(): BatchStatistics[] {
    const out: BatchStatistics[] = [];
    for (const info of this.waiting.values()) out.push(withStatus(info, "queued", info.outputOperationInfos));
    for (const { info, outputs } of this.running.values()) out.push(withStatus(info, "processing", outputs));
    for (const info of this.completed) out.push(withStatus(info, "completed", info.outputOperationInfos));
    return out.sort((a, b) => b.batchTime - a.batchTime);
  }

  /** Every input seen in a retained batch or reporting as a receiver, by stream id. */
  receiverStatistics(): ReceiverStatistics[] {
    const names = new Map<number, string>();
    const rates = new Map<number, [number, number][]>();
    for (const batch of this.retainedBatches()) {
      for (const input of batch.streamIdToInputInfo.values()) {
        names.set(input.inputStreamId, input.name);
        let series = rates.get(input.inputStreamId);
        if (!series) rates.set(input.inputStreamId, (series = []));
        series.push([batch.batchTime, this.rate(input.numRecords)]);
      }
    }
    const ids = new Set([...names.keys(), ...this.receivers.keys()]);
    return [...ids]
      .sort((a, b) => a - b)
      .map((streamId): ReceiverStatistics => {
        const receiver = this.receivers.get(streamId);
        const eventRates = rates.get(streamId) ?? [];
        const message = receiver?.info.lastErrorMessage;
        return {
          streamId,
          name: receiver?.info.name ?? names.get(streamId) ?? `stream ${streamId}`,
          active: receiver?.info.active,
          lastErrorMessage: message === "" ? undefined : message,
          lastError: receiver?.info.lastError,
          lastErrorTime: receiver?.lastErrorTime,
          avgEventRate: mean(eventRates.map(([, rate]) => rate)),
          eventRates: eventRates.sort((a, b) => a[0] - b[0]),
        };
      });
  }

  /** Spark's `retainedBatches`: the queued, processing and retained completed batches. */
  private retainedBatches(): BatchInfo[] {
    return [...this.waiting.values(), ...[...this.running.values()].map((r) => r.info), ...this.completed];
  }

  private rate(records: number): number {
    return (records * 1000) / this.batchDuration;
  }
}

function withStatus(info: BatchInfo, status: BatchStatus, outputs: ReadonlyMap<number, OutputOperationInfo>): BatchStatistics {
  let activeOps = 0;
  let completedOps = 0;
  let failedOps = 0;
  let firstFailureReason: string | undefined;
  for (const op of [...outputs.values()].sort((a, b) => a.id - b.id)) {
    // As Spark's BatchUIData, an operation is active until it ends, whether or not it started.
    if (op.endTime === undefined) activeOps++;
    else if (op.failureReason !== undefined) {
      failedOps++;
      firstFailureReason ??= op.failureReason;
    } else {
      completedOps++;
    }
  }
  return {
    ...info,
    outputOperationInfos: outputs,
    status,
    numTotalOutputOps: outputs.size,
    numActiveOutputOps: activeOps,
    numCompletedOutputOps: completedOps,
    numFailedOutputOps: failedOps,
    firstFailureReason,
  };
}

function mean(values: readonly (number | undefined)[]): number | undefined {
  let total = 0;
  let n = 0;
  for (const v of values) {
    if (v === undefined) continue;
    total += v;
    n++;
  }
  return n === 0 ? undefined : total / n;
}
