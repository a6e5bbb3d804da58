// KeyValueCheckpointStore on a real Durable Object's storage in Cloudflare's workerd (the `workerd`
// npm package's binary): the fixture worker's Durable Objects run the store checks through
// `durableObjectStorage(state.storage)`, on a key-value-backed and a SQLite-backed namespace, and
// a stateful job that checkpoints there is recovered by getOrCreate after workerd is killed and
// started again on the same storage directory.
//
// workerd does not enforce Cloudflare's storage limits locally (128 KiB values, 128 keys per
// call are accepted beyond); test/state/edge-adapters.test.ts checks the adapter against them.
import type { ChildProcess } from "node:child_process";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { type CountingJobReport, expectedCounts, type StoreCheckReport } from "../fixtures/runtime/key-value-store-checks.ts";
import { bundleFixture, Children, freePort, type Output, serveWorkerd, stop, workerdBinary } from "./support.ts";

const COMPATIBILITY_DATE = "2025-09-01";

const children = new Children();
let dir: string;
let workerd: string;

beforeAll(async () => {
  workerd = workerdBinary();
  dir = await mkdtemp(join(tmpdir(), "rivulet-workerd-store-"));
  await bundleFixture("workerd-store-worker.ts", join(dir, "worker.js"));
});

afterAll(async () => {
  await children.killAll();
  if (dir) await rm(dir, { recursive: true, force: true });
});

function config(port: number, storage: string): string {
  return `using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [
    (name = "main", worker = .store),
    (name = "disk", disk = (path = ${JSON.stringify(storage)}, writable = true)),
  ],
  sockets = [(name = "http", address = "127.0.0.1:${port}", http = (), service = "main")],
);

const store :Workerd.Worker = (
  modules = [(name = "worker.js", esModule = embed "worker.js")],
  compatibilityDate = "${COMPATIBILITY_DATE}",
  durableObjectNamespaces = [
    (className = "CheckpointObject", uniqueKey = "rivulet-kv-backed"),
    (className = "SqlCheckpointObject", uniqueKey = "rivulet-sql-backed", enableSql = true),
  ],
  durableObjectStorage = (localDisk = "disk"),
  bindings = [
    (name = "KV_BACKED", durableObjectNamespace = "CheckpointObject"),
    (name = "SQL_BACKED", durableObjectNamespace = "SqlCheckpointObject"),
  ],
);
`;
}

interface Server {
  readonly port: number;
  readonly child: ChildProcess;
  readonly exited: Promise<Output>;
}

/** `workerd serve` with its Durable Objects stored in `storage` (a directory that outlives it). */
async function serve(storage: string): Promise<Server> {
  await mkdir(storage, { recursive: true });
  const port = await freePort();
  const file = `config-${port}.capnp`;
  await writeFile(join(dir, file), config(port, storage));
  const { child, exited } = await serveWorkerd(children, workerd, dir, file, port, 60_000);
  return { port, child, exited };
}

async function request<T>(server: Server, path: string): Promise<T> {
  const response = await fetch(`http://127.0.0.1:${server.port}${path}`, { signal: AbortSignal.timeout(15_000) });
  const body = (await response.json()) as T & { error?: string };
  expect(body.error, path).toBeUndefined();
  expect(response.status, path).toBe(200);
  return body;
}

it("passes the store checks on a Durable Object's storage, key-value- and SQLite-backed", async () => {
  const server = await serve(join(dir, "contract"));
  try {
    for (const backend of ["kv", "sql"]) {
      // 1 MiB + 1 byte: nine 128 KiB chunks, the last of one byte.
      const { report, sameAdapter } = await request<{ report: StoreCheckReport; sameAdapter: boolean }>(
        server,
        `/contract?class=${backend}&largeBytes=${(1 << 20) + 1}`,
      );
      expect(report.largeChunks, backend).toBe(9);
      expect(report.keysLeft, backend).toEqual([]);
      expect(sameAdapter).toBe(true);
    }
  } finally {
    await stop(server.child);
  }
});

it("recovers a stateful job from a Durable Object's storage after workerd is killed", async () => {
  const storage = join(dir, "job");
  const expected = expectedCounts();

  const first = await serve(storage);
  let firstRun: CountingJobReport;
  try {
    ({ report: firstRun } = await request<{ report: CountingJobReport }>(first, "/job?phase=first&object=clicks"));
  } finally {
    first.child.kill("SIGKILL"); // the context is still active in there: a crash, not a shutdown
    await first.exited.catch(() => undefined);
  }
  expect(firstRun.recoveredFrom).toBeUndefined();
  expect(firstRun.states).toEqual(expected.slice(0, 3));
  expect(firstRun.names).toEqual(["checkpoint-0000000000002000", "checkpoint-0000000000003000"]);

  const second = await serve(storage);
  try {
    const { report } = await request<{ report: CountingJobReport }>(second, "/job?phase=recovered&object=clicks");
    expect(report.recoveredFrom).toBe(3000);
    expect(report.states).toEqual(expected.slice(3));
    expect(report.names).toEqual(["checkpoint-0000000000007000", "checkpoint-0000000000008000"]);
  } finally {
    await stop(second.child);
  }
});
