// The package as a consumer installs it: exactly the files `npm pack` would publish, copied into a
// fresh project's node_modules, with the declared dependencies next to it (linked from this
// repository's node_modules, as npm would have installed them).
import { execFile } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

export const run = promisify(execFile);
export const root = fileURLToPath(new URL("../..", import.meta.url));
export const manifest = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { name: string; dependencies: Record<string, string> };

/** The files `npm pack` would publish, relative to the repository. */
export async function packedFiles(): Promise<string[]> {
  const { stdout } = await run("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"], { cwd: root, timeout: 60_000 });
  return (JSON.parse(stdout) as [{ files: { path: string }[] }])[0].files.map((f) => f.path);
}

/** A new consumer project (an ES module package) with the package installed: its directory. */
export function installInto(files: readonly string[], prefix: string): string {
  const consumer = mkdtempSync(join(tmpdir(), prefix));
  const installed = join(consumer, "node_modules", manifest.name);
  for (const file of files) {
    mkdirSync(dirname(join(installed, file)), { recursive: true });
    cpSync(join(root, file), join(installed, file));
  }
  for (const dependency of Object.keys(manifest.dependencies)) {
    const to = join(consumer, "node_modules", dependency);
    mkdirSync(dirname(to), { recursive: true });
    symlinkSync(join(root, "node_modules", dependency), to, "dir");
  }
  writeFileSync(join(consumer, "package.json"), JSON.stringify({ name: "consumer", private: true, type: "module" }));
  return consumer;
}
