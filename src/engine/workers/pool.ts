/**
 * A pool of kernel workers, Spark's executor cores: `size` workers started lazily on first use,
 * reused for every task, all ended by `close()`. Platform-neutral: threads come from a `Spawn`
 * function (node/spawn.ts, web/spawn.ts).
 *
 * The kernel module is compiled once, on this thread, and posted to each worker, which
 * instantiates it once (`init`). A task runs on one idle worker at a time; a task whose worker
 * dies (crash, exit, terminate) or whose call fails is retried, on a fresh worker when the old
 * one is gone, up to `maxTaskFailures` attempts in all (Spark's `spark.task.maxFailures`, 4).
 */

import { wrap, type Remote } from "comlink";
import { RivuletError } from "../../core/errors.ts";
import { compileKernels } from "../kernels/load.ts";
import type { KernelsOptions } from "../kernels/types.ts";
import { absoluteNow, type InjectedFault, type KernelWorkerApi, type Reply, type TaskOptions } from "./protocol.ts";
import { BufferCache } from "./buffers.ts";
import type { Spawn, WorkerHandle } from "./spawn.ts";

/** Spark's `spark.task.maxFailures`: attempts of one task before its job fails. */
export const DEFAULT_MAX_TASK_FAILURES = 4;

/** What the `onTask` test hook is told about each attempt, just before it is sent. */
export interface TaskAttempt {
  /** Sequence number of this attempt in the pool, from 0 (every attempt of every task counts). */
  readonly seq: number;
  /** The task's name, e.g. "wordCount[1/2]" or "merge[0]". */
  readonly name: string;
  /** 1 for the first attempt. */
  readonly attempt: number;
  /** The worker it runs on (ids are never reused). */
  readonly workerId: number;
  /** Terminates that worker now (or whenever called later), as a crash of the thread would. */
  terminateWorker(): Promise<void>;
}

export interface WorkerPoolOptions {
  /** Number of workers (the engine's parallelism). */
  readonly size: number;
  /** Starts one worker on this platform: `nodeSpawner()` or `webSpawner()`. */
  readonly spawn: Spawn;
  /** The compiled kernel module; default: `compileKernels()` once, on first use. */
  readonly module?: WebAssembly.Module | (() => Promise<WebAssembly.Module | undefined>) | undefined;
  /** Options of each worker's kernel instance (memory limit). */
  readonly kernels?: KernelsOptions | undefined;
  /**
   * Bytes of transfer buffers kept for reuse between batches (handed back by the workers; see
   * buffers.ts), and as much again of shared buffers. Default 256 MiB; 0 keeps none.
   */
  readonly maxRecycledBytes?: number | undefined;
  /** Attempts of a task before it fails (default 4, as Spark). */
  readonly maxTaskFailures?: number | undefined;
  /**
   * Test hook, called before each attempt is sent: may terminate the worker (now or later) or
   * return a fault for the worker to die of inside the task. Never set in production.
   */
  readonly onTask?: ((attempt: TaskAttempt) => InjectedFault | void) | undefined;
}

/** A task: how to call a worker. Called once per attempt, so it must build fresh inputs each time. */
export interface PoolTask<T> {
  readonly name: string;
  call(worker: Remote<KernelWorkerApi>, options: TaskOptions): Promise<Reply<T>>;
}

/** Where a task's time went, in absolute ms (`performance.timeOrigin + now()`) on both threads. */
export interface TaskTiming {
  /** Before the inputs were prepared and posted (the last, successful attempt). */
  readonly dispatchedAt: number;
  /** The request was posted (inputs copied, the message sent); the rest is in flight. */
  readonly postedAt: number;
  /** The worker began the task (request deserialized). */
  readonly receivedAt: number;
  /** The worker finished the kernel and posted the reply. */
  readonly doneAt: number;
  /** The reply arrived here (deserialized, the call resolved). */
  readonly resolvedAt: number;
  /** Kernel time in the worker, ms. */
  readonly computeMs: number;
  /** Attempts it took (1 when nothing failed). */
  readonly attempts: number;
}

export interface TaskResult<T> {
  readonly value: T;
  readonly timing: TaskTiming;
}

/**
 * A task failed on every attempt (code `TASK_FAILED`); its batch fails. `cause` is the error of
 * the last attempt (the worker's error).
 */
export class TaskFailedError extends RivuletError {
  override readonly name = "TaskFailedError";
  readonly task: string;
  readonly attempts: number;

  constructor(task: string, attempts: number, cause: unknown) {
    const reason = cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause);
    super("TASK_FAILED", `Task ${task} failed ${attempts} times; most recent failure: ${reason}`, { cause });
    this.task = task;
    this.attempts = attempts;
  }
}

interface Waiter {
  resolve(slot: Slot): void;
  reject(error: unknown): void;
}

/** One worker of the pool. */
class Slot {
  readonly remote: Remote<KernelWorkerApi>;
  /** Rejects with the worker's error when it dies (never resolves). */
  readonly death: Promise<never>;
  /** Resolves once the kernels are instantiated in the worker. */
  ready: Promise<unknown> | undefined;
  dead = false;

  constructor(
    readonly id: number,
    readonly handle: WorkerHandle,
  ) {
    this.remote = wrap<KernelWorkerApi>(handle.endpoint);
    this.death = new Promise<never>((_, reject) => handle.onDeath(reject));
    this.death.catch(() => {});
  }
}

/** Default of `maxRecycledBytes`. */
export const DEFAULT_MAX_RECYCLED_BYTES = 256 << 20;

export class WorkerPool {
  readonly size: number;
  /** Buffers to copy inputs into before transferring them (recycled from earlier tasks). */
  readonly buffers: BufferCache;
  /** Shared buffers to copy inputs into for the `"shared"` transport (recycled from earlier shuffles). */
  readonly sharedBuffers: BufferCache<SharedArrayBuffer>;
  readonly maxTaskFailures: number;
  readonly #options: WorkerPoolOptions;
  #module: Promise<WebAssembly.Module | undefined> | undefined;
  readonly #live = new Set<Slot>();
  readonly #idle: Slot[] = [];
  readonly #waiters: Waiter[] = [];
  #closing: Promise<void> | undefined;
  #nextWorkerId = 0;
  #seq = 0;
  #spawned = 0;
  #kernelKind: "wasm" | "reference" | undefined;

  constructor(options: WorkerPoolOptions) {
    if (!Number.isInteger(options.size) || options.size < 1) {
      throw new RivuletError("INVALID_ARGUMENT", `worker pool size must be a positive integer, got ${options.size}`);
    }
    const maxFailures = options.maxTaskFailures ?? DEFAULT_MAX_TASK_FAILURES;
    if (!Number.isInteger(maxFailures) || maxFailures < 1) {
      throw new RivuletError("INVALID_ARGUMENT", `maxTaskFailures must be a positive integer, got ${maxFailures}`);
    }
    this.size = options.size;
    this.maxTaskFailures = maxFailures;
    this.buffers = new BufferCache(options.maxRecycledBytes ?? DEFAULT_MAX_RECYCLED_BYTES);
    this.sharedBuffers = new BufferCache<SharedArrayBuffer>(options.maxRecycledBytes ?? DEFAULT_MAX_RECYCLED_BYTES, true);
    this.#options = options;
  }

  /** True once `close()` has been called. */
  get closed(): boolean {
    return this.#closing !== undefined;
  }

  /** Workers started and not yet gone. */
  get liveWorkers(): number {
    return this.#live.size;
  }

  /**
   * The kernels the workers run, once one has started: `"wasm"`, or `"reference"` where the
   * workers could not instantiate the module (correct, but slower than the JS paths).
   */
  get kernelKind(): "wasm" | "reference" | undefined {
    return this.#kernelKind;
  }

  /** Workers started since the pool was created (replacements included). */
  get spawnedWorkers(): number {
    return this.#spawned;
  }

  /**
   * Runs a task on the next idle worker (starting one if fewer than `size` run), retrying it
   * when it fails. Rejects with `TaskFailedError` after `maxTaskFailures` attempts, or with an
   * ILLEGAL_STATE `RivuletError` when the pool is (or gets) closed.
   */
  async run<T>(task: PoolTask<T>): Promise<TaskResult<T>> {
    this.#checkOpen();
    const module = await this.#compiled();
    let lastError: unknown;
    for (let attempt = 1; attempt <= this.maxTaskFailures; attempt++) {
      let slot: Slot;
      try {
        slot = await this.#acquire();
      } catch (error) {
        this.#checkOpen();
        lastError = error; // the platform could not start a worker
        continue;
      }
      slot.handle.setBusy?.(true);
      try {
        slot.ready ??= slot.remote.init(module, this.#options.kernels ?? {}).then(
          (kind) => void (this.#kernelKind = kind),
          (error: unknown) => {
            void slot.handle.terminate(); // a worker without kernels is of no use
            throw error;
          },
        );
        await Promise.race([slot.ready, slot.death]);
        const fault = this.#options.onTask?.({
          seq: this.#seq++,
          name: task.name,
          attempt,
          workerId: slot.id,
          terminateWorker: () => slot.handle.terminate(),
        });
        const dispatchedAt = absoluteNow();
        const call = task.call(slot.remote, fault ? { fault } : {}); // copies the inputs and posts them
        const postedAt = absoluteNow();
        const reply = await Promise.race([call, slot.death]);
        const resolvedAt = absoluteNow();
        if (!this.closed) this.buffers.give(reply.spare);
        this.#release(slot);
        return { value: reply.value, timing: { dispatchedAt, postedAt, resolvedAt, ...reply.timing, attempts: attempt } };
      } catch (error) {
        lastError = error;
        this.#release(slot);
        this.#checkOpen();
        // The same input would need the same memory again: no attempt can succeed.
        if (error instanceof Error && error.name === "KernelMemoryError") throw new RivuletError("MEMORY_LIMIT", error.message, { cause: error });
      }
    }
    throw new TaskFailedError(task.name, this.maxTaskFailures, lastError);
  }

  /** Terminates every worker and fails pending tasks. Idempotent; resolves once all are gone. */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      const closed = this.#closedError();
      for (const waiter of this.#waiters.splice(0)) waiter.reject(closed);
      this.#idle.length = 0;
      this.buffers.clear();
      this.sharedBuffers.clear();
      await Promise.all([...this.#live].map((slot) => slot.handle.terminate()));
    })();
    return this.#closing;
  }

  /** The module to post to workers; undefined where it cannot be compiled (workers then load the kernels themselves, or the reference). */
  #compiled(): Promise<WebAssembly.Module | undefined> {
    const source = this.#options.module;
    const module = (this.#module ??= (source === undefined ? compileKernels() : typeof source === "function" ? source() : Promise.resolve(source)).catch(
      () => undefined,
    ));
    return module;
  }

  #acquire(): Promise<Slot> {
    this.#checkOpen();
    const idle = this.#idle.pop();
    if (idle !== undefined) return Promise.resolve(idle);
    if (this.#live.size < this.size) return Promise.resolve(this.#spawn());
    return new Promise<Slot>((resolve, reject) => this.#waiters.push({ resolve, reject }));
  }

  /** Back to the idle list (or to a waiting task), unless the worker is gone. */
  #release(slot: Slot): void {
    slot.handle.setBusy?.(false);
    if (slot.dead || this.closed) return;
    const waiter = this.#waiters.shift();
    if (waiter !== undefined) {
      slot.handle.setBusy?.(true);
      waiter.resolve(slot);
    } else {
      this.#idle.push(slot);
    }
  }

  #spawn(): Slot {
    const slot = new Slot(this.#nextWorkerId++, this.#options.spawn());
    this.#spawned++;
    this.#live.add(slot);
    slot.handle.onDeath(() => this.#died(slot));
    return slot;
  }

  /** A worker is gone: forget it, and start its replacement if a task is waiting. */
  #died(slot: Slot): void {
    slot.dead = true;
    this.#live.delete(slot);
    const at = this.#idle.indexOf(slot);
    if (at >= 0) this.#idle.splice(at, 1);
    if (!this.closed && this.#waiters.length > 0 && this.#live.size < this.size) {
      const waiter = this.#waiters.shift()!;
      try {
        const replacement = this.#spawn();
        replacement.handle.setBusy?.(true);
        waiter.resolve(replacement);
      } catch (error) {
        waiter.reject(error); // counts as a failed attempt of the waiting task
      }
    }
  }

  #checkOpen(): void {
    if (this.closed) throw this.#closedError();
  }

  #closedError(): RivuletError {
    return new RivuletError("ILLEGAL_STATE", "the worker pool has been closed");
  }
}
