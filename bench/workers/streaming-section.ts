// The streaming word-count section of `npm run bench` (see streaming.ts): Node, and Chromium in a
// cross-origin-isolated page (SharedArrayBuffer; both transports) and in a page that is not
// (transfer only). Also run alone by streaming-cli.ts.
import { loadavg } from "node:os";
import { runInChromium } from "../in-chromium.ts";
import { benchStreamingWordCount, report, type StreamingBenchResult } from "./streaming.ts";

export interface SectionOptions {
  readonly rounds: number;
  /** Words a batch (default 8,000,000). */
  readonly words?: number | undefined;
  /** The Node worker script; default: beside the bundle this code is in, as for any program. */
  readonly nodeWorkerUrl?: string | URL | undefined;
  /** The browser worker script (dist/web/kernel-worker.js), served beside the page's bundle. */
  readonly webWorkerFile: string;
  /** streaming.browser.ts. */
  readonly browserEntry: string;
  /** Progress lines (default: none). */
  readonly progress?: (line: string) => void;
}

const load = (): string => `host load ${loadavg().map((x) => x.toFixed(2)).join(" ")}`;

/** The section's lines, and the raw results (Node, Chromium isolated, Chromium not isolated). */
export async function streamingSection(options: SectionOptions): Promise<{ lines: string[]; results: StreamingBenchResult[] }> {
  const lines = [
    "Word count through StreamingContext with worker threads: textStream(bytes in 64 KiB chunks).flatMap(words).countByValue(),",
    "8M Zipf words (10k vocabulary) a batch: parallelism 2 (two workers; shared and transfer transports) vs parallelism 1 vs",
    "plain JS. A batch's time is clock.advance() of a ManualClock once its chunks were read: making the batch (assembling the",
    "held chunks, scanning the lines) + the job (listener: onBatchStarted to onBatchCompleted). Moving buffers: ShuffleMetrics.",
  ];
  // Chromium first: after the plain JS baseline of the Node run has made and freed hundreds of
  // MB in this process, a page's fresh memory (each batch's new 60 MB buffer) faulted in far
  // more slowly on the machine these figures come from: making a batch took ~200 ms instead of
  // ~60 in some of the later rounds (in 3 runs of 3 after such garbage, in none of 5 without).
  const results: StreamingBenchResult[] = [];
  for (const isolated of [true, false]) {
    const hostLoad = load();
    const r = await runInChromium<StreamingBenchResult>(options.browserEntry, {
      isolated,
      timeoutMs: 300_000,
      files: { "/kernel-worker.js": options.webWorkerFile },
      query: { rounds: options.rounds, ...(options.words === undefined ? {} : { words: options.words }) },
    });
    options.progress?.(`Chromium (${isolated ? "isolated" : "not isolated"}) done`);
    results.push({ ...r, runtime: `${r.runtime}, ${hostLoad}` });
  }
  results.unshift(
    await benchStreamingWordCount({
      rounds: options.rounds,
      words: options.words,
      workerUrl: options.nodeWorkerUrl,
      runtime: `Node ${process.versions.node}, ${load()}`,
      progress: options.progress,
    }),
  );
  results.forEach((r, i) => lines.push(...(i > 0 ? [""] : []), ...report(r)));
  return { lines, results };
}
