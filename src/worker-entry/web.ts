/**
 * The worker entry in browsers and Deno (a module `Worker`): the kernel operations and the job
 * host, exposed to the driver with comlink over the worker's global scope. Bundled as its own
 * file, `dist/web/kernel-worker.js`, loaded by URL (see `webSpawner`).
 */

import { expose } from "comlink";
import { createKernelWorker } from "../engine/workers/worker-side.ts";
import { createJobHost } from "../job-worker.ts";

expose(
  createKernelWorker({
    // A closed worker goes silent (the page gets no event): die of an uncaught error instead,
    // which the page sees (web/spawn.ts terminates the worker on it).
    exit: (code) => {
      throw new Error(`kernel worker exit(${code})`);
    },
    jobs: createJobHost(),
  }),
);
