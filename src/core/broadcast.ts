import { RivuletError } from "./errors.ts";

/** How a broadcast reaches a worker with each stage task: its value, or that it was destroyed. */
export type BroadcastWire = { readonly value: unknown } | { readonly destroyed: true };

/**
 * Spark's `Broadcast[T]`: a read-only value the job's functions read wherever they run, made with
 * `ssc.broadcast(value)`. In this thread the functions read the value itself. In a job module the
 * workers' copies hold the driver's value: each stage task carries the values of the broadcasts
 * the setup made (a structured clone), as Spark ships a broadcast to each executor. Broadcasts
 * are not checkpointed: a recovered job makes them again, as Spark's examples do with a lazily
 * made singleton.
 */
export class Broadcast<T> {
  /** Its index among the context's broadcasts, the same in every thread. */
  readonly id: number;
  #value: T | undefined;
  #destroyed = false;

  /** @internal Made by `StreamingContext.broadcast`. */
  constructor(id: number, value: T) {
    this.id = id;
    this.#value = value;
  }

  /**
   * The value. Never changed: functions running in workers read a copy of it, so changing an
   * object it holds would change this thread's copy only.
   * @throws RivuletError `ILLEGAL_STATE` after `destroy()`, as Spark's `SparkException`.
   */
  get value(): T {
    if (this.#destroyed) throw new RivuletError("ILLEGAL_STATE", `Attempted to use ${this} after it was destroyed`);
    return this.#value as T;
  }

  /**
   * Spark drops the executors' cached copies, to be sent again when next used. Workers here hold
   * no copy between tasks (each task carries the value), so there is nothing to drop.
   */
  unpersist(): void {}

  /** Releases the value for good: reading it afterwards throws, here and in the workers' tasks. */
  destroy(): void {
    this.#destroyed = true;
    this.#value = undefined;
  }

  toString(): string {
    return `Broadcast(${this.id})`;
  }

  /** @internal What a stage task carries of it. */
  wire(): BroadcastWire {
    return this.#destroyed ? { destroyed: true } : { value: this.#value };
  }

  /** @internal A worker's copy takes the driver's value (or its destruction) before a task. */
  adopt(wire: BroadcastWire): void {
    if ("destroyed" in wire) this.destroy();
    else if (!this.#destroyed) this.#value = wire.value as T;
  }
}
