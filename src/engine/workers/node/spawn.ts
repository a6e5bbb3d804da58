/**
 * Kernel workers in Node: `worker_threads`, talked to through comlink's Node adapter.
 */

import nodeEndpoint from "comlink/dist/esm/node-adapter.mjs";
import { Worker, type ResourceLimits } from "node:worker_threads";
import type { Spawn, WorkerHandle } from "../spawn.ts";

export interface NodeSpawnerOptions {
  /**
   * The bundled worker entry (src/worker-entry/node.ts built as one ES module file). Default:
   * `kernel-worker.js` beside the module that contains this code, i.e. `dist/node/kernel-worker.js`
   * next to `dist/node/index.js`.
   */
  readonly url?: URL | string | undefined;
  /** Passed to `new Worker` (e.g. `maxOldGenerationSizeMb`). */
  readonly resourceLimits?: ResourceLimits | undefined;
  /**
   * Node options of the workers. Default: this process's (Node's default), except for a driver
   * read from stdin or `--eval` with `--input-type`, which would make a worker loaded from a file
   * fail: then none (process-wide V8 flags still apply to workers).
   */
  readonly execArgv?: readonly string[] | undefined;
}

/**
 * The default location of the Node worker bundle: beside the bundle this code is in. Run from
 * the sources (tests), the built one: Node cannot start a worker from TypeScript.
 */
export function defaultNodeWorkerUrl(): URL {
  const here = import.meta.url;
  return new URL(here.endsWith(".ts") ? "../../../../dist/node/kernel-worker.js" : "./kernel-worker.js", here);
}

/** Spawns kernel workers as Node worker threads. */
export function nodeSpawner(options: NodeSpawnerOptions = {}): Spawn {
  const given = options.url ?? defaultNodeWorkerUrl();
  // Node takes a path or a URL object; a "file:" URL as a string would be read as a path.
  const url = typeof given === "string" && given.startsWith("file:") ? new URL(given) : given;
  const execArgv = options.execArgv ? [...options.execArgv] : process.execArgv.some((arg) => arg.startsWith("--input-type")) ? [] : undefined;
  return (): WorkerHandle => {
    const worker = new Worker(url, { name: "rivulet-kernels", resourceLimits: options.resourceLimits, execArgv });
    let crash: Error | undefined;
    let exited = false;
    const listeners: ((error: Error) => void)[] = [];
    const gone = new Promise<void>((resolve) => {
      worker.once("exit", (code) => {
        exited = true;
        const error = crash ?? new Error(`kernel worker exited with code ${code}`);
        for (const listener of listeners.splice(0)) listener(error);
        resolve();
      });
    });
    worker.on("error", (error) => {
      crash ??= error instanceof Error ? error : new Error(String(error));
    });
    return {
      endpoint: nodeEndpoint(worker),
      onDeath(listener) {
        listeners.push(listener);
      },
      async terminate() {
        if (!exited) await worker.terminate();
        await gone;
      },
      setBusy(busy) {
        if (busy) worker.ref();
        else worker.unref();
      },
    };
  };
}
