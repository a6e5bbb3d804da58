/**
 * The seam between the pool and a platform's threads: a `Spawn` function starts one kernel
 * worker and returns its comlink endpoint plus the two things comlink does not do, learning that
 * the worker died and ending it. One implementation per platform: `nodeSpawner`
 * (node/spawn.ts, `worker_threads`) and `webSpawner` (web/spawn.ts, module `Worker`).
 */

import type { Endpoint } from "comlink";

/** One running worker thread. */
export interface WorkerHandle {
  /** What comlink talks to. */
  readonly endpoint: Endpoint;
  /**
   * Calls `listener` once when the worker is gone: it crashed (uncaught error), exited, or was
   * terminated. `error` says why. Registered once per handle, right after spawning.
   */
  onDeath(listener: (error: Error) => void): void;
  /** Ends the worker; resolves once the thread is gone (its death listener has been called). */
  terminate(): Promise<void>;
  /**
   * Optional: told whether the worker has work. Node uses it to `ref`/`unref` the thread, so an
   * idle pool that was never closed does not keep the process alive.
   */
  setBusy?(busy: boolean): void;
}

/** Starts one kernel worker. */
export type Spawn = () => WorkerHandle;

/** Wraps a `Spawn` so that a listener sees every worker it starts (tests, metrics). */
export function observeSpawn(spawn: Spawn, onSpawn: (handle: WorkerHandle) => void): Spawn {
  return () => {
    const handle = spawn();
    onSpawn(handle);
    return handle;
  };
}
