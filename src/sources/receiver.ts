import { RivuletError } from "../core/errors.ts";
import type { InputSource, RecordLog, SourceContext, Taken } from "../dstream/input.ts";
import { RecordBuffer, truncateLog } from "./record-buffer.ts";

/** Spark's default `spark.streaming.receiverRestartDelay`. */
const DEFAULT_RESTART_DELAY_MS = 2000;

/**
 * A custom source, as Spark's `Receiver`: `onStart` begins receiving (open a socket, subscribe,
 * start a loop) and must not block; received records are handed over with `store`; `onStop`
 * releases what `onStart` took. A receiver runs as async tasks on the driver.
 */
export abstract class Receiver<T> {
  private supervisor: ReceiverSupervisor<T> | undefined;

  /** Starts receiving. Called by the context's `start()`, and again after a `restart`. */
  abstract onStart(): void | Promise<void>;
  /** Stops receiving and releases resources. Called on stop and before a restart. */
  abstract onStop(): void | Promise<void>;

  /**
   * Hands over received records: one record, or an array of records. (A record that is itself an
   * array must be stored inside an array: `store([record])`.) With the context's write-ahead log
   * on, the promise resolves once the records are durably logged, as Spark's reliable `store`
   * returns only then: acknowledge them to the producer after that.
   */
  store(data: T | readonly T[]): Promise<void> {
    return this.attached("store").store(data);
  }

  /**
   * Stops the receiver (onStop), then starts it again (onStart) after `delayMs` on the context's
   * clock. As Spark's, listeners see it stopped (inactive, with `error`) until it has started again.
   */
  restart(message: string, error?: unknown, delayMs = DEFAULT_RESTART_DELAY_MS): void {
    void this.attached("restart").restart(message, error, delayMs);
  }

  /** Reports an error to the listeners without stopping the receiver. */
  reportError(message: string, error?: unknown): void {
    this.attached("reportError").context.reportError(message, error);
  }

  /** Stops the receiver for good; the context keeps running its other streams. */
  stop(message: string, error?: unknown): void {
    void this.attached("stop").stop(message, error);
  }

  /** True once started and until stopped. */
  isStarted(): boolean {
    return this.supervisor?.state === "started";
  }

  /** True when not running: before start, after stop. */
  isStopped(): boolean {
    return this.supervisor?.state !== "started";
  }

  /** @internal */
  attach(supervisor: ReceiverSupervisor<T>): void {
    this.supervisor = supervisor;
  }

  private attached(what: string): ReceiverSupervisor<T> {
    if (!this.supervisor) throw new RivuletError("ILLEGAL_STATE", `Receiver.${what}() called before the receiver was started by its context`);
    return this.supervisor;
  }
}

/** Runs one receiver for its input stream: buffer, restarts, stop, reporting. */
class ReceiverSupervisor<T> {
  state: "initialized" | "started" | "restarting" | "stopped" = "initialized";
  readonly buffer = new RecordBuffer<T>();
  /** `store()` calls waiting for a batch to take a full batch's share (rate-limited inputs). */
  private waiting: (() => void)[] = [];
  dropped = 0;
  readonly context: SourceContext;
  private readonly receiver: Receiver<T>;
  private cancelRestart: (() => void) | undefined;
  /** Whether listeners were last told this receiver started (Spark's registered with the tracker). */
  private registered = false;
  /** The last onStop call, which a stop() arriving during a restart waits for. */
  private stopping: Promise<void> = Promise.resolve();

  constructor(receiver: Receiver<T>, context: SourceContext) {
    this.receiver = receiver;
    this.context = context;
  }

  /** Set when the context's write-ahead log is on. */
  log: RecordLog | undefined;

  store(data: T | readonly T[]): Promise<void> {
    const records: readonly T[] = Array.isArray(data) ? (data as readonly T[]) : [data as T];
    // As Spark's, whose block generator lives as long as the supervisor, records stored while a
    // restart waits are kept. After stop there is no batch left to take them: they are counted
    // rather than lost silently.
    if (!this.accepting()) {
      this.dropped += records.length;
      return Promise.resolve();
    }
    if (!this.log) {
      this.buffer.push(records);
      return this.room();
    }
    // Appends are ordered, so records reach the buffer in the order they were stored.
    return this.log.append(records.slice()).then((seq) => {
      this.buffer.push(records, seq);
      return this.room();
    });
  }

  /** What the next batch takes: at most its rate limit's share; a `store()` waiting for room resumes. */
  take(): T[] {
    const records = this.buffer.take(this.context.maxRecordsPerBatch());
    this.release();
    return records;
  }

  /** A batch made again after a restart: the records up to the log position it first reached. */
  takeUntil(position: unknown): T[] {
    const records = this.buffer.takeUntil(position);
    this.release();
    return records;
  }

  /**
   * Resolves at once, or, when a full batch's share is already waiting (a rate limit), once a
   * batch has taken it: a receiver that awaits `store()` is slowed to the rate, as Spark's
   * `store` blocks. The records themselves are kept either way.
   */
  private room(): Promise<void> {
    if (!this.accepting() || this.buffer.length <= this.context.maxRecordsPerBatch()) return Promise.resolve();
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  private accepting(): boolean {
    return this.state === "started" || this.state === "restarting";
  }

  private release(): void {
    const waiting = this.waiting;
    this.waiting = [];
    for (const resolve of waiting) resolve();
  }

  async start(): Promise<void> {
    this.state = "started";
    // As Spark's startReceiver: the receiver is registered before onStart runs, so a failing
    // onStart is seen as a start followed by a stop.
    this.register();
    try {
      await this.receiver.onStart();
    } catch (error) {
      // onStart may have called restart() or stop() itself before failing.
      if (this.state !== "started") return;
      // Spark stops a receiver whose onStart fails and its tracker launches it again.
      await this.stopThenStart(`Error starting receiver ${this.context.streamId}: ${messageOf(error)}`, error, DEFAULT_RESTART_DELAY_MS);
    }
  }

  async restart(message: string, error: unknown, delayMs: number): Promise<void> {
    // Only a running receiver restarts; a second restart() while one is pending does nothing.
    if (this.state !== "started") return;
    await this.stopThenStart(`Restarting receiver with delay ${delayMs}ms: ${message}`, error, delayMs);
  }

  /** Spark's restartReceiver: stopReceiver (onStop, then deregistered), the delay, startReceiver. */
  private async stopThenStart(message: string, error: unknown, delayMs: number): Promise<void> {
    this.state = "restarting";
    await this.callOnStop();
    this.deregister(message, error);
    // stop() may have run while onStop was awaited.
    if (this.stopped()) return;
    this.cancelRestart = this.context.schedule(this.context.now() + delayMs, () => {
      this.cancelRestart = undefined;
      return this.state === "restarting" ? this.start() : undefined;
    });
  }

  async stop(message: string, error?: unknown): Promise<void> {
    if (this.state === "stopped") return;
    // A receiver waiting to restart has already been through onStop, or is in it.
    const running = this.state === "started";
    this.state = "stopped";
    this.cancelRestart?.();
    this.release();
    await (running ? this.callOnStop() : this.stopping);
    this.deregister(message, error);
  }

  private register(): void {
    this.registered = true;
    this.context.reportStarted();
  }

  /**
   * As Spark's stopReceiver, one stop is reported per start: a receiver already deregistered for
   * a restart is not reported stopped again when stopped during the delay.
   */
  private deregister(message: string, error: unknown): void {
    if (!this.registered) return;
    this.registered = false;
    this.context.reportStopped(message, error);
  }

  private stopped(): boolean {
    return this.state === "stopped";
  }

  private callOnStop(): Promise<void> {
    this.stopping = (async () => {
      try {
        await this.receiver.onStop();
      } catch (e) {
        this.context.reportError(`onStop failed: ${messageOf(e)}`, e);
      }
    })();
    return this.stopping;
  }
}

/** `receiverStream(receiver)`: the input stream of a custom receiver. */
export class ReceiverSource<T> implements InputSource<T> {
  readonly name: string;
  private readonly receiver: Receiver<T>;
  private supervisor: ReceiverSupervisor<T> | undefined;
  private restored: unknown;
  /** Settles once the write-ahead log has been replayed into the buffer. */
  private replayed: Promise<void> = Promise.resolve();

  constructor(receiver: Receiver<T>) {
    this.receiver = receiver;
    this.name = receiver.constructor.name || "receiverStream";
  }

  take(): Taken<T> {
    const s = this.supervisor;
    if (!s) return { records: [] };
    return { records: s.take(), metadata: { droppedAfterStop: s.dropped } };
  }

  /** With the write-ahead log: a batch made again after a restart, up to the log position it first reached. */
  takeUntil(_time: number, position: unknown): Taken<T> {
    const s = this.supervisor;
    if (!s?.log) return this.take();
    return { records: s.takeUntil(position), metadata: { droppedAfterStop: s.dropped } };
  }

  /** With the write-ahead log: every record a batch took before a restart is back once the log is replayed. */
  async reach(position: unknown): Promise<boolean> {
    await this.replayed;
    return this.supervisor?.buffer.covers(position) ?? false;
  }

  /** With the write-ahead log: where the records taken so far reach in it. */
  position(): unknown {
    return this.supervisor?.log ? this.supervisor.buffer.position() : undefined;
  }

  restore(position: unknown): void {
    this.restored = position;
  }

  async checkpointed(position: unknown): Promise<void> {
    await truncateLog(this.supervisor?.log, position);
  }

  async start(context: SourceContext): Promise<void> {
    const supervisor = new ReceiverSupervisor(this.receiver, context);
    this.supervisor = supervisor;
    if (context.writeAheadLog) {
      // Records logged after the last checkpointed batch were received but never processed.
      supervisor.log = context.writeAheadLog;
      const replaying = supervisor.buffer.replay(supervisor.log, this.restored, (message) => context.reportError(message, undefined));
      this.replayed = replaying.catch(() => undefined);
      await replaying;
    }
    this.receiver.attach(supervisor);
    return supervisor.start();
  }

  async stop(): Promise<void> {
    await this.supervisor?.stop("stopped with the context");
  }
}

function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
