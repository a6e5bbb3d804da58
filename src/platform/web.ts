import { RivuletError } from "../core/errors.ts";
import type { TextFileSink } from "../dstream/output.ts";
import type { Spawn } from "../engine/workers/spawn.ts";
import type { Directory } from "../sources/directory.ts";
import { webSpawner } from "../engine/workers/web/spawn.ts";
import { originFileSink, originStorage } from "./opfs-file-sink.ts";

/**
 * Browsers and their workers: the origin private file system. Edge runtimes have no file system
 * to write to by default.
 */
export function defaultFileSink(): TextFileSink {
  const storage = originStorage();
  if (storage) return originFileSink(storage);
  return {
    async writeText(path) {
      throw new RivuletError(
        "ILLEGAL_STATE",
        `saveAsTextFiles cannot write ${path}: this runtime has no file system; pass a fileSink to the StreamingContext`,
      );
    },
  };
}

/** Browsers and Deno: module Web Workers; none where there is no `Worker` (Cloudflare workerd). */
export function defaultSpawner(url?: string | URL): Spawn | undefined {
  return typeof Worker === "function" ? webSpawner({ url }) : undefined;
}

/** Hardware threads the browser reports (Deno too); undefined where there is no `navigator`. */
export function hardwareConcurrency(): number | undefined {
  return typeof navigator !== "undefined" && typeof navigator.hardwareConcurrency === "number" ? navigator.hardwareConcurrency : undefined;
}

/** Browsers, workers and edge runtimes: no file system paths; directories come as handles or objects. */
export function localDirectory(path: string | URL): Directory {
  throw new RivuletError(
    "INVALID_ARGUMENT",
    `textFileStream(${JSON.stringify(String(path))}): this runtime has no file system paths; pass a FileSystemDirectoryHandle (e.g. navigator.storage.getDirectory()) or an object with list() and read(name)`,
  );
}

/** The part of Deno's API that shutdown signals go through. */
interface DenoSignals {
  addSignalListener(signal: string, handler: () => void): void;
  removeSignalListener(signal: string, handler: () => void): void;
  kill(pid: number, signal: string): void;
  readonly pid: number;
}

/**
 * Deno: SIGTERM and SIGINT run `handler` (a graceful stop) first, then end the process as they
 * would have. Browsers and edge isolates have no shutdown that leaves time to run a batch (a tab's
 * `pagehide` does not wait for promises): nothing is hooked there; checkpoints cover that case.
 */
export function onShutdown(handler: () => Promise<void>): () => void {
  const deno = (globalThis as { Deno?: Partial<DenoSignals> }).Deno;
  if (!deno || typeof deno.addSignalListener !== "function" || typeof deno.removeSignalListener !== "function") return () => undefined;
  const { addSignalListener, removeSignalListener } = deno as DenoSignals;
  // Windows has SIGINT only.
  const signals = ["SIGTERM", "SIGINT"].filter((signal) => {
    try {
      addSignalListener.call(deno, signal, noop);
      removeSignalListener.call(deno, signal, noop);
      return true;
    } catch {
      return false;
    }
  });
  const listeners = signals.map((signal) => {
    const listener = () => {
      remove();
      void handler()
        .catch(() => undefined)
        .finally(() => (deno as DenoSignals).kill((deno as DenoSignals).pid, signal));
    };
    return [signal, listener] as const;
  });
  const remove = () => {
    for (const [signal, listener] of listeners) removeSignalListener.call(deno, signal, listener);
  };
  for (const [signal, listener] of listeners) addSignalListener.call(deno, signal, listener);
  return remove;
}

function noop(): void {}


/** The part of Deno's API that `socketTextStream` connects with. */
interface DenoConnect {
  connect(options: { hostname: string; port: number }): Promise<{ readonly readable: ReadableStream<Uint8Array> }>;
}

/**
 * Deno: `socketTextStream` connects with `Deno.connect`. Browsers have no TCP sockets, and
 * workerd's come from a module only a worker can import: undefined there (pass `connect`).
 */
export const tcpConnect: ((hostname: string, port: number) => Promise<ReadableStream<Uint8Array>>) | undefined = (() => {
  const deno = (globalThis as { Deno?: Partial<DenoConnect> }).Deno;
  if (!deno || typeof deno.connect !== "function") return undefined;
  const { connect } = deno as DenoConnect;
  return async (hostname: string, port: number) => (await connect.call(deno, { hostname, port })).readable;
})();
