// The package as a consumer installs it: exactly the files `npm pack` would publish, with the
// declared dependencies next to it, imported by name. Its Node build runs a job with the WASM
// kernels in two worker threads (worker script found beside the bundle), and a strict TypeScript
// consumer type-checks against its declarations alone.
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { builtinModules } from "node:module";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { installInto, manifest, packedFiles, root, run, WORD_COUNT_REPORT, wordCountProgram } from "./support/installed-package.ts";

let consumer: string;
let files: string[];

beforeAll(async () => {
  files = await packedFiles();
  consumer = installInto(files, "rivulet-consumer-");
}, 90_000);

afterAll(() => {
  if (consumer) rmSync(consumer, { recursive: true, force: true });
});

it("publishes the builds, the declarations and the kernels, and nothing of the sources, tests or benchmarks", () => {
  for (const needed of ["package.json", "README.md", "dist/node/index.js", "dist/node/kernel-worker.js", "dist/web/index.js", "dist/web/kernel-worker.js", "dist/types/index.d.ts", "dist/kernels.wasm"]) {
    expect(files).toContain(needed);
  }
  expect(files.filter((f) => !/^(dist\/(node|web|types)\/|dist\/kernels\.wasm$|package\.json$|README\.md$)/.test(f))).toEqual([]);
});

it("imports at run time nothing but its declared dependencies and the platform's built-ins", () => {
  for (const build of ["dist/node/index.js", "dist/node/kernel-worker.js", "dist/web/index.js", "dist/web/kernel-worker.js"]) {
    const code = readFileSync(join(root, build), "utf8");
    // Static imports and re-exports start a line in esbuild's output; dynamic ones are calls.
    const specifiers = [...code.matchAll(/^(?:import|export)\b[^;]*?\bfrom\s*["']([^"']+)["']|^import\s*["']([^"']+)["']|\bimport\(\s*["']([^"']+)["']\s*\)/gm)].map((m) => (m[1] ?? m[2] ?? m[3])!);
    if (build.endsWith("index.js")) expect(specifiers, build).toContain("comlink"); // the scan sees imports at all
    const bare = specifiers.filter((s) => !s.startsWith(".") && !s.startsWith("node:") && !builtinModules.includes(s));
    const packages = bare.map((s) => (s.startsWith("@") ? s.split("/").slice(0, 2).join("/") : s.split("/")[0]!));
    expect(packages.filter((p) => !(p in manifest.dependencies)), build).toEqual([]);
  }
});

it("runs a job from the installed package in Node, with the WASM kernels in two worker threads", async () => {
  writeFileSync(join(consumer, "main.js"), wordCountProgram("(report) => console.log(JSON.stringify(report))"));
  const { stdout, stderr } = await run(process.execPath, ["main.js"], { cwd: consumer, timeout: 60_000 });
  expect(stderr).toBe("");
  expect(JSON.parse(stdout)).toEqual(WORD_COUNT_REPORT);
});

it("type-checks a strict TypeScript consumer against the published declarations alone", async () => {
  writeFileSync(
    join(consumer, "tsconfig.json"),
    JSON.stringify({
      compilerOptions: { strict: true, noEmit: true, module: "nodenext", moduleResolution: "nodenext", target: "es2022", lib: ["es2022", "dom", "dom.iterable"], types: [], skipLibCheck: false },
      files: ["consumer.ts"],
    }),
  );
  writeFileSync(
    join(consumer, "consumer.ts"),
    `import { type Accumulator, type BatchStatistics, type DStream, IndexedDBCheckpointStore, Minutes, Seconds, type State, StateSpec, StreamingContext, type StreamingStatistics, sum, words } from "${manifest.name}";

export async function job(): Promise<StreamingStatistics> {
  const ssc = await StreamingContext.getOrCreate(new IndexedDBCheckpointStore("counts"), () => {
    const ctx = new StreamingContext({ batchInterval: Seconds(1), gracefulStopTimeout: Seconds(30), retainedBatches: 100 });
    const lines: DStream<string> = ctx.messageStream<string>("lines");
    const invalid: Accumulator = ctx.accumulator("invalid");
    const pairs = lines.flatMap(words).filter((w) => w.length > 0 || (invalid.add(1), false)).map((w) => [w, 1] as const);
    const counts: DStream<[string, number]> = pairs.reduceByKeyAndWindow(sum, Minutes(1), Seconds(1), { invFn: (a, b) => a - b });
    counts.mapWithState(StateSpec.function((key: string, value: number | undefined, state: State<number>) => {
      state.update((state.getOption() ?? 0) + (value ?? 0));
      return [key, state.get()] as const;
    })).toReadableStream({ chunks: "batches" });
    return ctx;
  });
  ssc.start();
  const recent: BatchStatistics[] = ssc.batchStatistics();
  await ssc.stop({ graceful: true, timeout: Seconds(5) });
  return { ...ssc.statistics(), numActiveBatches: recent.length };
}
`,
  );
  const tsc = join(root, "node_modules", "typescript", "bin", "tsc");
  const result = await run(process.execPath, [tsc, "-p", "tsconfig.json"], { cwd: consumer, timeout: 120_000 }).catch((e: { stdout: string }) => ({ stdout: e.stdout, failed: true }));
  expect(result.stdout).toBe("");
}, 120_000);
