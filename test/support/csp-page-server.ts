// A page served with a Content-Security-Policy that allows scripts from its origin only, without
// 'wasm-unsafe-eval', for the browser test of the kernels' fallback: a vitest global setup that
// bundles test/fixtures/csp/page.ts (the library included) and serves it on its own origin.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import type { TestProject } from "vitest/node";

declare module "vitest" {
  export interface ProvidedContext {
    /** `http://127.0.0.1:<port>/page.html` of this server. */
    cspPage: string;
  }
}

const POLICY = "default-src 'self'; script-src 'self'";

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const bundle = await build({
    entryPoints: [fileURLToPath(new URL("../fixtures/csp/page.ts", import.meta.url))],
    bundle: true,
    format: "esm",
    platform: "browser",
    target: "es2022",
    write: false,
    logLevel: "warning",
  });
  const script = bundle.outputFiles[0]!.contents;
  const server = createServer((req, res) => {
    const headers = { "content-security-policy": POLICY, "cache-control": "no-store" };
    if (req.url === "/page.html") {
      res.writeHead(200, { ...headers, "content-type": "text/html" }).end('<!doctype html><script type="module" src="/page.js"></script>');
    } else if (req.url === "/page.js") {
      res.writeHead(200, { ...headers, "content-type": "text/javascript" }).end(script);
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  project.provide("cspPage", `http://127.0.0.1:${(server.address() as AddressInfo).port}/page.html`);
  return () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections(); // the iframe's keep-alive connections
    });
}
