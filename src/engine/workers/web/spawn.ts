/**
 * Kernel workers in browsers: module `Worker`s, talked to through comlink directly.
 *
 * A browser does not tell the page when a worker dies: an uncaught error in the worker fires
 * `error` on the `Worker` (the worker itself may live on) and `terminate()` fires nothing. So an
 * `error` (or a message that cannot be deserialized) counts as the worker's death: it is
 * terminated and reported dead, and `terminate()` reports the death itself.
 */

import type { Spawn, WorkerHandle } from "../spawn.ts";

export interface WebSpawnerOptions {
  /**
   * The worker entry (src/worker-entry/web.ts bundled as one ES module file). Default: `kernel-worker.js`
   * beside the module that contains this code, i.e. `dist/web/kernel-worker.js` next to
   * `dist/web/index.js`.
   */
  readonly url?: URL | string | undefined;
}

/**
 * The default location of the browser worker bundle: beside the bundle this code is in. Served
 * from the sources by a dev server (tests), the entry's source, which the server compiles.
 */
export function defaultWebWorkerUrl(): URL {
  const here = import.meta.url;
  return new URL(here.endsWith(".ts") ? "../../../worker-entry/web.ts" : "./kernel-worker.js", here);
}

/** Spawns kernel workers as module Web Workers. */
export function webSpawner(options: WebSpawnerOptions = {}): Spawn {
  const url = options.url ?? defaultWebWorkerUrl();
  return (): WorkerHandle => {
    const worker = new Worker(url, { type: "module", name: "rivulet-kernels" });
    let dead = false;
    const listeners: ((error: Error) => void)[] = [];
    const die = (error: Error): void => {
      if (dead) return;
      dead = true;
      worker.terminate();
      for (const listener of listeners.splice(0)) listener(error);
    };
    worker.addEventListener("error", (event) => {
      event.preventDefault();
      const cause: unknown = event.error;
      die(cause instanceof Error ? cause : new Error(`kernel worker failed: ${event.message || "error event (the worker script may have failed to load)"}`));
    });
    worker.addEventListener("messageerror", () => die(new Error("kernel worker: a message could not be deserialized")));
    return {
      endpoint: worker,
      onDeath(listener) {
        listeners.push(listener);
      },
      async terminate() {
        die(new Error("kernel worker terminated"));
      },
    };
  };
}
