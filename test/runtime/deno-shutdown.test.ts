// stopGracefullyOnShutdown in a real Deno 2: SIGTERM stops the context gracefully through
// Deno.addSignalListener before the process ends by the signal.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { bundleFixture, Children, denoBinary } from "./support.ts";

const children = new Children();
let dir: string;
let job: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "rivulet-deno-shutdown-"));
  job = join(dir, "job.js");
  await bundleFixture("deno-shutdown.ts", job);
}, 60_000);

afterAll(async () => {
  await children.killAll();
  if (dir) await rm(dir, { recursive: true, force: true });
});

function runAndTerminate(mode: string): Promise<{ lines: string[]; signal: NodeJS.Signals | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = children.spawn(denoBinary(), ["run", "--quiet", "--no-prompt", "--no-config", job, mode], {
      cwd: dir,
      env: { PATH: process.env["PATH"] ?? "", HOME: dir, DENO_DIR: join(dir, "deno-dir"), DENO_NO_UPDATE_CHECK: "1", NO_COLOR: "1" },
    });
    let out = "";
    let stderr = "";
    let sent = false;
    child.stdout!.setEncoding("utf8").on("data", (chunk: string) => {
      out += chunk;
      if (out.includes("running\n") && !sent) {
        sent = true;
        child.kill("SIGTERM");
      }
    });
    child.stderr!.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    child.on("error", reject);
    child.on("exit", (_code, signal) => resolve({ lines: out.trim().split("\n"), signal, stderr }));
  });
}

it("with stopGracefullyOnShutdown, SIGTERM processes everything received, then Deno ends by the signal", async () => {
  const { lines, signal, stderr } = await runAndTerminate("graceful");
  expect(stderr).toBe("");
  expect(lines[0]).toBe("running");
  const last = /^terminated stored=(\d+) processed=(\d+)$/.exec(lines.at(-1)!);
  expect(last).not.toBeNull();
  expect(Number(last![2])).toBe(Number(last![1]));
  expect(signal).toBe("SIGTERM");
});

it("without it, SIGTERM ends Deno at once", async () => {
  const { lines, signal } = await runAndTerminate("plain");
  expect(lines).toEqual(["running"]);
  expect(signal).toBe("SIGTERM");
});
