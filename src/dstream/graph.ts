import type { Batch } from "../core/batch.ts";
import { Duration } from "../core/duration.ts";
import { RivuletError } from "../core/errors.ts";
import type { Executor } from "../core/executor.ts";
import type { StreamNode } from "./upstream.ts";

/** What an input reports of the batch it made: Spark's `StreamInputInfo`. */
export interface StreamInputInfo {
  readonly inputStreamId: number;
  readonly name: string;
  readonly numRecords: number;
  /** Source-specific counters (e.g. invalid UTF-8 replaced, over-long lines dropped). */
  readonly metadata: Readonly<Record<string, number>>;
}

/** An output operation registered on the graph, in declaration order. */
export interface OutputOperation {
  readonly id: number;
  readonly name: string;
  readonly stream: StreamNode;
  run(batch: Batch<unknown>, time: number): void | Promise<void>;
}

/** One output operation's work for one batch time. */
export interface Job {
  readonly time: number;
  readonly outputOpId: number;
  readonly name: string;
  run(): void | Promise<void>;
}

/** Lifecycle questions the graph asks of its context, kept abstract to keep layers one-way. */
export interface GraphOwner {
  /** Throws when the context no longer accepts new streams or outputs. */
  assertModifiable(what: string): void;
}

/**
 * Spark's DStreamGraph: the inputs and output operations of one context, started at a zero time,
 * asked for the jobs of each batch time and to forget old batches.
 */
export class DStreamGraph {
  readonly batchInterval: Duration;
  readonly executor: Executor;
  private readonly owner: GraphOwner;
  private readonly inputs: StreamNode[] = [];
  private readonly outputs: OutputOperation[] = [];
  private readonly inputInfos = new Map<number, StreamInputInfo[]>();
  private nextStreamId = 0;
  private rememberDuration: Duration | undefined;
  private zeroTime: number | undefined;

  constructor(batchInterval: Duration, executor: Executor, owner: GraphOwner) {
    if (batchInterval.milliseconds <= 0) throw new RivuletError("INVALID_ARGUMENT", "the batch interval must be positive");
    this.batchInterval = batchInterval;
    this.executor = executor;
    this.owner = owner;
  }

  get started(): boolean {
    return this.zeroTime !== undefined;
  }

  get numOutputs(): number {
    return this.outputs.length;
  }

  /** A fresh id for a new stream; fails once the context is started or stopped. */
  newStreamId(what: string): number {
    this.owner.assertModifiable(what);
    return this.nextStreamId++;
  }

  addInput(stream: StreamNode): void {
    this.inputs.push(stream);
  }

  addOutput(stream: StreamNode, name: string, run: OutputOperation["run"]): void {
    this.owner.assertModifiable("output operations");
    this.outputs.push({ id: this.outputs.length, name, stream, run });
  }

  /** Spark's `remember`: keep every stream's batches at least this long (for `slice`). */
  remember(duration: Duration): void {
    this.owner.assertModifiable("a remember duration");
    this.rememberDuration = duration;
  }

  start(zeroTime: number): void {
    this.zeroTime = zeroTime;
    for (const out of this.outputs) out.stream.initialize(zeroTime);
    for (const input of this.inputs) input.initialize(zeroTime);
    // Every stream keeps at least one slide; outputs' parents are asked for more by windows.
    for (const out of this.outputs) out.stream.remember(this.rememberDuration ?? out.stream.slideDuration);
    if (this.rememberDuration) for (const input of this.inputs) input.remember(this.rememberDuration);
  }

  /** Records what an input took into its batch at `time`, for the batch's info. */
  reportInput(time: number, info: StreamInputInfo): void {
    let infos = this.inputInfos.get(time);
    if (!infos) this.inputInfos.set(time, (infos = []));
    infos.push(info);
  }

  /** The input info of `time`, forgotten once read. */
  takeInputInfo(time: number): StreamInputInfo[] {
    const infos = this.inputInfos.get(time) ?? [];
    this.inputInfos.delete(time);
    return infos;
  }

  /**
   * The jobs of `time`, one per output operation with a batch then. Inputs take their records
   * first, whether or not an output reads them, so data is never left behind for a later batch.
   */
  generateJobs(time: number): Job[] {
    for (const input of this.inputs) input.getOrCompute(time);
    const jobs: Job[] = [];
    for (const out of this.outputs) {
      const batch = out.stream.getOrCompute(time);
      if (batch) jobs.push({ time, outputOpId: out.id, name: out.name, run: () => out.run(batch, time) });
    }
    return jobs;
  }

  clearMetadata(time: number): void {
    for (const out of this.outputs) out.stream.clearMetadata(time);
    for (const input of this.inputs) input.clearMetadata(time);
  }
}
