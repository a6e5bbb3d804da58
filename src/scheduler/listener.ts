import type { StreamInputInfo } from "../dstream/graph.ts";

/** What happened to one output operation of one batch: Spark's `OutputOperationInfo`. */
export interface OutputOperationInfo {
  readonly batchTime: number;
  readonly id: number;
  readonly name: string;
  /** Which output it is: its name and the operator of the stream it reads (Spark: the call site). */
  readonly description: string;
  readonly startTime: number | undefined;
  readonly endTime: number | undefined;
  /** `endTime - startTime` once both are known. */
  readonly duration: number | undefined;
  /** When the operation failed, the error as printed: type and message, then its stack (Spark's exception string). */
  readonly failureReason: string | undefined;
  readonly error: unknown;
}

/** One batch's progress: Spark's `BatchInfo`. Times are clock milliseconds. */
export interface BatchInfo {
  readonly batchTime: number;
  readonly streamIdToInputInfo: ReadonlyMap<number, StreamInputInfo>;
  readonly submissionTime: number;
  readonly processingStartTime: number | undefined;
  readonly processingEndTime: number | undefined;
  readonly outputOperationInfos: ReadonlyMap<number, OutputOperationInfo>;
  /** Records taken from all inputs for this batch. */
  readonly numRecords: number;
  /** Time from submission to the start of processing. */
  readonly schedulingDelay: number | undefined;
  /** Time from the start to the end of processing. */
  readonly processingDelay: number | undefined;
  /** Scheduling delay plus processing delay. */
  readonly totalDelay: number | undefined;
}

/** What a receiver reports: Spark's `ReceiverInfo`. */
export interface ReceiverInfo {
  readonly streamId: number;
  readonly name: string;
  readonly active: boolean;
  readonly lastErrorMessage: string;
  readonly lastError: unknown;
}

/**
 * Spark's StreamingListener. Every method is optional; a listener that throws is reported on the
 * console and does not stop the others or the context.
 */
export interface StreamingListener {
  onStreamingStarted?(event: { readonly time: number }): void;
  onBatchSubmitted?(event: { readonly batchInfo: BatchInfo }): void;
  onBatchStarted?(event: { readonly batchInfo: BatchInfo }): void;
  onBatchCompleted?(event: { readonly batchInfo: BatchInfo }): void;
  onOutputOperationStarted?(event: { readonly outputOperationInfo: OutputOperationInfo }): void;
  onOutputOperationCompleted?(event: { readonly outputOperationInfo: OutputOperationInfo }): void;
  onReceiverStarted?(event: { readonly receiverInfo: ReceiverInfo }): void;
  onReceiverError?(event: { readonly receiverInfo: ReceiverInfo }): void;
  onReceiverStopped?(event: { readonly receiverInfo: ReceiverInfo }): void;
  /** A checkpoint of the batch at `time` was written. */
  onCheckpointCompleted?(event: { readonly time: number }): void;
  /** A checkpoint could not be written; the previous one stays valid. */
  onCheckpointFailed?(event: { readonly time: number; readonly error: unknown }): void;
}

type EventName = keyof StreamingListener;
type EventOf<N extends EventName> = Parameters<NonNullable<StreamingListener[N]>>[0];

/** Delivers events to listeners synchronously, in registration order. */
export class ListenerBus {
  private readonly listeners: StreamingListener[] = [];

  add(listener: StreamingListener): void {
    this.listeners.push(listener);
  }

  remove(listener: StreamingListener): void {
    const i = this.listeners.indexOf(listener);
    if (i >= 0) this.listeners.splice(i, 1);
  }

  post<N extends EventName>(name: N, event: EventOf<N>): void {
    for (const l of this.listeners) {
      const handler = l[name] as ((e: EventOf<N>) => void) | undefined;
      if (!handler) continue;
      try {
        handler.call(l, event);
      } catch (e) {
        console.error(`StreamingListener.${name} threw`, e);
      }
    }
  }
}
