// stopGracefullyOnShutdown, on a real process: SIGTERM stops the context gracefully (everything
// received is processed) before the process ends by the signal; without it, the signal ends the
// process at once.
import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { bundleForNode } from "./support/node-bundle.ts";

let work: string;
let bundle: string;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), "rivulet-shutdown-"));
  bundle = join(work, "child.mjs");
  await bundleForNode(new URL("./fixtures/runtime/node-shutdown.ts", import.meta.url), bundle);
}, 60_000);

afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

/** Runs the child, sends SIGTERM once it says it is running, and gives its output and how it ended. */
function runAndTerminate(mode: string): Promise<{ lines: string[]; signal: NodeJS.Signals | null; code: number | null }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bundle, mode], { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      out += chunk;
      if (out.includes("running\n") && !child.killed) child.kill("SIGTERM");
    });
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (err += chunk));
    const timer = setTimeout(() => child.kill("SIGKILL"), 15_000);
    child.on("error", reject);
    child.on("exit", (code, signal) => {
      clearTimeout(timer);
      if (err !== "") reject(new Error(`the child wrote to stderr: ${err}`));
      else resolve({ lines: out.trim().split("\n"), signal, code });
    });
  });
}

it("with stopGracefullyOnShutdown, SIGTERM processes everything received, then the process ends by the signal", async () => {
  const { lines, signal, code } = await runAndTerminate("graceful");
  expect(lines[0]).toBe("running");
  const last = /^terminated stored=(\d+) processed=(\d+)$/.exec(lines.at(-1)!);
  expect(last).not.toBeNull();
  expect(Number(last![2])).toBe(Number(last![1]));
  expect(Number(last![1])).toBeGreaterThan(0);
  expect(signal).toBe("SIGTERM");
  expect(code).toBeNull();
});

it("without it, SIGTERM ends the process at once", async () => {
  const { lines, signal } = await runAndTerminate("plain");
  expect(lines).toEqual(["running"]);
  expect(signal).toBe("SIGTERM");
});
