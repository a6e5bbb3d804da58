/**
 * Kernel workers: a pool of threads running the WASM kernels, and the two-phase shuffle over it.
 * Platform-neutral; the threads come from `nodeSpawner` (./node/spawn.ts) or `webSpawner`
 * (./web/spawn.ts), imported by the platform's build.
 */
export { BufferCache } from "./buffers.ts";
export {
  DEFAULT_MAX_RECYCLED_BYTES,
  DEFAULT_MAX_TASK_FAILURES,
  TaskFailedError,
  WorkerPool,
  type PoolTask,
  type TaskAttempt,
  type TaskResult,
  type TaskTiming,
  type WorkerPoolOptions,
} from "./pool.ts";
export {
  lineCuts,
  parallelCountByKey,
  parallelReduceByKey,
  parallelWordCount,
  toShared,
  type ShuffleMetrics,
  type ShuffleOptions,
  type Transport,
} from "./shuffle.ts";
export { observeSpawn, type Spawn, type WorkerHandle } from "./spawn.ts";
export type { InjectedFault, KernelWorkerApi, Reply, TaskOptions, WorkerTiming } from "./protocol.ts";
