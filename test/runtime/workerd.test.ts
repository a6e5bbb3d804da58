// The core and the in-thread engine run in Cloudflare's workerd (the `workerd` npm package's
// binary): the fixture word count, bundled for the web platform as an ES module worker and served
// by `workerd serve` on a loopback port, answers a request with exactly the independently computed
// counts of each batch. workerd has no Worker, no setImmediate (without nodejs_compat) and refuses
// to compile WebAssembly from bytes at run time; the probe in the answer shows the job ran there.
//
// The WebAssembly kernels run there all the same when given as a module: the config embeds
// build/kernels.wasm as a wasm module, the worker imports it (the bundle leaves that one import
// to workerd) and runs the job with `kernels: "wasm"`, which makes the kernels required, so the
// exact counts prove they were instantiated from that module. Without the module, the same
// required kernels fail every batch with workerd's CompileError.
//
// A second worker reads a TCP server of this test with `socketTextStream`, given workerd's own
// `connect` from "cloudflare:sockets".
import { execFileSync } from "node:child_process";
import { once } from "node:events";
import { copyFile, mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { expectedWordCount } from "../fixtures/runtime/wordcount-job.ts";
import { bundleFixture, Children, freePort, root, serveWorkerd, stop, versionOf, workerdBinary } from "./support.ts";

/** Any date up to the binary's own (its `--version`) works; pinned so behaviour does not drift. */
const COMPATIBILITY_DATE = "2025-09-01";

const children = new Children();
let dir: string;
let workerd: string;
let version: string;

beforeAll(async () => {
  workerd = workerdBinary();
  version = versionOf(workerd); // "workerd 2026-11-17": the newest compatibility date it supports
  dir = await mkdtemp(join(tmpdir(), "rivulet-workerd-"));
  // build/kernels.wasm (what `npm run build` ships as dist/kernels.wasm), unless up to date.
  execFileSync(process.execPath, ["scripts/build-wasm.mjs", "--if-stale"], { cwd: root, stdio: "inherit" });
});

afterAll(async () => {
  await children.killAll();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** `workerd serve <configFile>` in this test's directory, once it listens on `port`. */
function serve(configFile: string, port: number) {
  return serveWorkerd(children, workerd, dir, configFile, port, 25_000);
}

function config(port: number): string {
  return `using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [(name = "main", worker = .wordcount)],
  sockets = [(name = "http", address = "127.0.0.1:${port}", http = (), service = "main")],
);

const wordcount :Workerd.Worker = (
  modules = [
    (name = "worker.js", esModule = embed "worker.js"),
    (name = "kernels.wasm", wasm = embed "kernels.wasm"),
  ],
  compatibilityDate = "${COMPATIBILITY_DATE}",
);
`;
}

it("counts words from a UTF-8 byte stream in workerd", async () => {
  const supported = /^workerd (\d{4}-\d{2}-\d{2})$/.exec(version)?.[1];
  expect(supported, `unexpected workerd --version: ${version}`).toBeDefined();
  expect(COMPATIBILITY_DATE <= supported!).toBe(true);

  await bundleFixture("workerd-worker.ts", join(dir, "worker.js"), ["./kernels.wasm"]);
  await copyFile(join(root, "build", "kernels.wasm"), join(dir, "kernels.wasm"));
  const port = await freePort();
  await writeFile(join(dir, "config.capnp"), config(port));

  const { child, exited } = await serve("config.capnp", port);
  try {
    // Two requests to the same isolate: the first context's stop() lets a second one start
    // ("only one active context per realm"), and nothing of the first run leaks into the second.
    for (let request = 1; request <= 2; request++) {
      const response = await fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(10_000) });
      const body = (await response.json()) as { result?: unknown; probe?: Record<string, unknown>; error?: string };
      expect(body.error, `request ${request}`).toBeUndefined();
      expect(response.status).toBe(200);
      expect(body.probe?.["userAgent"]).toBe("Cloudflare-Workers");
      // What the in-thread engine does without here: no Worker, no setImmediate (so the core
      // yields through MessageChannel), no WebAssembly compiled from bytes.
      expect(body.probe?.["Worker"]).toBe(false);
      expect(body.probe?.["setImmediate"]).toBe(false);
      expect(body.probe?.["wasmFromBytes"]).toMatch(/CompileError/);
      expect(body.result, `request ${request}`).toEqual(expectedWordCount());
    }

    // The kernels from the imported module, required: the same exact counts, while compiling
    // from bytes still fails in the same isolate.
    const imported = await fetch(`http://127.0.0.1:${port}/?module=imported`, { signal: AbortSignal.timeout(10_000) });
    const withModule = (await imported.json()) as { result?: unknown; probe?: Record<string, unknown>; kernelsModule?: boolean; error?: string };
    expect(withModule.error).toBeUndefined();
    expect(imported.status).toBe(200);
    expect(withModule.kernelsModule).toBe(true); // workerd hands the import over compiled
    expect(withModule.probe?.["wasmFromBytes"]).toMatch(/CompileError/);
    expect(withModule.result).toEqual(expectedWordCount());

    // Required kernels and no module: each batch fails (no output runs) and the context reports
    // why, the CompileError of compiling the kernels from bytes.
    const missing = await fetch(`http://127.0.0.1:${port}/?module=none`, { signal: AbortSignal.timeout(10_000) });
    const withoutModule = (await missing.json()) as { result?: unknown; failure?: string; error?: string };
    expect(withoutModule.error).toBeUndefined();
    expect(missing.status).toBe(200);
    expect(withoutModule.result).toEqual([]);
    expect(withoutModule.failure).toMatch(/CompileError/);
    expect(withoutModule.failure).toMatch(/WebAssembly/);
  } finally {
    await stop(child);
    await exited.catch(() => undefined);
  }
});

/** The socket worker, whose outbound connections may reach loopback addresses (workerd's default network allows public ones only). */
function socketConfig(port: number): string {
  return `using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [
    (name = "main", worker = .sockets),
    (name = "loopback", network = (allow = ["local", "private"])),
  ],
  sockets = [(name = "http", address = "127.0.0.1:${port}", http = (), service = "main")],
);

const sockets :Workerd.Worker = (
  modules = [(name = "worker.js", esModule = embed "socket-worker.js")],
  compatibilityDate = "${COMPATIBILITY_DATE}",
  globalOutbound = "loopback",
);
`;
}

it("reads a TCP server's lines in workerd with socketTextStream and cloudflare:sockets' connect", async () => {
  const server = createServer((socket) => socket.end("hello workerd\nbye"));
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const tcpPort = (server.address() as { port: number }).port;
  await bundleFixture("workerd-socket-worker.ts", join(dir, "socket-worker.js"), ["cloudflare:sockets"]);
  const port = await freePort();
  await writeFile(join(dir, "socket-config.capnp"), socketConfig(port));
  const { child, exited } = await serve("socket-config.capnp", port);
  try {
    const response = await fetch(`http://127.0.0.1:${port}/?port=${tcpPort}`, { signal: AbortSignal.timeout(10_000) });
    const body = (await response.json()) as { batches?: unknown; receiver?: unknown; error?: string };
    expect(body.error).toBeUndefined();
    expect(body.batches).toEqual([[1000, ["hello workerd", "bye"]]]);
    expect(body.receiver).toEqual(["started", "stopped the stream ended"]);
  } finally {
    server.close();
    await stop(child);
    await exited.catch(() => undefined);
  }
});
