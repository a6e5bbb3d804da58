// The word count through the public API with the engine's worker pool, platform-neutral (run by
// bench/run.ts in Node, and in Chromium through streaming.browser.ts):
//
//   ssc.textStream(bytes).flatMap(words).countByValue()
//
// at parallelism 2 (worker pool, "shared" and "transfer" transports) against the same job at
// parallelism 1 (the kernel in this thread) and against plain single-threaded JS over the same
// bytes (TextDecoder, lines, words(), Map). Each batch's text is enqueued as 64 KiB chunks, as a
// network stream delivers it, and read by the source before the clock (a ManualClock) is advanced;
// what is timed is `clock.advance(interval)`, which makes the batch and runs the job.
//
// Configurations are measured in interleaved rounds (load that comes and goes on a shared machine
// hits them alike): each configuration keeps its engine (and so its warm workers) across rounds,
// handed from one context to the next with `stop({ stopEngine: false })`, since only one context
// may be active at a time.

// Not `setTimeout(0)` between steps: browsers clamp timers nested five deep to 4 ms, and the
// clock's own `setTimeout(0)` would then be clamped inside the timed `advance`.
import { yieldToEventLoop } from "../../src/core/yield.ts";
import { ManualClock, Seconds, StreamingContext, words, type Engine, type ShuffleMetrics, type Transport } from "../../src/index.ts";
import { scanLines } from "../../src/sources/utf8-lines.ts";
import { vocabulary, zipfText } from "../kernels/common.ts";

export interface StreamingBenchOptions {
  /** Words a batch (default 8,000,000). */
  readonly words?: number;
  /** Measured rounds; each measures every configuration once (default 7). */
  readonly rounds?: number;
  /** Batches each configuration runs before the rounds (default 2). */
  readonly warmup?: number;
  /** Bytes a chunk of the stream (default 64 KiB). */
  readonly chunkBytes?: number;
  /** Transports measured at parallelism 2 (default: "shared" where usable, and "transfer"). */
  readonly transports?: readonly Transport[];
  /** The worker script (the context's `workers.url`; default: beside the library's bundle). */
  readonly workerUrl?: string | URL | undefined;
  readonly runtime: string;
  /** Progress, line by line. */
  readonly progress?: (line: string) => void;
}

/** One batch of a configuration. All in ms. */
export interface BatchTiming {
  /** Enqueueing the batch's chunks until the source has read them all (before the clock moves). */
  readonly ingestMs: number;
  /** `clock.advance(interval)`: the batch made from what the source holds, and its job run. */
  readonly advanceMs: number;
  /** From the listener's onBatchStarted to onBatchCompleted, in wall time (`performance.now()`). */
  readonly processingMs: number;
  /** The listener's `batchInfo.processingDelay` (clock ms: 0 on a manual clock). */
  readonly processingDelay: number;
  /** The pool's word-count shuffle of the batch (parallelism 2 only). */
  readonly shuffle?: Pick<ShuffleMetrics, "transport" | "slices" | "wallMs" | "movementMs" | "computeMs"> | undefined;
}

export interface ConfigResult {
  readonly name: string;
  readonly parallelism: number;
  readonly transport?: Transport | undefined;
  readonly batches: readonly BatchTiming[];
}

export interface StreamingBenchResult {
  readonly runtime: string;
  readonly sharedMemory: boolean;
  readonly words: number;
  readonly bytes: number;
  readonly chunks: number;
  readonly distinct: number;
  readonly rounds: number;
  readonly warmup: number;
  /** The plain JS word count of the same bytes, once per round (run after the rounds of the jobs). */
  readonly jsMs: readonly number[];
  readonly configs: readonly ConfigResult[];
  readonly making: BatchMaking;
}

/** The parts of making a batch, timed alone (ms). */
export interface BatchMaking {
  /** Whether the batch buffer is a SharedArrayBuffer (as the text source makes it here). */
  readonly shared: boolean;
  /** Pieces the chunks are held as (each chunk cut after its last newline). */
  readonly parts: number;
  /** Copying them into a new buffer. */
  readonly freshMs: number;
  /** Copying them into a buffer used before. */
  readonly reusedMs: number;
  /** `scanLines` over the batch. */
  readonly scanMs: number;
}

/** The plain JS word count of the kernels issue: decode, lines, words(), Map. */
export function jsWordCount(bytes: Uint8Array): Map<string, number> {
  const text = new TextDecoder().decode(bytes);
  const counts = new Map<string, number>();
  for (const line of text.split("\n")) for (const w of words(line)) counts.set(w, (counts.get(w) ?? 0) + 1);
  return counts;
}

interface Config {
  readonly name: string;
  readonly parallelism: number;
  readonly transport?: Transport | undefined;
}

/**
 * One configuration's job. The engine outlives each context (one context per round), so workers
 * and kernels stay warm; the shuffle metrics of the engine go to whichever batch is running.
 */
class Job {
  readonly config: Config;
  private readonly workerUrl: string | URL | undefined;
  private engine: Engine | undefined;
  private lastShuffle: ShuffleMetrics | undefined;

  constructor(config: Config, workerUrl: string | URL | undefined) {
    this.config = config;
    this.workerUrl = workerUrl;
  }

  /** Runs `batches` batches of `chunks` on a new context; resolves with each one's timing, and the last batch's counts. */
  async run(chunks: readonly Uint8Array[], batches: number): Promise<{ timings: BatchTiming[]; counts: Map<string, number> }> {
    const clock = new ManualClock();
    const { parallelism, transport } = this.config;
    const ssc = new StreamingContext({
      batchInterval: Seconds(1),
      clock,
      parallelism,
      kernels: "wasm",
      ...(this.engine
        ? { engine: this.engine }
        : {
            workers: {
              ...(this.workerUrl ? { url: this.workerUrl } : {}),
              ...(transport ? { transport } : {}),
              onShuffleMetrics: (m: ShuffleMetrics) => void (this.lastShuffle = m),
            },
          }),
    });
    this.engine = ssc.engine;
    let controller!: ReadableStreamDefaultController<Uint8Array>;
    let counts = new Map<string, number>();
    let started = 0;
    let processingMs = NaN;
    let processingDelay = NaN;
    ssc.addStreamingListener({
      onBatchStarted: () => void (started = performance.now()),
      onBatchCompleted: ({ batchInfo }) => {
        processingMs = performance.now() - started;
        processingDelay = batchInfo.processingDelay ?? NaN;
      },
    });
    ssc
      .textStream(new ReadableStream<Uint8Array>({ start: (c) => void (controller = c) }))
      .flatMap(words)
      .countByValue()
      .foreachRDD(async (batch) => void (counts = new Map(await batch.collect())));
    ssc.start();
    const timings: BatchTiming[] = [];
    try {
      for (let b = 0; b < batches; b++) {
        this.lastShuffle = undefined;
        let t = performance.now();
        for (const chunk of chunks) controller.enqueue(chunk);
        // The stream's queue is empty again (desiredSize back to its high-water mark of 1) once
        // the source has read every chunk.
        while ((controller.desiredSize ?? 1) < 1) await yieldToEventLoop();
        const ingestMs = performance.now() - t;
        t = performance.now();
        await clock.advance(1000);
        const advanceMs = performance.now() - t;
        const s = this.lastShuffle as ShuffleMetrics | undefined;
        timings.push({
          ingestMs,
          advanceMs,
          processingMs,
          processingDelay,
          shuffle: s && { transport: s.transport, slices: s.slices, wallMs: s.wallMs, movementMs: s.movementMs, computeMs: s.computeMs },
        });
      }
    } finally {
      await ssc.stop({ stopEngine: false });
    }
    return { timings, counts };
  }

  async close(): Promise<void> {
    await this.engine?.close();
  }
}

function sameCounts(a: ReadonlyMap<string, number>, b: ReadonlyMap<string, number>): boolean {
  if (a.size !== b.size) return false;
  for (const [k, v] of a) if (b.get(k) !== v) return false;
  return true;
}

function chunked(bytes: Uint8Array, size: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let at = 0; at < bytes.length; at += size) out.push(bytes.subarray(at, at + size));
  return out;
}

/** True where the engine's default transport is "shared" (as the engine decides). */
export function sharedMemoryUsable(): boolean {
  return typeof SharedArrayBuffer === "function" && (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated !== false;
}

export async function benchStreamingWordCount(options: StreamingBenchOptions): Promise<StreamingBenchResult> {
  const WORDS = options.words ?? 8_000_000;
  const ROUNDS = options.rounds ?? 7;
  const WARMUP = options.warmup ?? 2;
  const progress = options.progress ?? (() => {});
  const shared = sharedMemoryUsable();
  const transports = options.transports ?? (shared ? (["shared", "transfer"] as const) : (["transfer"] as const));
  const { bytes, distinct } = zipfText(vocabulary(10_000), WORDS);
  const chunks = chunked(bytes, options.chunkBytes ?? 1 << 16);
  const configs: Config[] = [{ name: "P=1", parallelism: 1 }, ...transports.map((t): Config => ({ name: `P=2 ${t}`, parallelism: 2, transport: t }))];
  const jobs = configs.map((c) => new Job(c, options.workerUrl));
  const timings = configs.map(() => [] as BatchTiming[]);
  const jsMs: number[] = [];
  try {
    // Warm-up (worker start, kernel instantiation, memory growth), and the same counts everywhere.
    const expected = jsWordCount(bytes);
    for (const job of jobs) {
      const { counts } = await job.run(chunks, WARMUP);
      if (!sameCounts(counts, expected)) throw new Error(`${job.config.name}: the counts differ from the plain JS word count`);
    }
    progress(`warm: ${configs.map((c) => c.name).join(", ")}`);
    for (let r = 0; r < ROUNDS; r++) {
      for (let k = 0; k < jobs.length; k++) {
        await yieldToEventLoop();
        timings[k]!.push(...(await jobs[k]!.run(chunks, 1)).timings);
      }
      progress(`round ${r + 1}/${ROUNDS}`);
    }
    // The plain JS baseline after the jobs, not between them: the garbage it leaves (a 60 MB
    // string, millions of short ones) is collected on V8's background threads, which would take a core
    // from the workers of the next job measured.
    for (let r = 0; r < ROUNDS; r++) {
      await yieldToEventLoop();
      const t = performance.now();
      if (jsWordCount(bytes).size !== distinct) throw new Error("plain JS word count: wrong number of distinct words");
      jsMs.push(performance.now() - t);
    }
    progress("plain JS done");
  } finally {
    await Promise.all(jobs.map((j) => j.close()));
  }
  return {
    runtime: options.runtime,
    sharedMemory: shared,
    words: WORDS,
    bytes: bytes.length,
    chunks: chunks.length,
    distinct,
    rounds: ROUNDS,
    warmup: WARMUP,
    jsMs,
    configs: configs.map((c, k) => ({ ...c, batches: timings[k]! })),
    making: batchMaking(chunks),
  };
}

/**
 * What making a text batch costs on the driver thread, outside the engine: the chunks as the
 * text source holds them (each cut after its last newline, the rest carried to the next one)
 * copied into one buffer (a new SharedArrayBuffer where shared memory is usable, as the source
 * does; and into one reused), then `scanLines` (line count, ASCII/UTF-8 and line-length checks)
 * over it. Medians of 3.
 */
function batchMaking(chunks: readonly Uint8Array[]): BatchMaking {
  const parts: Uint8Array[] = [];
  let tail: Uint8Array[] = [];
  for (const chunk of chunks) {
    const newline = chunk.lastIndexOf(10);
    if (newline < 0) {
      tail.push(chunk);
      continue;
    }
    parts.push(...tail, chunk.subarray(0, newline + 1));
    tail = newline + 1 < chunk.length ? [chunk.subarray(newline + 1)] : [];
  }
  const length = parts.reduce((n, p) => n + p.length, 0);
  const shared = sharedMemoryUsable();
  const fresh = (): Uint8Array => (shared ? new Uint8Array(new SharedArrayBuffer(length)) : new Uint8Array(length));
  const copyInto = (out: Uint8Array): Uint8Array => {
    let at = 0;
    for (const p of parts) {
      out.set(p, at);
      at += p.length;
    }
    return out;
  };
  const time = (fn: () => unknown): number => {
    const t = performance.now();
    fn();
    return performance.now() - t;
  };
  const reused = fresh();
  copyInto(reused);
  const freshMs: number[] = [];
  const reusedMs: number[] = [];
  const scanMs: number[] = [];
  for (let i = 0; i < 3; i++) {
    freshMs.push(time(() => copyInto(fresh())));
    reusedMs.push(time(() => copyInto(reused)));
    scanMs.push(time(() => scanLines(reused, 1_048_576)));
  }
  return { shared, parts: parts.length, freshMs: median(freshMs), reusedMs: median(reusedMs), scanMs: median(scanMs) };
}

// ---- report ------------------------------------------------------------------------------------

export const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s.length % 2 === 1 ? s[s.length >> 1]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const f = (x: number, digits = 1): string => x.toFixed(digits);
const range = (xs: readonly number[], digits = 1): string => `${f(Math.min(...xs), digits)}–${f(Math.max(...xs), digits)}`;

/** The figures of a run: ratios of per-batch medians. */
export interface StreamingSummary {
  readonly jsMs: number;
  /** Per configuration: the median batch (`clock.advance`), and the median job alone (listener). */
  readonly ms: Readonly<Record<string, number>>;
  readonly jobMs: Readonly<Record<string, number>>;
  /** Per transport, at parallelism 2. */
  readonly p2VsP1: Readonly<Record<string, number>>;
  readonly p2VsP1JobOnly: Readonly<Record<string, number>>;
  readonly p2VsJs: Readonly<Record<string, number>>;
  /** Moving buffers (`ShuffleMetrics.movementMs`) / the batch's time, median over batches. */
  readonly movingShare: Readonly<Record<string, number>>;
}

export function summarize(r: StreamingBenchResult): StreamingSummary {
  const ms: Record<string, number> = {};
  const jobMs: Record<string, number> = {};
  const p2VsP1: Record<string, number> = {};
  const p2VsP1JobOnly: Record<string, number> = {};
  const p2VsJs: Record<string, number> = {};
  const movingShare: Record<string, number> = {};
  const jsMs = median(r.jsMs);
  for (const c of r.configs) {
    ms[c.name] = median(c.batches.map((b) => b.advanceMs));
    jobMs[c.name] = median(c.batches.map((b) => b.processingMs));
  }
  for (const c of r.configs) {
    if (c.parallelism === 1) continue;
    const t = c.transport!;
    p2VsP1[t] = ms["P=1"]! / ms[c.name]!;
    p2VsP1JobOnly[t] = jobMs["P=1"]! / jobMs[c.name]!;
    p2VsJs[t] = jsMs / ms[c.name]!;
    movingShare[t] = median(c.batches.map((b) => (b.shuffle?.movementMs ?? NaN) / b.advanceMs));
  }
  return { jsMs, ms, jobMs, p2VsP1, p2VsP1JobOnly, p2VsJs, movingShare };
}

/** The report's lines, each prefixed with `indent`. */
export function report(r: StreamingBenchResult, indent = "  "): string[] {
  const s = summarize(r);
  const out: string[] = [];
  const line = (text: string) => out.push(`${indent}${text}`);
  const p2 = r.configs.filter((c) => c.parallelism === 2);
  line(`${r.runtime}: SharedArrayBuffer ${r.sharedMemory ? "usable, default transport shared" : "unusable, default transport transfer"}`);
  line(`batch: ${f(r.bytes / 2 ** 20)} MiB in ${r.chunks} chunks, ${r.distinct} distinct words; ${r.warmup} warm-up batches, then ${r.rounds} interleaved rounds; medians [min–max] per batch`);
  line(`  plain JS (TextDecoder + lines + words() + Map)  ${f(s.jsMs).padStart(7)} ms  [${range(r.jsMs)}]`);
  for (const c of r.configs) {
    const label = c.parallelism === 1 ? "P=1 (kernel in this thread)" : `P=2, ${c.transport} (2 workers)`;
    const adv = c.batches.map((b) => b.advanceMs);
    const making = c.batches.map((b) => b.advanceMs - b.processingMs);
    line(`  ${label.padEnd(46)} ${f(s.ms[c.name]!).padStart(7)} ms  [${range(adv)}] = making the batch ${f(median(making))} + job ${f(s.jobMs[c.name]!)}`);
  }
  for (const c of p2) {
    const t = c.transport!;
    const sh = c.batches.flatMap((b) => (b.shuffle ? [b.shuffle] : []));
    if (sh.length < c.batches.length) line(`  (P=2 ${t}: ${c.batches.length - sh.length} of ${c.batches.length} batches ran without the pool)`);
    if (sh.length === 0) continue;
    line(
      `  P=2 ${t}: shuffle ${f(median(sh.map((x) => x.wallMs)))} ms, of which moving buffers ${f(median(sh.map((x) => x.movementMs)))} ms [${range(sh.map((x) => x.movementMs))}], kernels ${f(median(sh.map((x) => x.computeMs)))} ms`,
    );
  }
  const m = r.making;
  line(
    `  making the batch, timed alone: chunks (${m.parts} pieces) into a new ${m.shared ? "SharedArrayBuffer" : "buffer"} ${f(m.freshMs)} ms (into a reused one ${f(m.reusedMs)} ms), scanLines ${f(m.scanMs)} ms`,
  );
  for (const c of p2) {
    const t = c.transport!;
    line(`P=2 (${t}) vs P=1:${" ".repeat(Math.max(1, 20 - t.length))}${f(s.p2VsP1[t]!, 2)}x   (target >= 1.7x; the job alone, without making the batch: ${f(s.p2VsP1JobOnly[t]!, 2)}x)`);
  }
  for (const c of p2) {
    const t = c.transport!;
    line(`P=2 (${t}) vs plain JS:${" ".repeat(Math.max(1, 15 - t.length))}${f(s.p2VsJs[t]!, 2)}x   (target >= 5x)`);
  }
  for (const c of p2) {
    const t = c.transport!;
    const shares = c.batches.map((b) => ((b.shuffle?.movementMs ?? NaN) / b.advanceMs) * 100);
    line(`moving buffers, P=2 ${t}:${" ".repeat(Math.max(1, 14 - t.length))}${f(s.movingShare[t]! * 100)}% of the batch [${range(shares)}%]   (target <= 5%)`);
  }
  if (p2.length > 1) {
    const [a, b] = [...p2].sort((x, y) => s.ms[x.name]! - s.ms[y.name]!);
    line(`faster transport: ${a!.transport} (${f(s.ms[a!.name]!)} ms a batch, ${b!.transport} ${f(s.ms[b!.name]!)} ms)`);
  }
  return out;
}
