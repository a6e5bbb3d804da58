// The runtime tests' word count as a job module in Chromium: the page imports the module (Vite
// serves the TypeScript source), each of two module Web Workers imports the same URL, the job's
// user functions run there and not once on the page, and the counts of each batch are exactly
// the plain-JS reference's.
import { expect, it } from "vitest";
import { webSpawner } from "../../src/engine/workers/web/spawn.ts";
import { runWordCountJob } from "../fixtures/runtime/wordcount-job.ts";
import { expectRunInThread, expectRunInWorkers, expectUnterminatedRun } from "./wordcount-module-checks.ts";

const url = new URL("../fixtures/runtime/wordcount-module.ts", import.meta.url).href;

// The worker entry from the sources, as the default spawner loads it, but marked as a worker
// script the way Vite marks `new Worker(new URL(...))`: vitest's browser mode rewrites every
// dynamic `import()` it serves (the worker's import of the job module included) into a call of
// a page global, which it defines in a worker only for scripts so marked.
const spawn = webSpawner({ url: new URL("../../src/worker-entry/web.ts?worker_file&type=module", import.meta.url) });

it("runs the word-count job module in two module workers with the reference's counts", async () => {
  expect(typeof window).toBe("object");
  expect(navigator.userAgent).toMatch(/Chrome\//);
  expectRunInWorkers(await runWordCountJob(url, { spawn }));
});

it("gives the same counts when the text's last line is ended by the stream's close", async () => {
  expectUnterminatedRun(await runWordCountJob(url, { spawn, lastLine: "unterminated" }));
});

it("runs the same job module on the page, its functions counted there", async () => {
  expectRunInThread(await runWordCountJob(url, { workers: false }));
});
