/**
 * The worker side of the pool, platform-neutral: the kernel operations over buffers that arrive
 * by transfer (or shared memory), replying with fresh buffers that are transferred back. Each
 * platform's worker entry (src/worker-entry/node.ts, web.ts) exposes this object with comlink.
 *
 * The kernels are instantiated once per worker, from the `WebAssembly.Module` the driver
 * compiled and posted (`init`); no worker compiles the module again.
 */

import { transfer } from "comlink";
import type { ReducerTag } from "../../core/reducers.ts";
import { loadKernels } from "../kernels/load.ts";
import type { Aggregate, KernelOp, Kernels, KernelsOptions, KeyColumn, PartitionedAggregate } from "../kernels/types.ts";
import {
  absoluteNow,
  aggregateTransferables,
  type EncodedPart,
  type InjectedFault,
  type JobSpec,
  partTransferables,
  type StageResult,
  type StageTask,
  type KernelWorkerApi,
  type Reply,
  type TaskOptions,
  type WorkerHost,
  viewTransferables,
} from "./protocol.ts";

/** The API a kernel worker exposes. `host` supplies what differs between platforms. */
export function createKernelWorker(host: WorkerHost): KernelWorkerApi {
  let kernels: Kernels | undefined;

  const ready = (): Kernels => {
    if (kernels === undefined) throw new Error("kernel worker: init() was not called");
    return kernels;
  };

  /** Dies the way the fault says; the task never replies. */
  const die = (fault: InjectedFault): never => {
    if (fault.kind === "exit") host.exit(1);
    throw new InjectedWorkerFault(fault);
  };

  /** Runs one kernel task: the timing envelope, the injected faults, the transfer list of the reply. */
  function task<T extends PartitionedAggregate | Aggregate[] | Aggregate>(
    options: TaskOptions | undefined,
    inputs: readonly (ArrayBufferView | undefined)[],
    body: (k: Kernels) => T,
  ): Reply<T> {
    const receivedAt = absoluteNow();
    if (options?.fault?.at === "start") return crash(options.fault);
    const k = ready();
    const start = performance.now();
    const value = body(k);
    const parts: readonly Aggregate[] = Array.isArray(value) ? (value as PartitionedAggregate) : [value as Aggregate];
    return reply(value, options, receivedAt, start, inputs, aggregateTransferables(parts));
  }

  /** `task` for the job host's asynchronous stages. */
  async function stageTask(
    options: TaskOptions | undefined,
    inputs: readonly (ArrayBufferView | undefined)[],
    body: (jobs: NonNullable<WorkerHost["jobs"]>) => Promise<StageResult>,
  ): Promise<Reply<StageResult>> {
    const receivedAt = absoluteNow();
    if (options?.fault?.at === "start") return crash(options.fault);
    const jobs = host.jobs;
    if (jobs === undefined) throw new Error("kernel worker: this worker runs no job modules");
    const start = performance.now();
    const value = await body(jobs);
    return reply(value, options, receivedAt, start, inputs, partTransferables(value.parts));
  }

  /**
   * A task's reply once its body returned `value`: the fault injected at its end, the timing, and
   * the transfer list (`moved`, plus the inputs, which are read, never kept: their buffers go back
   * to the driver for the next batch).
   */
  function reply<T>(
    value: T,
    options: TaskOptions | undefined,
    receivedAt: number,
    start: number,
    inputs: readonly (ArrayBufferView | undefined)[],
    moved: readonly ArrayBuffer[],
  ): Reply<T> {
    const computeMs = performance.now() - start;
    if (options?.fault?.at === "end") return crash(options.fault);
    const spare = viewTransferables(inputs);
    const out: Reply<T> = { value, timing: { receivedAt, doneAt: absoluteNow(), computeMs }, spare };
    return transfer(out, [...moved, ...spare]);
  }

  /**
   * An uncaught error, not a rejected call: comlink would turn a thrown error into a rejection,
   * which is a task failure but not a dying worker. Raised from a microtask so it escapes the
   * message handler; the call itself never settles.
   */
  function crash(fault: InjectedFault): never {
    queueMicrotask(() => die(fault));
    return new Promise<never>(() => {}) as never;
  }

  return {
    async init(module: WebAssembly.Module | undefined, options: KernelsOptions = {}) {
      kernels ??= await loadKernels(module === undefined ? options : { ...options, module });
      return kernels.kind;
    },
    wordCount(text: Uint8Array | readonly Uint8Array[], numPartitions: number, options?: TaskOptions) {
      return task(options, text instanceof Uint8Array ? [text] : text, (k) => k.wordCount(text, numPartitions));
    },
    reduceByKey(keys: KeyColumn, values: Float64Array | undefined, op: ReducerTag | "count", numPartitions: number, options?: TaskOptions) {
      const inputs = keys.kind === "string" ? [keys.bytes, keys.offsets, values] : [keys.keys, values];
      return task(options, inputs, (k) => {
        if (op === "count") return k.countByKey(keys, numPartitions);
        if (values === undefined) throw new TypeError(`reduceByKey(${op}) needs values`);
        return k.reduceByKey(keys, values, op, numPartitions);
      });
    },
    merge(parts: readonly Aggregate[], op: KernelOp, options?: TaskOptions) {
      return task(options, parts.flatMap(aggregateViews), (k) => k.merge(parts, op));
    },
    mergeGroups(groups: readonly (readonly Aggregate[])[], op: KernelOp, options?: TaskOptions) {
      return task(options, groups.flat().flatMap(aggregateViews), (k) => groups.map((parts) => k.merge(parts, op)));
    },
    mapStage(job: JobSpec, stage: StageTask, lines: Uint8Array, options?: TaskOptions) {
      return stageTask(options, [lines], (jobs) => jobs.mapStage(job, stage, lines));
    },
    mergeStage(job: JobSpec, stage: StageTask, groups: readonly (readonly EncodedPart[])[], options?: TaskOptions) {
      return stageTask(options, groups.flat().flatMap(partViews), (jobs) => jobs.mergeStage(job, stage, groups));
    },
  };
}

function partViews(part: EncodedPart): ArrayBufferView[] {
  if (part.kind !== "columns") return [];
  return [...(part.keys.kind === "string" ? [part.keys.bytes, part.keys.offsets] : [part.keys.keys]), part.values];
}

function aggregateViews(a: Aggregate): ArrayBufferView[] {
  return [...(a.keys.kind === "string" ? [a.keys.bytes, a.keys.offsets] : [a.keys.keys]), a.values, a.hashes];
}

/** The error a worker dies of when a test injects a `"throw"` fault. */
export class InjectedWorkerFault extends Error {
  override readonly name = "InjectedWorkerFault";
  constructor(fault: InjectedFault) {
    super(`injected worker fault (${fault.kind} at ${fault.at} of task)`);
  }
}
