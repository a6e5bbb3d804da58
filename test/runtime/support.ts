/**
 * Helpers for the runtime tests (Deno, workerd): finding the runtimes' binaries in node_modules,
 * bundling a fixture for the web platform, child processes that are always cleaned up.
 *
 * The binaries come from npm only. Each of `deno` and `workerd` ships its real executable in a
 * per-platform optional dependency (`@deno/linux-x64-glibc/deno`,
 * `@cloudflare/workerd-linux-64/bin/workerd`, ...); the main package's postinstall merely links it
 * into place. That executable is called directly, so the tests work whether or not npm ran the
 * install scripts.
 */
import { execFileSync, spawn, type ChildProcess, type SpawnOptions } from "node:child_process";
import { existsSync } from "node:fs";
import { connect, createServer } from "node:net";
import { arch, platform } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { build, type Metafile } from "esbuild";

export const root = fileURLToPath(new URL("../..", import.meta.url));
const modules = join(root, "node_modules");

const exe = platform() === "win32" ? ".exe" : "";

function firstExisting(what: string, candidates: string[]): string {
  const found = candidates.find((c) => existsSync(c));
  if (!found) throw new Error(`${what} binary not found; looked at:\n  ${candidates.join("\n  ")}\n(run npm install)`);
  return found;
}

/** The Deno executable shipped by the `deno` npm package for this platform. */
export function denoBinary(): string {
  const targets: Record<string, string> = {
    "linux x64": "linux-x64-glibc",
    "linux arm64": "linux-arm64-glibc",
    "darwin x64": "darwin-x64",
    "darwin arm64": "darwin-arm64",
    "win32 x64": "win32-x64",
    "win32 arm64": "win32-arm64",
  };
  const target = targets[`${platform()} ${arch()}`];
  return firstExisting("deno", [
    ...(target ? [join(modules, "@deno", target, `deno${exe}`)] : []),
    join(modules, "deno", `deno${exe}`), // put there by the package's postinstall
  ]);
}

/** The workerd executable shipped by the `workerd` npm package for this platform. */
export function workerdBinary(): string {
  const targets: Record<string, string> = {
    "linux x64": "workerd-linux-64",
    "linux arm64": "workerd-linux-arm64",
    "darwin x64": "workerd-darwin-64",
    "darwin arm64": "workerd-darwin-arm64",
    "win32 x64": "workerd-windows-64",
  };
  const target = targets[`${platform()} ${arch()}`];
  return firstExisting("workerd", [
    ...(target ? [join(modules, "@cloudflare", target, "bin", `workerd${exe}`)] : []),
    join(modules, "workerd", "bin", `workerd${exe}`), // the real binary once the postinstall ran
  ]);
}

/** `binary --version`, trimmed; throws (with stderr) when the binary does not run. */
export function versionOf(binary: string): string {
  return execFileSync(binary, ["--version"], { encoding: "utf8", timeout: 10_000, stdio: ["ignore", "pipe", "pipe"] }).trim();
}

/**
 * Bundles `test/fixtures/runtime/<entry>` into one self-contained ESM file for the web platform:
 * `#platform` and `#file-store` resolve to their `default` (web) variants, every dependency is
 * inlined, and nothing is left to import at run time (no `node:` built-ins) except the specifiers
 * listed in `external` (e.g. a WebAssembly module the runtime provides). Throws otherwise.
 */
export async function bundleFixture(entry: string, outfile: string, external: readonly string[] = []): Promise<Metafile> {
  const result = await build({
    absWorkingDir: root,
    entryPoints: [join(root, "test/fixtures/runtime", entry)],
    outfile,
    bundle: true,
    format: "esm",
    platform: "browser",
    target: "es2022",
    metafile: true,
    logLevel: "silent",
    external: [...external],
  });
  const inputs = Object.keys(result.metafile.inputs);
  const missing = ["src/platform/web.ts", "src/state/file-store-unavailable.ts"].filter((f) => !inputs.includes(f));
  const wrong = ["src/platform/node.ts", "src/state/file-store.ts"].filter((f) => inputs.includes(f));
  if (missing.length > 0 || wrong.length > 0) {
    throw new Error(`bundle resolved the wrong platform variants: missing ${missing.join(", ")}; included ${wrong.join(", ")}`);
  }
  const imports = Object.values(result.metafile.outputs)
    .flatMap((o) => o.imports)
    .filter((i) => !(i.external === true && external.includes(i.path)))
    .map((i) => i.path);
  if (imports.length > 0) throw new Error(`bundle still imports at run time: ${imports.join(", ")}`);
  return result.metafile;
}

/** Child processes started by a test file, so that `afterAll` can end every one still running. */
export class Children {
  private readonly running = new Set<ChildProcess>();

  spawn(command: string, args: string[], options: SpawnOptions): ChildProcess {
    const child = spawn(command, args, { ...options, stdio: ["ignore", "pipe", "pipe"] });
    this.running.add(child);
    child.once("exit", () => this.running.delete(child));
    child.once("error", () => this.running.delete(child));
    return child;
  }

  /** SIGTERM, then SIGKILL after `graceMs`; resolves once each child has exited. */
  async killAll(graceMs = 3000): Promise<void> {
    await Promise.all([...this.running].map((child) => stop(child, graceMs)));
  }
}

/** Ends one child: SIGTERM, then SIGKILL after `graceMs`; resolves once it has exited. */
export async function stop(child: ChildProcess, graceMs = 3000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
  await exited;
  clearTimeout(timer);
}

export interface Output {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Collects a child's output until it exits; kills it (SIGKILL) after `timeoutMs`. */
export function output(child: ChildProcess, timeoutMs: number): Promise<Output> {
  let stdout = "";
  let stderr = "";
  child.stdout?.setEncoding("utf8").on("data", (s: string) => (stdout += s));
  child.stderr?.setEncoding("utf8").on("data", (s: string) => (stderr += s));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`timed out after ${timeoutMs} ms\nstdout: ${stdout}\nstderr: ${stderr}`));
    }, timeoutMs);
    child.once("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once("close", (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

/** A TCP port on 127.0.0.1 that was free a moment ago (the OS picks it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => (port > 0 ? resolve(port) : reject(new Error("no port"))));
    });
  });
}

/** Resolves once `127.0.0.1:port` accepts a connection; rejects at `deadline` or when `alive()` turns false. */
export async function waitForPort(port: number, timeoutMs: number, alive: () => boolean): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = connect({ host: "127.0.0.1", port });
      socket.once("connect", () => {
        socket.destroy();
        resolve(true);
      });
      socket.once("error", () => {
        socket.destroy();
        resolve(false);
      });
    });
    if (ok) return;
    if (!alive()) throw new Error(`the process exited before listening on port ${port}`);
    if (Date.now() >= deadline) throw new Error(`nothing listened on 127.0.0.1:${port} within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * `workerd serve <configFile>` in `dir`, once it listens on `port`. `exited` collects its output
 * until it exits (SIGKILL after `timeoutMs`); a workerd that never listens is stopped and its
 * stderr thrown.
 */
export async function serveWorkerd(
  children: Children,
  workerd: string,
  dir: string,
  configFile: string,
  port: number,
  timeoutMs: number,
): Promise<{ child: ChildProcess; exited: Promise<Output> }> {
  const child = children.spawn(workerd, ["serve", configFile], { cwd: dir, env: { PATH: process.env["PATH"] ?? "", HOME: dir } });
  const exited = output(child, timeoutMs);
  exited.catch(() => undefined); // awaited by the caller; never an unhandled rejection meanwhile
  await waitForPort(port, 10_000, () => child.exitCode === null && child.signalCode === null).catch(async (error: Error) => {
    await stop(child);
    const { stderr } = await exited;
    throw new Error(`${error.message}\nworkerd stderr:\n${stderr}`);
  });
  return { child, exited };
}
