// Node 20 cannot import TypeScript: modules that run in child processes or worker threads (and
// job modules, which the workers import by URL) are bundled first. The package's `imports` map
// (#platform, #file-store) resolves with the `node` condition, as it does for users on Node.
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

/** Bundles the module at `entry` (a `file:` URL or a path) into `outfile`, an ES module for Node 20; returns `outfile`. */
export async function bundleForNode(entry: URL | string, outfile: string): Promise<string> {
  await build({
    entryPoints: [entry instanceof URL ? fileURLToPath(entry) : entry],
    outfile,
    bundle: true,
    format: "esm",
    platform: "node",
    target: "node20",
    logLevel: "warning",
  });
  return outfile;
}
