// Shared helpers of the worker tests: the Node worker entry bundled by esbuild (Node 20 cannot
// run the .ts entry itself), a pool on real worker_threads, and counting the threads it starts.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { ensureWasmBuilt } from "../kernels/support.ts";
import { nodeSpawner } from "../../../src/engine/workers/node/spawn.ts";
import { WorkerPool, type WorkerPoolOptions } from "../../../src/engine/workers/pool.ts";
import { observeSpawn, type Spawn } from "../../../src/engine/workers/spawn.ts";
import { bundleForNode } from "../../support/node-bundle.ts";

const entry = fileURLToPath(new URL("../../../src/worker-entry/node.ts", import.meta.url));

let bundled: { url: URL; dir: string } | undefined;

/** The Node worker entry, bundled once per test file into a temporary directory. */
export async function workerUrl(): Promise<URL> {
  if (bundled) return bundled.url;
  ensureWasmBuilt();
  const dir = mkdtempSync(join(tmpdir(), "rivulet-worker-"));
  const outfile = join(dir, "kernel-worker.js");
  await bundleForNode(entry, outfile);
  bundled = { url: pathToFileURL(outfile), dir };
  return bundled.url;
}

/** A test driver script (fixtures/), bundled for Node next to the worker bundle; its path. */
export async function bundleScript(name: string): Promise<string> {
  await workerUrl();
  const outfile = join(bundled!.dir, `${name}.mjs`);
  return bundleForNode(new URL(`./fixtures/${name}.ts`, import.meta.url), outfile);
}

/** Removes the bundle (afterAll). */
export function removeWorkerBundle(): void {
  if (bundled) rmSync(bundled.dir, { recursive: true, force: true });
  bundled = undefined;
}

/** Counts the threads a spawner starts and the ones that are gone (from Node's own `exit` events). */
export interface ThreadCount {
  started: number;
  exited: number;
}

/** A pool on Node worker threads, with a count of its threads. */
export async function nodePool(options: Omit<WorkerPoolOptions, "spawn"> & { spawn?: Spawn }): Promise<{ pool: WorkerPool; threads: ThreadCount }> {
  const threads: ThreadCount = { started: 0, exited: 0 };
  const spawn = observeSpawn(options.spawn ?? nodeSpawner({ url: await workerUrl() }), (handle) => {
    threads.started++;
    handle.onDeath(() => threads.exited++);
  });
  return { pool: new WorkerPool({ ...options, spawn }), threads };
}
