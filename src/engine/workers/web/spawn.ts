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

/** Where the worker entry's source is, from this file's source: served by a dev server (tests), which compiles it. */
const SOURCE_ENTRY = "../../../worker-entry/web.ts";

/**
 * A kernel worker from `url`, or by default from `kernel-worker.js` beside the bundle this code
 * is in. The default is written out as `new Worker(new URL("./kernel-worker.js",
 * import.meta.url), …)` with literal options because that is the one shape bundlers (Vite,
 * webpack, Parcel) recognise: they ship the worker script with the application and point the URL
 * at it. Run from the sources (`.ts`), the entry's source is started instead; its URL is not a
 * literal, so that no bundler looks for it beside a published bundle.
 */
function startWorker(url: URL | string | undefined): Worker {
  if (url !== undefined) return new Worker(url, { type: "module", name: "rivulet-kernels" });
  // Not `new URL(…, import.meta.url)`: webpack would take the variable path for a module to find.
  const here = import.meta.url;
  if (here.endsWith(".ts")) return new Worker(new URL(SOURCE_ENTRY, here), { type: "module", name: "rivulet-kernels" });
  return new Worker(new URL("./kernel-worker.js", import.meta.url), { type: "module", name: "rivulet-kernels" });
}

/** Spawns kernel workers as module Web Workers. */
export function webSpawner(options: WebSpawnerOptions = {}): Spawn {
  return (): WorkerHandle => {
    const worker = startWorker(options.url);
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
      const which = options.url === undefined ? "kernel worker" : `kernel worker ${String(options.url)}`;
      die(cause instanceof Error ? cause : new Error(`${which} failed: ${event.message || "error event (the worker script may have failed to load)"}`));
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
