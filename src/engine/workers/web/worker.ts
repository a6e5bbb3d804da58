/**
 * The kernel worker's entry in browsers (a module `Worker`): exposes the kernel operations to the
 * driver with comlink over the worker's global scope.
 */

import { expose } from "comlink";
import { createKernelWorker } from "../worker-side.ts";

expose(
  createKernelWorker({
    // A closed worker goes silent (the page gets no event): die of an uncaught error instead,
    // which the page sees (web/spawn.ts terminates the worker on it).
    exit: (code) => {
      throw new Error(`kernel worker exit(${code})`);
    },
  }),
);
