import type { Aggregator, Executor, Pair, Partitions } from "../core/executor.ts";
import type { Partitioner } from "../core/partitioner.ts";
import type { Feed } from "../core/pipeline.ts";
import { RivuletError } from "../core/errors.ts";
import { LocalExecutor } from "./local-executor.ts";

/**
 * The execution engine, Spark's SparkContext: where a context's partitions run. It outlives a
 * context stopped with `stop({ stopEngine: false })` and can be handed to the next one.
 */
export interface Engine extends Executor {
  /** True once `close()` has run; a closed engine accepts no work. */
  readonly closed: boolean;
  /** Releases what the engine holds (threads, memory). Idempotent. */
  close(): Promise<void>;
}

export interface EngineOptions {
  /** Number of partitions run in parallel; default: hardware concurrency − 1, at least 1. */
  parallelism?: number | undefined;
}

/** The default parallelism of this runtime: one core is left to the driver. */
export function defaultParallelism(): number {
  const cores = typeof navigator !== "undefined" && typeof navigator.hardwareConcurrency === "number" ? navigator.hardwareConcurrency : 2;
  return Math.max(1, cores - 1);
}

/** An engine running every partition in this thread. */
export function createEngine(options: EngineOptions = {}): Engine {
  const parallelism = options.parallelism ?? defaultParallelism();
  if (!Number.isInteger(parallelism) || parallelism < 1) {
    throw new RivuletError("INVALID_ARGUMENT", `parallelism must be a positive integer, got ${parallelism}`);
  }
  return new InThreadEngine(parallelism);
}

class InThreadEngine extends LocalExecutor implements Engine {
  closed = false;

  override combineByKey<K, V, C>(
    input: readonly Feed<Pair<K, V>>[],
    aggregator: Aggregator<V, C>,
    partitioner: Partitioner,
    mapSideCombine: boolean,
  ): Promise<Partitions<[K, C]>> {
    this.checkOpen();
    return super.combineByKey(input, aggregator, partitioner, mapSideCombine);
  }

  override cogroup<K>(
    inputs: readonly Partitions<Pair<K, unknown>>[],
    partitioner: Partitioner,
    inPlace?: readonly boolean[],
  ): Promise<Partitions<[K, unknown[][]]>> {
    this.checkOpen();
    return super.cogroup(inputs, partitioner, inPlace);
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  private checkOpen(): void {
    if (this.closed) throw new RivuletError("ILLEGAL_STATE", "the engine has been closed (its context was stopped with stopEngine: true)");
  }
}
