// The build: WASM kernels (when present), the ESM bundles per platform, the job and the
// benchmarks, and the type declarations. Run by `npm run build`, and before tests, start and bench.
import { build } from "esbuild";
import { existsSync } from "node:fs";
import { copyFile, rm } from "node:fs/promises";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
process.chdir(root);

function step(name) {
  console.log(`build: ${name}`);
}

if (existsSync("scripts/build-wasm.mjs")) {
  step("wasm kernels (asc)");
  const r = spawnSync(process.execPath, ["scripts/build-wasm.mjs"], { stdio: "inherit" });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

await rm("dist", { recursive: true, force: true });

const common = { bundle: true, format: "esm", target: "es2022", sourcemap: true, logLevel: "warning" };

step("library bundles (node, web)");
await build({ ...common, entryPoints: { index: "src/index.ts" }, outdir: "dist/node", platform: "node", packages: "external" });
await build({ ...common, entryPoints: { index: "src/index.ts" }, outdir: "dist/web", platform: "browser", packages: "external" });

// Worker entries are loaded by URL (`kernel-worker.js` beside `index.js`), so each is one
// self-contained file: its dependencies are inlined rather than resolved from node_modules.
step("kernel workers (node, web)");
await build({ ...common, entryPoints: { "kernel-worker": "src/worker-entry/node.ts" }, outdir: "dist/node", platform: "node" });
await build({ ...common, entryPoints: { "kernel-worker": "src/worker-entry/web.ts" }, outdir: "dist/web", platform: "browser" });
// The kernel module as a file, for runtimes that must import WebAssembly as a module (workerd).
await copyFile("build/kernels.wasm", "dist/kernels.wasm");

step("job and benchmarks");
const programs = { "jobs/wordcount": "jobs/wordcount.ts", "jobs/wordcount-job": "jobs/wordcount-job.ts" };
if (existsSync("bench/run.ts")) {
  programs["bench/run"] = "bench/run.ts";
  programs["bench/kernels-hash"] = "bench/kernels/hash.ts";
  programs["bench/tagged-reduce"] = "bench/tagged-reduce-main.ts";
}
// Dependencies stay in node_modules (playwright cannot be bundled); `#platform` is still inlined.
await build({ ...common, entryPoints: programs, outdir: "dist", platform: "node", packages: "external" });
// Each program inlines the library, which starts its workers from `./kernel-worker.js` beside it.
for (const dir of new Set(Object.keys(programs).map((name) => name.split("/")[0]))) {
  await copyFile("dist/node/kernel-worker.js", `dist/${dir}/kernel-worker.js`);
}

step("type declarations (tsc)");
const tsc = spawnSync(process.execPath, ["node_modules/typescript/bin/tsc", "-p", "tsconfig.build.json"], { stdio: "inherit" });
if (tsc.status !== 0) process.exit(tsc.status ?? 1);

// Declarations keep the sources' `.ts` specifiers; consumers resolve `.js` to `.d.ts`.
const { readdir, readFile, writeFile } = await import("node:fs/promises");
for (const entry of await readdir("dist/types", { recursive: true })) {
  if (!entry.endsWith(".d.ts")) continue;
  const file = `dist/types/${entry}`;
  const text = await readFile(file, "utf8");
  await writeFile(file, text.replace(/(["'])#file-store\1/g, `"${"../".repeat(entry.split("/").length - 1) || "./"}state/file-store.js"`).replace(/(from\s+["']\.{1,2}\/[^"']*?)\.ts(["'])/g, "$1.js$2").replace(/(import\(["']\.{1,2}\/[^"']*?)\.ts(["']\))/g, "$1.js$2"));
}
console.log("build: done");
