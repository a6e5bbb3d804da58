// The worker-pool word count in a browser page (module Web Workers); run by chromium.ts, which
// serves this bundle and the worker bundle at /kernel-worker.js, cross-origin isolated.
import { webSpawner } from "../../src/engine/workers/web/spawn.ts";
import { benchWorkerWordCount } from "./measure.ts";

export default async function run(): Promise<string[]> {
  const lines: string[] = [];
  const params = new URLSearchParams(location.search);
  await benchWorkerWordCount({
    spawn: webSpawner({ url: new URL("/kernel-worker.js", location.href) }),
    words: params.has("words") ? Number(params.get("words")) : undefined,
    rounds: params.has("rounds") ? Number(params.get("rounds")) : undefined,
    log: (line) => lines.push(line),
    runtime: `${navigator.userAgent.match(/(Headless)?Chrom(e|ium)\/[\d.]+/)?.[0] ?? navigator.userAgent}, hardwareConcurrency ${navigator.hardwareConcurrency}, crossOriginIsolated ${String(globalThis.crossOriginIsolated)}`,
  });
  return lines;
}
