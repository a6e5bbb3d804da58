// Helpers of the context-level worker tests (context-faults, context-lifecycle): a streaming job
// in either of the two shapes that run in the worker pool, a counted Node spawner, generated text
// and its reference result in plain JS.
import { pathToFileURL } from "node:url";
import { ManualClock, runJob, Seconds, StreamingContext, words, type Engine, type WorkerOptions } from "../../../src/index.ts";
import { nodeSpawner } from "../../../src/engine/workers/node/spawn.ts";
import { observeSpawn, type Spawn, type WorkerHandle } from "../../../src/engine/workers/spawn.ts";
import { bundleScript, workerUrl } from "./support.ts";

type WordJob = typeof import("./fixtures/word-job.ts");

/**
 * The two ways a streaming job reaches the workers: the fused word count
 * (`textStream(...).flatMap(words).countByValue()` over batches of 64 KiB or more), and a job
 * module whose user functions run there (fixtures/word-job.ts).
 */
export type Shape = "fused word count" | "job module";
export const SHAPES: readonly Shape[] = ["fused word count", "job module"];

/** Bytes of text per batch: the fused count goes to the workers from 64 KiB, in two slices from 128 KiB. */
export const BATCH_BYTES: Record<Shape, number> = { "fused word count": 140 << 10, "job module": 12 << 10 };

export type Counts = [string, number][];

/** What one batch outputs: the word counts, and for the job module the counts by word length. */
export interface BatchOutput {
  readonly counts: Counts;
  readonly lengths?: [number, number][];
}

/** A started job: feed it text, advance its clock, read each batch's output by batch time. */
export interface Running {
  readonly ssc: StreamingContext;
  readonly clock: ManualClock;
  readonly outputs: Map<number, BatchOutput>;
  feed(text: string): void;
}

export interface StartOptions {
  readonly workers?: Partial<WorkerOptions> | false;
  readonly engine?: Engine;
}

let jobModule: { url: string; module: WordJob } | undefined;

/** The job module, bundled next to the worker bundle (Node 20 workers cannot import .ts). */
export async function wordJob(): Promise<{ url: string; module: WordJob }> {
  if (jobModule) return jobModule;
  const url = pathToFileURL(await bundleScript("word-job")).href;
  jobModule = { url, module: (await import(/* @vite-ignore */ url)) as WordJob };
  return jobModule;
}

/** Forgets the bundled job module (afterAll, with removeWorkerBundle). */
export function forgetWordJob(): void {
  jobModule = undefined;
}

const encoder = new TextEncoder();

/** Starts a job of `shape` on a parallelism of 2, under a ManualClock. */
export async function start(shape: Shape, options: StartOptions = {}): Promise<Running> {
  const clock = new ManualClock();
  const base = { batchInterval: Seconds(1), clock, parallelism: 2, ...(options.engine ? { engine: options.engine } : {}), ...(options.workers !== undefined ? { workers: options.workers } : {}) };
  /** Three chunks cut at arbitrary bytes (lines and characters cut across chunks). */
  const chunks = (text: string): Uint8Array[] => {
    const bytes = encoder.encode(text);
    const a = Math.floor(bytes.length / 3) + 1;
    const b = Math.floor((bytes.length * 2) / 3) + 2;
    return [bytes.subarray(0, a), bytes.subarray(a, b), bytes.subarray(b)];
  };
  if (shape === "job module") {
    const { url, module } = await wordJob();
    module.outputs.clear();
    const ssc = await runJob(url, base);
    return { ssc, clock, outputs: module.outputs, feed: (text) => chunks(text).forEach((c) => module.feed(c)) };
  }
  const ssc = new StreamingContext(base);
  const outputs = new Map<number, BatchOutput>();
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  ssc
    .textStream(new ReadableStream<Uint8Array>({ start: (c) => void (controller = c) }))
    .flatMap(words)
    .countByValue()
    .foreachRDD(async (batch, time) => void outputs.set(time, { counts: (await batch.collect()).sort(byKey) }));
  ssc.start();
  return { ssc, clock, outputs, feed: (text) => chunks(text).forEach((c) => controller.enqueue(c)) };
}

export const byKey = <K extends string | number>(a: readonly [K, number], b: readonly [K, number]): number => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0);

const VOCABULARY = ["the", "The", "a", "of", "stream", "batch", "größe", "日本語", "🦀", "naïve", "__proto__", "constructor", "0", "NaN"];

/**
 * Lines of words separated by one space, at least `minBytes` of UTF-8: Zipf-like picks from a
 * small vocabulary (non-ASCII and prototype names included) mixed with many rarer words. Empty
 * lines too. No other white space, so `words` and `split(" ")` agree on it.
 */
export function text(random: () => number, minBytes: number): string {
  const lines: string[] = [];
  let length = 0;
  while (length < minBytes) {
    const line = Array.from({ length: Math.floor(random() * 12) }, () =>
      random() < 0.5 ? VOCABULARY[Math.floor(random() ** 2 * VOCABULARY.length)]! : `w${Math.floor(random() ** 3 * 20_000)}`,
    ).join(" ");
    lines.push(line);
    length += line.length + 1; // UTF-16 units: never more than the UTF-8 bytes
  }
  return lines.join("\n") + "\n";
}

/** What a batch of `text` must output, in plain JS. */
export function reference(shape: Shape, text: string): BatchOutput {
  const counts = new Map<string, number>();
  const lengths = new Map<number, number>();
  for (const line of text.split("\n")) {
    for (const word of line.split(" ")) {
      if (word.length === 0) continue;
      counts.set(word, (counts.get(word) ?? 0) + 1);
      lengths.set(word.length, (lengths.get(word.length) ?? 0) + 1);
    }
  }
  const out = { counts: [...counts].sort(byKey) };
  return shape === "job module" ? { ...out, lengths: [...lengths].sort(byKey) } : out;
}

/** The worker threads a spawner started, counted from Node's own exit events. */
export interface Threads {
  started: number;
  exited: number;
  /** Every worker started, in order (a worker's pool id is its index here: ids count spawns). */
  readonly handles: WorkerHandle[];
  /** The ones not yet gone. */
  readonly alive: Set<WorkerHandle>;
}

/** A Node spawner of real worker threads (the worker entry bundled from the sources), counted. */
export async function countedSpawner(): Promise<{ spawn: Spawn; threads: Threads }> {
  const threads: Threads = { started: 0, exited: 0, handles: [], alive: new Set() };
  const spawn = observeSpawn(nodeSpawner({ url: await workerUrl() }), (handle) => {
    threads.started++;
    threads.handles.push(handle);
    threads.alive.add(handle);
    handle.onDeath(() => {
      threads.exited++;
      threads.alive.delete(handle);
    });
  });
  return { spawn, threads };
}
