// The core and the engine run in a real Deno (the `deno` npm package's binary): the fixture word
// count, bundled for the web platform, gives exactly the independently computed counts of each
// batch, in this thread and as a job module whose stages run in two module workers.
import { copyFile, mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { expectedWordCount, type JobRunReport } from "../fixtures/runtime/wordcount-job.ts";
import { expectRunInThread, expectRunInWorkers, expectUnterminatedRun } from "./wordcount-module-checks.ts";
import { bundleFixture, Children, denoBinary, output, root, versionOf } from "./support.ts";

const children = new Children();
let dir: string;
let deno: string;
let version: string;

beforeAll(async () => {
  deno = denoBinary();
  version = versionOf(deno); // "deno 2.x.y (stable, ...)\nv8 ...\ntypescript ..."
  dir = await mkdtemp(join(tmpdir(), "rivulet-deno-"));
});

afterAll(async () => {
  await children.killAll();
  if (dir) await rm(dir, { recursive: true, force: true });
});


/**
 * `deno run` of `args` in `cwd`, which must succeed silently; its stdout lines. --no-prompt turns
 * a permission request into an error instead of a wait for input; --no-config keeps Deno from
 * looking for a deno.json/package.json.
 */
async function denoRun(args: string[], cwd: string): Promise<string[]> {
  const child = children.spawn(deno, ["run", "--quiet", "--no-prompt", "--no-config", ...args], {
    cwd,
    env: { PATH: process.env["PATH"] ?? "", HOME: dir, DENO_DIR: join(dir, "deno-dir"), DENO_NO_UPDATE_CHECK: "1", NO_COLOR: "1" },
  });
  const { code, stdout, stderr } = await output(child, 15_000);
  expect(stderr).toBe("");
  expect(code).toBe(0);
  return stdout.trim().split("\n");
}

it("counts words from a UTF-8 byte stream in Deno", async () => {
  expect(version).toMatch(/^deno 2\./);
  const job = join(dir, "job.js");
  await bundleFixture("deno-main.ts", job);

  // No permission flags: the job needs none.
  const lines = await denoRun([job], dir);
  expect(lines).toHaveLength(1);
  const { result, probe } = JSON.parse(lines[0]!) as { result: unknown; probe: Record<string, unknown> };
  expect(probe["userAgent"]).toMatch(/^Deno\/2\./);
  expect(result).toEqual(expectedWordCount());
});

it("runs the word-count job module with its stages in two module workers in Deno", async () => {
  expect(version).toMatch(/^deno 2\./);
  // Three files side by side, as an application ships them: the driver (with its copy of the
  // library, which looks for its worker entry at ./kernel-worker.js beside itself), the worker
  // entry of dist/web, and the job module, which the driver and each worker import by URL.
  const app = join(dir, "job-app");
  await mkdir(app);
  const main = join(app, "main.js");
  const module = join(app, "wordcount-module.js");
  const worker = join(app, "kernel-worker.js");
  await bundleFixture("deno-job-main.ts", main);
  await bundleFixture("wordcount-module.ts", module);
  await copyFile(join(root, "dist/web/kernel-worker.js"), worker);

  // Deno asks for read access to a local file loaded by a Worker or by a dynamic import (the
  // entry module and its static imports need none): exactly those two files, nothing else.
  const lines = await denoRun([`--allow-read=${worker},${module}`, main], app);
  expect(lines).toHaveLength(1);
  const { inWorkers, unterminated, inThread, probe } = JSON.parse(lines[0]!) as Record<"inWorkers" | "unterminated" | "inThread", JobRunReport> & {
    probe: Record<string, unknown>;
  };
  expect(probe["userAgent"]).toMatch(/^Deno\/2\./);

  expectRunInWorkers(inWorkers);
  expectUnterminatedRun(unterminated);
  expectRunInThread(inThread);
});
