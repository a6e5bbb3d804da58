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

/**
 * Delivers events to listeners synchronously, in registration order. As Spark's bus, an event
 * goes to the listeners registered when it is posted (one added or removed by a handler counts
 * from the next event), a failing listener is logged and the others still hear it, and nothing
 * is delivered once the bus is stopped (the context has stopped).
 */
export class ListenerBus {
  private listeners: readonly StreamingListener[] = [];
  private stopped = false;

  add(listener: StreamingListener): void {
    this.listeners = [...this.listeners, listener];
  }

  remove(listener: StreamingListener): void {
    this.listeners = this.listeners.filter((l) => l !== listener);
  }

  stop(): void {
    this.stopped = true;
  }

  post<N extends EventName>(name: N, event: EventOf<N>): void {
    if (this.stopped) return;
    // A copy-on-write list: handlers that add or remove listeners replace it, not this loop's.
    for (const l of this.listeners) {
      const handler = l[name] as ((e: EventOf<N>) => unknown) | undefined;
      if (!handler) continue;
      try {
        const result = handler.call(l, event);
        // An async handler fails by rejecting: logged like a throw, never an unhandled rejection.
        if (isThenable(result)) result.then(undefined, (e: unknown) => console.error(`StreamingListener.${name} failed`, e));
      } catch (e) {
        console.error(`StreamingListener.${name} threw`, e);
      }
    }
  }
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof value === "object" && value !== null && typeof (value as { then?: unknown }).then === "function";
}
