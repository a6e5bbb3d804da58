import { mkdir, writeFile } from "node:fs/promises";
import { connect } from "node:net";
import { Readable } from "node:stream";
import { availableParallelism, cpus } from "node:os";
import { dirname } from "node:path";
import type { TextFileSink } from "../dstream/output.ts";
import { nodeSpawner } from "../engine/workers/node/spawn.ts";
import type { Spawn } from "../engine/workers/spawn.ts";

/** Node and Electron's main process: text files go to the file system. */
export function defaultFileSink(): TextFileSink {
  return {
    async writeText(path, text) {
      await mkdir(dirname(path), { recursive: true });
      await writeFile(path, text, "utf8");
    },
  };
}

/** Node and Electron's main process: worker threads. */
export function defaultSpawner(url?: string | URL): Spawn | undefined {
  return nodeSpawner({ url });
}

/** Hardware threads this process may use (Node 20 has no `navigator`). */
export function hardwareConcurrency(): number | undefined {
  return typeof availableParallelism === "function" ? availableParallelism() : cpus().length;
}

/**
 * Node and Electron's main process: SIGTERM and SIGINT run `handler` (a graceful stop) first; then
 * the signal takes its usual course (the process ends), unless someone else listens for it. A
 * second signal while `handler` runs ends the process at once. Returns a function that unhooks.
 */
export function onShutdown(handler: () => Promise<void>): () => void {
  const signals: NodeJS.Signals[] = ["SIGTERM", "SIGINT"];
  const remove = () => {
    for (const signal of signals) process.off(signal, listener);
  };
  const listener = (signal: NodeJS.Signals) => {
    remove();
    void handler()
      .catch(() => undefined)
      .finally(() => {
        if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
      });
  };
  for (const signal of signals) process.on(signal, listener);
  return remove;
}

/** Node and Electron's main process: `textFileStream(path)` watches a directory of the file system. */
export { nodeDirectory as localDirectory } from "./node-directory.ts";

/** Node and Electron's main process: `socketTextStream` connects with `net`. */
export function tcpConnect(hostname: string, port: number): Promise<ReadableStream<Uint8Array>> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: hostname, port });
    socket.once("error", reject);
    socket.once("connect", () => {
      socket.off("error", reject);
      resolve(Readable.toWeb(socket) as ReadableStream<Uint8Array>);
    });
  });
}
