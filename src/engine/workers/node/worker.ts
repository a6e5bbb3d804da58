/**
 * The kernel worker's entry in Node (`worker_threads`): exposes the kernel operations to the
 * driver with comlink over the thread's `parentPort`. Bundled as its own file (it is loaded by
 * URL, see `nodeSpawner`).
 */

import { expose } from "comlink";
import nodeEndpoint from "comlink/dist/esm/node-adapter.mjs";
import { parentPort } from "node:worker_threads";
import { createKernelWorker } from "../worker-side.ts";

if (parentPort === null) throw new Error("the kernel worker must run in a worker thread");

expose(
  createKernelWorker({
    exit: (code) => process.exit(code),
  }),
  nodeEndpoint(parentPort),
);
