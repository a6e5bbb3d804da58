// The streaming word count (streaming.ts) in a browser page; run by bench/run.ts through
// runInChromium, which serves this bundle with the library's worker script beside it
// (/kernel-worker.js, where the context's default worker URL points), cross-origin isolated or not.
import { benchStreamingWordCount, type StreamingBenchResult } from "./streaming.ts";

export default async function run(): Promise<StreamingBenchResult> {
  const params = new URLSearchParams(location.search);
  const number = (name: string): number | undefined => (params.has(name) ? Number(params.get(name)) : undefined);
  const browser = navigator.userAgent.match(/(Headless)?Chrom(e|ium)\/[\d.]+/)?.[0] ?? navigator.userAgent;
  return benchStreamingWordCount({
    words: number("words"),
    rounds: number("rounds"),
    warmup: number("warmup"),
    runtime: `${browser}, hardwareConcurrency ${navigator.hardwareConcurrency}, crossOriginIsolated ${String(globalThis.crossOriginIsolated)}`,
  });
}
