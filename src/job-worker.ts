/**
 * The job side of a worker: imports the job module a stage names, runs its setup on a context
 * that never starts, and runs the stage's map side or merge on that copy of the graph.
 *
 * A map task makes its input partition the input stream's batch (the other partitions empty),
 * asks the shuffle's output stream for its batch (so every operator in between, transform
 * functions included, builds its lazy batch as on the driver), and runs the shuffle's map side
 * over the one partition's fused chain. A merge task folds parts with the same combiner.
 */

import { accumulatorsOf, attachJob, broadcastsOf, graphOf, StreamingContext } from "./context.ts";
import { type Accumulator, takeUpdates } from "./core/accumulator.ts";
import type { Broadcast } from "./core/broadcast.ts";
import { Batch, type ShuffleDependency } from "./core/batch.ts";
import { Milliseconds } from "./core/duration.ts";
import { RivuletError } from "./core/errors.ts";
import { KeyMap } from "./core/keys.ts";
import type { DStreamGraph } from "./dstream/graph.ts";
import { createEngine } from "./engine/engine.ts";
import { encodeColumns } from "./engine/kernels/columnar.ts";
import { mapSide } from "./engine/local-executor.ts";
import type { EncodedPart, JobHost, JobSpec, StageTask } from "./engine/workers/protocol.ts";
import { decodePart } from "./engine/workers/stages.ts";
import { jobOf } from "./job.ts";
import { decodeLines } from "./sources/utf8-lines.ts";

/** The job host of a worker: one job run loaded at a time (the newest it was asked for). */
export function createJobHost(): JobHost {
  let current: { run: string; loaded: Promise<LoadedJob> } | undefined;
  const load = (job: JobSpec): Promise<LoadedJob> => {
    if (current?.run !== job.run) current = { run: job.run, loaded: loadJob(job) };
    return current.loaded;
  };

  return {
    async mapStage(job, stage, lines) {
      const { graph, accumulators, broadcasts } = await load(job);
      takeUpdates(accumulators); // a failed task's adds are not this one's
      adoptBroadcasts(broadcasts, job);
      try {
        const records = decodeLines(lines, false);
        const inputs = Array.from({ length: stage.input.numPartitions }, (_, i) => (i === stage.partition ? records : []));
        injectInputs(graph, stage, Batch.fromPartitions<unknown>(inputs, graph.executor));
        const dependency = shuffleOf(graph, stage);
        const feed = (await dependency.parent.feeds())[stage.partition]!;
        const parts = mapSide(feed, dependency.aggregator, dependency.partitioner, true).map(encodePart);
        return { parts, accumulated: takeUpdates(accumulators) };
      } finally {
        graph.forgetAll();
      }
    },
    async mergeStage(job, stage, groups) {
      const { graph, accumulators, broadcasts } = await load(job);
      takeUpdates(accumulators);
      adoptBroadcasts(broadcasts, job);
      try {
        injectInputs(graph, stage, undefined);
        const { mergeCombiners } = shuffleOf(graph, stage).aggregator;
        const parts = groups.map((group) => {
          const merged = new KeyMap<unknown>();
          for (const part of group) {
            for (const [k, c] of decodePart(part)) {
              merged.fold(k, c, (first) => first, mergeCombiners);
            }
          }
          return encodePart(merged);
        });
        return { parts, accumulated: takeUpdates(accumulators) };
      } finally {
        graph.forgetAll();
      }
    },
  };
}

/** A job module's graph, accumulators and broadcasts, as its setup made them in this worker. */
interface LoadedJob {
  readonly graph: DStreamGraph;
  readonly accumulators: readonly Accumulator[];
  readonly broadcasts: readonly Broadcast<unknown>[];
}

/** The driver's broadcast values (or their destruction), which the task carries, into this worker's copies. */
function adoptBroadcasts(broadcasts: readonly Broadcast<unknown>[], job: JobSpec): void {
  job.broadcasts.forEach((wire, id) => broadcasts[id]!.adopt(wire));
}

/** The graph the job module builds in this worker, checked against the driver's. */
async function loadJob(spec: JobSpec): Promise<LoadedJob> {
  const job = jobOf<unknown>((await import(/* @vite-ignore */ /* webpackIgnore: true */ spec.url)) as Record<string, unknown>, spec.url);
  // No workers of its own: a worker runs its share in its own thread.
  const engine = createEngine({ parallelism: spec.parallelism, kernels: "js" });
  const ssc = new StreamingContext({ batchInterval: Milliseconds(spec.batchIntervalMs), engine, log: () => {} });
  attachJob(ssc, spec.url, spec.params);
  await job.setup(ssc, { params: spec.params, role: "worker" });
  const graph = graphOf(ssc);
  const fingerprint = graph.fingerprint();
  if (fingerprint !== spec.fingerprint) {
    throw new RivuletError(
      "JOB_MISMATCH",
      `the job module ${spec.url} built a different graph in a worker (fingerprint ${fingerprint}, the driver's ${spec.fingerprint}): its setup must build the same streams every time`,
    );
  }
  const accumulators = accumulatorsOf(ssc);
  if (accumulators.length !== spec.accumulators) {
    throw new RivuletError(
      "JOB_MISMATCH",
      `the job module ${spec.url} made ${accumulators.length} accumulators in a worker, the driver's context had ${spec.accumulators} when it started: make them in the setup, the same ones every time`,
    );
  }
  const broadcasts = broadcastsOf(ssc);
  if (broadcasts.length !== spec.broadcasts.length) {
    throw new RivuletError(
      "JOB_MISMATCH",
      `the job module ${spec.url} made ${broadcasts.length} broadcasts in a worker, the driver's context had ${spec.broadcasts.length} when it started: make them in the setup, the same ones every time`,
    );
  }
  graph.start(spec.zeroTime);
  return { graph, accumulators, broadcasts };
}

/** Every input stream's batch at the stage's time: `batch` for the stage's input, empty for the others. */
function injectInputs(graph: DStreamGraph, stage: StageTask, batch: Batch<unknown> | undefined): void {
  for (const id of graph.inputIds()) {
    const own = id === stage.input.stream && batch !== undefined ? batch : Batch.fromPartitions<unknown>([], graph.executor);
    graph.stream(id).inject(stage.input.time, own);
  }
}

function shuffleOf(graph: DStreamGraph, stage: StageTask): ShuffleDependency {
  const out = graph.stream(stage.output.stream).getOrCompute(stage.output.time);
  const dependency = out?.shuffleDependency;
  if (!dependency) {
    throw new RivuletError("JOB_MISMATCH", `stream ${stage.output.stream} makes no shuffle at ${stage.output.time} in this worker's copy of the job`);
  }
  return dependency;
}

/** One output partition's combined records, as columns when they fit. */
function encodePart(combined: KeyMap<unknown>): EncodedPart {
  const keys: unknown[] = [];
  const values: unknown[] = [];
  combined.forEach((c, k) => {
    keys.push(k);
    values.push(c);
  });
  const columns = encodeColumns(keys, values);
  if (columns) return { kind: "columns", ...columns };
  return { kind: "records", records: keys.map((k, i) => [k, values[i]] as const) };
}
