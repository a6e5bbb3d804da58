// The package as a consumer installs it: exactly the files `npm pack` would publish, copied into a
// fresh project's node_modules, with the declared dependencies next to it (linked from this
// repository's node_modules, as npm would have installed them).
import { execFile } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

export const run = promisify(execFile);
export const root = fileURLToPath(new URL("../..", import.meta.url));
export const manifest = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { name: string; dependencies: Record<string, string> };

/** The files `npm pack` would publish, relative to the repository. */
export async function packedFiles(): Promise<string[]> {
  const { stdout } = await run("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"], { cwd: root, timeout: 60_000 });
  return (JSON.parse(stdout) as [{ files: { path: string }[] }])[0].files.map((f) => f.path);
}

/** A new consumer project (an ES module package) with the package installed: its directory. */
export function installInto(files: readonly string[], prefix: string): string {
  const consumer = mkdtempSync(join(tmpdir(), prefix));
  const installed = join(consumer, "node_modules", manifest.name);
  for (const file of files) {
    mkdirSync(dirname(join(installed, file)), { recursive: true });
    cpSync(join(root, file), join(installed, file));
  }
  for (const dependency of Object.keys(manifest.dependencies)) {
    const to = join(consumer, "node_modules", dependency);
    mkdirSync(dirname(to), { recursive: true });
    symlinkSync(join(root, "node_modules", dependency), to, "dir");
  }
  writeFileSync(join(consumer, "package.json"), JSON.stringify({ name: "consumer", private: true, type: "module" }));
  return consumer;
}

/**
 * A consumer's program: a word count at parallelism 2 with the WASM kernels, by the package's
 * name, which hands `report({ counts, workers, failures })` to `reportWith` (a JS expression
 * taking it): the batch's sorted counts, the workers live after it, failed output operations.
 */
export function wordCountProgram(reportWith: string): string {
  return `import { ManualClock, Seconds, StreamingContext, words } from "${manifest.name}";
const clock = new ManualClock();
const ssc = new StreamingContext({ batchInterval: Seconds(1), clock, parallelism: 2, kernels: "wasm" });
const text = new TextEncoder().encode("the quick brown fox\\njumps over the lazy dog\\n".repeat(4000));
let counts = [];
const failures = [];
ssc.addStreamingListener({ onOutputOperationCompleted: ({ outputOperationInfo: o }) => void (o.failureReason && failures.push(o.failureReason)) });
ssc.textStream(new ReadableStream({ start: (c) => (c.enqueue(text), c.close()) })).flatMap(words).countByValue()
  .foreachRDD(async (b) => void (counts = await b.collect()));
ssc.start();
await clock.advance(1000);
const workers = ssc.engine.liveWorkers;
await ssc.stop();
(${reportWith})({ counts: counts.sort(([a], [b]) => (a < b ? -1 : 1)), workers, failures });
`;
}

/** What `wordCountProgram` reports when its job ran in two workers. */
export const WORD_COUNT_REPORT = {
  counts: [["brown", 4000], ["dog", 4000], ["fox", 4000], ["jumps", 4000], ["lazy", 4000], ["over", 4000], ["quick", 4000], ["the", 8000]],
  workers: 2,
  failures: [],
};
