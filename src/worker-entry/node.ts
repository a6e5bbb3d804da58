/**
 * The worker entry in Node (`worker_threads`): the kernel operations and the job host, exposed to
 * the driver with comlink over the thread's `parentPort`. Bundled as its own file,
 * `dist/node/kernel-worker.js`, loaded by URL (see `nodeSpawner`).
 */

import { expose } from "comlink";
import nodeEndpoint from "comlink/dist/esm/node-adapter.mjs";
import { parentPort } from "node:worker_threads";
import { createKernelWorker } from "../engine/workers/worker-side.ts";
import { createJobHost } from "../job-worker.ts";

if (parentPort === null) throw new Error("the kernel worker must run in a worker thread");

expose(
  createKernelWorker({
    exit: (code) => process.exit(code),
    jobs: createJobHost(),
  }),
  nodeEndpoint(parentPort),
);
