// KeyValueCheckpointStore on a real Deno KV database in Deno (the `deno` npm package's binary),
// through `denoKv(await Deno.openKv(path))`, with the database in a temporary directory. Deno
// KV works offline (a SQLite file; `--unstable-kv` enables the API outside Deno Deploy) and
// enforces its limits locally (64 KiB values, 800 KiB per atomic operation), so a checkpoint of
// many chunks here also shows the adapter stays within them.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { type CountingJobReport, expectedCounts, type StoreCheckReport } from "../fixtures/runtime/key-value-store-checks.ts";
import { bundleFixture, Children, denoBinary, output } from "./support.ts";

const children = new Children();
let dir: string;
let deno: string;
let program: string;

beforeAll(async () => {
  deno = denoBinary();
  dir = await mkdtemp(join(tmpdir(), "rivulet-deno-store-"));
  program = join(dir, "store.js");
  await bundleFixture("deno-store-main.ts", program);
});

afterAll(async () => {
  await children.killAll();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/**
 * The fixture on the database `database` (a file in the temporary directory): its one JSON line.
 * Permissions: the KV API, and reading and writing that directory (the database and its journal).
 */
async function run<T>(database: string, ...args: string[]): Promise<T> {
  const child = children.spawn(
    deno,
    ["run", "--quiet", "--no-prompt", "--no-config", "--unstable-kv", `--allow-read=${dir}`, `--allow-write=${dir}`, program, join(dir, database), ...args],
    { cwd: dir, env: { PATH: process.env["PATH"] ?? "", HOME: dir, DENO_DIR: join(dir, "deno-dir"), DENO_NO_UPDATE_CHECK: "1", NO_COLOR: "1" } },
  );
  const { code, stdout, stderr } = await output(child, 15_000);
  expect(stderr).toBe("");
  expect(code).toBe(0);
  const lines = stdout.trim().split("\n");
  expect(lines).toHaveLength(1);
  return JSON.parse(lines[0]!) as T;
}

it("passes the store checks on Deno KV", async () => {
  // 1 MiB + 1 byte: seventeen 64 KiB chunks, written in two atomic operations of at most 12.
  const { report } = await run<{ report: StoreCheckReport }>("contract.sqlite", "contract", String((1 << 20) + 1));
  expect(report.largeChunks).toBe(17);
  expect(report.keysLeft).toEqual([]);
});

it("recovers a stateful job from Deno KV in a new process", async () => {
  const expected = expectedCounts();
  const { report: first } = await run<{ report: CountingJobReport }>("job.sqlite", "first");
  expect(first.recoveredFrom).toBeUndefined();
  expect(first.states).toEqual(expected.slice(0, 3));
  expect(first.names).toEqual(["checkpoint-0000000000002000", "checkpoint-0000000000003000"]);

  const { report: second } = await run<{ report: CountingJobReport }>("job.sqlite", "recovered");
  expect(second.recoveredFrom).toBe(3000);
  expect(second.states).toEqual(expected.slice(3));
  expect(second.names).toEqual(["checkpoint-0000000000007000", "checkpoint-0000000000008000"]);
});

it("fails a write whose record another connection's cleanup took over (a versionstamp check)", async () => {
  const result = await run<{ listed: string[]; errorCode: string; errorMessage: string; oldKept: boolean; keys: string[] }>(
    "takeover.sqlite",
    "takeover",
  );
  expect(result.listed).toEqual(["cp"]);
  expect(result.errorCode).toBe("CHECKPOINT_FAILED");
  expect(result.errorMessage).toMatch(/took the write over/);
  expect(result.oldKept).toBe(true);
  // The pointer and the four chunks of the old 200 000 bytes; no record, no chunk of the new write.
  const generation = /^takeover\/c\/([0-9a-f]{24})\/0$/.exec(result.keys[0]!)?.[1];
  expect(result.keys).toEqual([0, 1, 2, 3].map((i) => `takeover/c/${generation}/${i}`).concat("takeover/m/cp"));
});
