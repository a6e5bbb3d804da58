/**
 * A job's shuffle stage on the pool, the driver side: each input partition's lines (a range of
 * the text batch's bytes) go to one worker, which runs the stage's narrow operators and map side
 * from its own copy of the job's graph; each output partition's partials are then merged by one
 * worker, with the kernels (built-in reducers) or with the job's own combiner.
 *
 * Map tasks are the input batch's partitions, cut where `slice` cuts its lines, and partials are
 * merged in partition order: the result is the in-thread shuffle's, record order included.
 */

import { transfer } from "comlink";
import type { Partitions, ShuffleStage } from "../../core/executor.ts";
import { columnEntries } from "../kernels/columnar.ts";
import type { PoolTask, TaskTiming, WorkerPool } from "./pool.ts";
import type { AccumulatorUpdate } from "../../core/accumulator.ts";
import { absoluteNow, type EncodedPart, type JobSpec, partTransferables, type StageResult, type StageTask, viewTransferables } from "./protocol.ts";
import { isSharedView } from "../../core/shared-memory.ts";
import { copyKeys, mergeGroups, settleAll, type Transport, transportOf } from "./shuffle.ts";

/** How slices reach the workers, and a report of each stage run. */
export interface StageOptions {
  readonly transport?: Transport | undefined;
  readonly onStageMetrics?: ((metrics: StageMetrics) => void) | undefined;
  /** Given what the stage's tasks added to the job's accumulators, once the stage has succeeded. */
  readonly onAccumulated?: ((updates: readonly AccumulatorUpdate[]) => void) | undefined;
}

/** Where a stage's time went. */
export interface StageMetrics {
  readonly wallMs: number;
  readonly transport: Transport;
  readonly map: readonly TaskTiming[];
}

const NEWLINE = 0x0a;

/** Runs `stage` of `job` on the pool; the output batch's partitions. */
export async function runJobStage<K, C>(pool: WorkerPool, job: JobSpec, stage: ShuffleStage, options: StageOptions = {}): Promise<Partitions<[K, C]>> {
  const started = absoluteNow();
  const bytes = stage.input.utf8Lines;
  const transport = transportOf(options);
  const inPlace = transport === "shared" && isSharedView(bytes);
  const text = transport === "shared" && !inPlace ? pool.sharedBuffers.allocate(bytes) : bytes;
  const copied: boolean[] = [];
  const task = (partition: number): StageTask => ({
    output: stage.output,
    input: { stream: stage.input.stream, time: stage.input.time, numPartitions: stage.input.numPartitions },
    partition,
    numPartitions: stage.numPartitions,
  });
  const where = `stage ${stage.output.stream}@${stage.output.time}`;
  // A task for every partition, empty ones too: `mapPartitions` is called on each, as in Spark.
  const mapTasks = partitionCuts(bytes, stage.input.numPartitions).map(
    ([from, to], partition): PoolTask<StageResult> => ({
      name: `${where} map[${partition}]`,
      call(worker, taskOptions) {
        let slice: Uint8Array;
        if (transport === "transfer") {
          slice = pool.buffers.copy(bytes.subarray(from, to));
        } else {
          if (!inPlace && !copied[partition]) text.set(bytes.subarray(from, to), from);
          copied[partition] = true;
          slice = text.subarray(from, to);
        }
        return worker.mapStage(job, task(partition), transfer(slice, viewTransferables([slice])), taskOptions);
      },
    }),
  );
  try {
    const mapped = await settleAll(mapTasks.map((t) => pool.run(t)));
    const accumulated = mapped.flatMap((r) => r.value.accumulated);
    const merged = await mergeParts(pool, job, task(0), where, mapped.map((r) => r.value.parts), stage.numPartitions, accumulated);
    options.onStageMetrics?.({ wallMs: absoluteNow() - started, transport, map: mapped.map((r) => r.timing) });
    options.onAccumulated?.(accumulated);
    return merged as unknown as Partitions<[K, C]>;
  } finally {
    if (text !== bytes) pool.sharedBuffers.give([text.buffer]);
  }
}

/**
 * Each output partition from its parts (one per map task, in task order): as it is when one task
 * has keys there, else merged by a worker; at most one merge task per worker.
 */
async function mergeParts(
  pool: WorkerPool,
  job: JobSpec,
  stage: StageTask,
  where: string,
  mapped: readonly EncodedPart[][],
  numPartitions: number,
  accumulated: AccumulatorUpdate[],
): Promise<[unknown, unknown][][]> {
  const out: [unknown, unknown][][] = [];
  const toMerge: { p: number; parts: EncodedPart[]; size: number }[] = [];
  for (let p = 0; p < numPartitions; p++) {
    const parts = mapped.map((m) => m[p]!).filter((part) => partSize(part) > 0);
    if (parts.length <= 1) out[p] = parts.length === 0 ? [] : decodePart(parts[0]!);
    else toMerge.push({ p, parts, size: parts.reduce((n, part) => n + partSize(part), 0) });
  }
  await settleAll(
    mergeGroups(toMerge, pool.size).map(async (members) => {
      const merged = await pool.run<StageResult>({
        name: `${where} merge[${members.map((m) => m.p).join(",")}]`,
        call(worker, taskOptions) {
          // Copies, so that an attempt that loses them to a dying worker can be retried.
          const copies = members.map((m) => m.parts.map((part) => clonePart(pool, part)));
          return worker.mergeStage(job, stage, transfer(copies, partTransferables(copies.flat())), taskOptions);
        },
      });
      members.forEach((m, i) => (out[m.p] = decodePart(merged.value.parts[i]!)));
      accumulated.push(...merged.value.accumulated);
    }),
  );
  return out;
}

function partSize(part: EncodedPart): number {
  return part.kind === "columns" ? part.values.length : part.records.length;
}

/** An encoded part back as `[key, combiner]` records. */
export function decodePart(part: EncodedPart): [unknown, unknown][] {
  if (part.kind === "records") return part.records.map(([k, c]): [unknown, unknown] => [k, c]);
  return columnEntries(part.keys, part.values);
}

function clonePart(pool: WorkerPool, part: EncodedPart): EncodedPart {
  if (part.kind === "records") return part;
  return { kind: "columns", keys: copyKeys(pool, part.keys), values: pool.buffers.copy(part.values) };
}

/**
 * `[from, to)` byte ranges of the `n` partitions of a text batch over `bytes` (lines, each ending
 * in "\n"): partition i holds lines [i·L/n, (i+1)·L/n), as `slice` cuts the decoded lines.
 */
export function partitionCuts(bytes: Uint8Array, n: number): [number, number][] {
  let lines = 0;
  for (let at = bytes.indexOf(NEWLINE); at >= 0; at = bytes.indexOf(NEWLINE, at + 1)) lines++;
  const cuts: [number, number][] = [];
  let from = 0;
  let line = 0; // lines before `from`
  for (let i = 0; i < n; i++) {
    const end = Math.floor(((i + 1) * lines) / n);
    let to = from;
    while (line < end) {
      to = bytes.indexOf(NEWLINE, to) + 1;
      line++;
    }
    cuts.push([from, to]);
    from = to;
  }
  return cuts;
}
