// The runtime tests' word count as a job module, in Node's worker threads: the driver imports the
// module (bundled: Node 20 cannot import TypeScript, in a worker least of all), each of the two
// workers imports it too, the job's user functions run there and not once on the driver, and the
// counts of each batch are exactly the plain-JS reference's.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, it } from "vitest";
import { runWordCountJob } from "../fixtures/runtime/wordcount-job.ts";
import { bundleForNode } from "../support/node-bundle.ts";
import { root } from "./support.ts";
import { expectRunInThread, expectRunInWorkers, expectUnterminatedRun } from "./wordcount-module-checks.ts";

let dir: string;
let url: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "rivulet-module-"));
  const outfile = join(dir, "wordcount-module.js");
  await bundleForNode(join(root, "test/fixtures/runtime/wordcount-module.ts"), outfile);
  url = pathToFileURL(outfile).href;
});

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

it("runs the word-count job module in two worker threads with the reference's counts", async () => {
  expectRunInWorkers(await runWordCountJob(url));
});

it("gives the same counts when the text's last line is ended by the stream's close", async () => {
  expectUnterminatedRun(await runWordCountJob(url, { lastLine: "unterminated" }));
});

it("runs the same job module in this thread, its functions counted on the driver", async () => {
  expectRunInThread(await runWordCountJob(url, { workers: false }));
});
