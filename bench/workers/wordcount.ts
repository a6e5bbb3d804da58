// Word count from UTF-8 bytes through the worker pool in Node (worker_threads): parallelism 2 vs
// parallelism 1, vs a plain single-threaded JS word count (TextDecoder, lines, split, Map), the
// share of the batch time spent moving buffers between threads, transfer vs SharedArrayBuffer.
// 8M Zipf words from a 10k-word vocabulary a batch (~60 MB). See measure.ts.
//
//   npx esbuild --bundle --platform=node --format=esm --log-level=warning bench/workers/wordcount.ts \
//     | node --expose-gc --max-old-space-size=4096 --input-type=module
//
// Run from the repository root: it bundles the worker entry (src/worker-entry/node.ts)
// with esbuild into a temporary directory. Needs build/kernels.wasm.js (npm run build, or
// node scripts/build-wasm.mjs). Optional arguments: words a batch, rounds.
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { availableParallelism, cpus, loadavg, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { nodeSpawner } from "../../src/engine/workers/node/spawn.ts";
import { fmt } from "../kernels/common.ts";
import { benchWorkerWordCount } from "./measure.ts";

const entry = resolve("src/worker-entry/node.ts");
if (!existsSync(entry)) throw new Error("run from the repository root");
const dir = mkdtempSync(join(tmpdir(), "rivulet-bench-worker-"));
try {
  const workerFile = join(dir, "kernel-worker.js");
  execFileSync(resolve("node_modules/.bin/esbuild"), [entry, "--bundle", "--platform=node", "--format=esm", "--log-level=warning", `--outfile=${workerFile}`]);
  await benchWorkerWordCount({
    spawn: nodeSpawner({ url: pathToFileURL(workerFile) }),
    words: process.argv[2] === undefined ? undefined : Number(process.argv[2]),
    rounds: process.argv[3] === undefined ? undefined : Number(process.argv[3]),
    log: (line) => console.log(line),
    runtime: `Node ${process.versions.node}, ${availableParallelism()} cores (${cpus()[0]?.model ?? "?"}), load ${loadavg().map((x) => fmt(x, 2)).join(" ")}`,
  });
} finally {
  rmSync(dir, { recursive: true, force: true });
}
