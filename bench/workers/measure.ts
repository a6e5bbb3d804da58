// The worker-pool word-count benchmark, platform-neutral (Node and Chromium drivers:
// wordcount.ts, chromium.ts): parallelism 2 vs 1 through the pool, vs plain single-threaded JS,
// the share of the batch time spent moving buffers between threads, transfer vs SharedArrayBuffer.
import { words } from "../../src/core/words.ts";
import { aggregateEntries } from "../../src/engine/kernels/columnar.ts";
import { loadKernels } from "../../src/engine/kernels/load.ts";
import type { Aggregate } from "../../src/engine/kernels/types.ts";
import { WorkerPool, type TaskTiming } from "../../src/engine/workers/pool.ts";
import { parallelWordCount, toShared, type ShuffleMetrics, type ShuffleOptions } from "../../src/engine/workers/shuffle.ts";
import type { Spawn } from "../../src/engine/workers/spawn.ts";
import { fmt, vocabulary, zipfText } from "../kernels/common.ts";

export interface BenchOptions {
  readonly spawn: Spawn;
  readonly words?: number;
  readonly rounds?: number;
  /** Where the report goes, line by line. */
  readonly log: (line: string) => void;
  /** First line: the runtime. */
  readonly runtime: string;
}

export interface BenchSummary {
  readonly p2VsP1: number;
  readonly p2VsJs: number;
  readonly movingShareTransfer: number;
  readonly movingShareSharedInPlace: number;
}

const gc = (globalThis as { gc?: () => void }).gc;
const median = (xs: readonly number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;

/** The plain JS word count of the kernels issue: decode, lines, words(), Map. */
export function jsWords(bytes: Uint8Array): Map<string, number> {
  const text = new TextDecoder().decode(bytes);
  const counts = new Map<string, number>();
  for (const line of text.split("\n")) for (const w of words(line)) counts.set(w, (counts.get(w) ?? 0) + 1);
  return counts;
}

/** Leaner JS: decode, lines, split on single spaces (this corpus has nothing else), Map. */
export function jsSplit(bytes: Uint8Array): Map<string, number> {
  const text = new TextDecoder().decode(bytes);
  const counts = new Map<string, number>();
  for (const line of text.split("\n")) {
    if (line === "") continue;
    for (const w of line.split(" ")) counts.set(w, (counts.get(w) ?? 0) + 1);
  }
  return counts;
}

const toMap = (parts: readonly Aggregate[]): Map<string, number> => new Map(parts.flatMap((p) => aggregateEntries(p) as [string, number][]));

function sameCounts(a: Map<string, number>, b: Map<string, number>): boolean {
  return a.size === b.size && [...a].every(([k, v]) => b.get(k) === v);
}

interface Candidate {
  readonly name: string;
  run(metrics: (m: ShuffleMetrics) => void): Promise<Map<string, number> | Aggregate[]>;
}

export async function benchWorkerWordCount(options: BenchOptions): Promise<BenchSummary> {
  const WORDS = options.words ?? 8_000_000;
  const ROUNDS = options.rounds ?? 7;
  const VOCABULARY = 10_000;
  const log = options.log;
  const sharedOk = typeof SharedArrayBuffer !== "undefined";
  log(`word count through the worker pool: ${WORDS.toLocaleString("en")} Zipf words a batch, ${VOCABULARY.toLocaleString("en")}-word vocabulary; ${options.runtime}`);
  const { bytes, distinct } = zipfText(vocabulary(VOCABULARY), WORDS);
  log(`batch: ${fmt(bytes.length / 2 ** 20)} MiB, ${distinct} distinct words; ${ROUNDS} interleaved rounds, medians; SharedArrayBuffer ${sharedOk ? "available" : "unavailable"}`);

  const kernels = await loadKernels({ implementation: "wasm" });
  const p1 = new WorkerPool({ size: 1, spawn: options.spawn });
  const p2 = new WorkerPool({ size: 2, spawn: options.spawn });
  const P = 2; // output partitions
  const pooled = (pool: WorkerPool, input: Uint8Array, o: ShuffleOptions) => (onMetrics: (m: ShuffleMetrics) => void) =>
    parallelWordCount(pool, input, P, { ...o, onMetrics });

  const candidates: Candidate[] = [
    { name: "JS words()+Map", run: async () => jsWords(bytes) },
    { name: "JS split+Map", run: async () => jsSplit(bytes) },
    { name: "kernel in-thread", run: async () => kernels.wordCount(bytes, P) as Aggregate[] },
    { name: "pool P=1 transfer", run: pooled(p1, bytes, { transport: "transfer" }) },
    { name: "pool P=2 transfer", run: pooled(p2, bytes, { transport: "transfer" }) },
  ];
  if (sharedOk) {
    const sharedBytes = toShared(bytes);
    candidates.push(
      { name: "pool P=1 shared (in SAB)", run: pooled(p1, sharedBytes, { transport: "shared" }) },
      { name: "pool P=2 shared (copy in)", run: pooled(p2, bytes, { transport: "shared" }) },
      { name: "pool P=2 shared (in SAB)", run: pooled(p2, sharedBytes, { transport: "shared" }) },
    );
  }

  // Same answer everywhere, and a warm-up (worker start, kernel instantiation, memory growth).
  const expected = jsWords(bytes);
  for (const c of candidates) {
    const out = await c.run(() => {});
    const got = out instanceof Map ? out : toMap(out);
    if (!sameCounts(got, expected)) throw new Error(`${c.name}: counts differ from the JS word count`);
  }

  const times = candidates.map(() => [] as number[]);
  const metrics = candidates.map(() => [] as ShuffleMetrics[]);
  for (let r = 0; r < ROUNDS; r++) {
    for (let k = 0; k < candidates.length; k++) {
      gc?.();
      const t = performance.now();
      await candidates[k]!.run((m) => metrics[k]!.push(m));
      times[k]!.push(performance.now() - t);
    }
  }
  const ms = times.map(median);
  const byName = (name: string): number => ms[candidates.findIndex((c) => c.name === name)] ?? NaN;
  const share = (name: string): number => median(metrics[candidates.findIndex((c) => c.name === name)]?.map((x) => x.movementMs / x.wallMs) ?? [NaN]);

  log("");
  log(
    [
      "candidate".padEnd(27),
      "batch".padStart(10),
      "words/s".padStart(9),
      "moving".padStart(9),
      "share".padStart(7),
      "compute".padStart(9),
      "(map+merge)".padStart(16),
      "map in/out".padStart(12),
      "merge in/out".padStart(13),
    ].join(" "),
  );
  const inOut = (ts: readonly TaskTiming[]): [number, number] =>
    ts.length === 0
      ? [0, 0]
      : [
          ts.reduce((sum, t) => sum + t.postedAt - t.dispatchedAt, 0) + Math.max(...ts.map((t) => t.receivedAt - t.postedAt)),
          Math.max(...ts.map((t) => t.resolvedAt - t.doneAt)),
        ];
  candidates.forEach((c, k) => {
    const m = metrics[k]!;
    const row = [c.name.padEnd(27), `${fmt(ms[k]!)} ms`.padStart(10), `${fmt(WORDS / ms[k]! / 1e3, 0)}M`.padStart(9)];
    if (m.length > 0) {
      const mapC = median(m.map((x) => Math.max(...x.map.map((t) => t.computeMs))));
      const mergeC = median(m.map((x) => (x.merge.length ? Math.max(...x.merge.map((t) => t.computeMs)) : 0)));
      const mapIO = m.map((x) => inOut(x.map));
      const mergeIO = m.map((x) => inOut(x.merge));
      row.push(
        `${fmt(median(m.map((x) => x.movementMs)))} ms`.padStart(9),
        `${fmt(median(m.map((x) => x.movementMs / x.wallMs)) * 100)}%`.padStart(7),
        `${fmt(median(m.map((x) => x.computeMs)))} ms`.padStart(9),
        `(${fmt(mapC)}+${fmt(mergeC, 2)})`.padStart(16),
        `${fmt(median(mapIO.map((x) => x[0])))}/${fmt(median(mapIO.map((x) => x[1])))}`.padStart(12),
        `${fmt(median(mergeIO.map((x) => x[0])))}/${fmt(median(mergeIO.map((x) => x[1])))}`.padStart(13),
      );
    }
    log(row.join(" "));
  });

  const p1t = byName("pool P=1 transfer");
  const p2t = byName("pool P=2 transfer");
  const summary: BenchSummary = {
    p2VsP1: p1t / p2t,
    p2VsJs: byName("JS words()+Map") / p2t,
    movingShareTransfer: share("pool P=2 transfer"),
    movingShareSharedInPlace: share("pool P=2 shared (in SAB)"),
  };
  log("");
  log(`P=2 vs P=1 (transfer):               ${fmt(summary.p2VsP1, 2)}x   (target >= 1.7x)`);
  if (sharedOk) log(`P=2 vs P=1 (shared, in SAB):         ${fmt(byName("pool P=1 shared (in SAB)") / byName("pool P=2 shared (in SAB)"), 2)}x`);
  log(`P=2 (transfer) vs JS words()+Map:    ${fmt(summary.p2VsJs, 2)}x   (target >= 5x)`);
  log(`P=2 (transfer) vs JS split+Map:      ${fmt(byName("JS split+Map") / p2t, 2)}x`);
  log(`P=2 (transfer) vs kernel in-thread:  ${fmt(byName("kernel in-thread") / p2t, 2)}x`);
  log(`moving buffers, P=2 transfer:        ${fmt(summary.movingShareTransfer * 100)}% of the batch time   (target <= 5%)`);
  if (sharedOk) log(`moving buffers, P=2 shared in SAB:   ${fmt(summary.movingShareSharedInPlace * 100)}% of the batch time`);
  log(
    "moving: per phase, first dispatch to last reply less the last task's kernel time (copying slices into transfer buffers, " +
      "posting, in flight both ways), summed over the two phases, plus copying the batch into a SharedArrayBuffer (shared, copy in). " +
      "in/out: this thread's time posting all requests + the longest request in flight / the longest reply in flight. " +
      "compute: per phase the slowest task's kernel time, summed.",
  );
  await Promise.all([p1.close(), p2.close()]);
  return summary;
}
