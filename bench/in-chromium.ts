// Runs a benchmark module in Debian's headless Chromium: the module is bundled for the browser,
// served from 127.0.0.1, and its default export is awaited in the page; its result comes back as JSON.

import { build } from "esbuild";
import { readFile } from "node:fs/promises";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { chromium } from "playwright";
import { CHROMIUM_ARGS, CHROMIUM_PATH } from "../test/support/chromium.ts";

export interface ChromiumRunOptions {
  /** How long the page may take (default 120 s). */
  readonly timeoutMs?: number;
  /**
   * Serve everything with `Cross-Origin-Opener-Policy: same-origin` and
   * `Cross-Origin-Embedder-Policy: require-corp`, so the page is cross-origin isolated
   * (`crossOriginIsolated`, `SharedArrayBuffer`). Default false.
   */
  readonly isolated?: boolean;
  /** Further scripts to serve: URL path (e.g. "/kernel-worker.js") to a file on disk. */
  readonly files?: Readonly<Record<string, string>>;
  /** The page's query string parameters. */
  readonly query?: Readonly<Record<string, string | number>>;
}

/** Bundles `entry` (a module whose default export is `() => Promise<R>`) and runs it in Chromium. */
export async function runInChromium<R>(entry: string, options: ChromiumRunOptions | number = {}): Promise<R> {
  const { timeoutMs = 120_000, isolated = false, files = {}, query = {} } = typeof options === "number" ? { timeoutMs: options } : options;
  const bundle = await build({ entryPoints: [entry], bundle: true, write: false, platform: "browser", format: "esm", target: "es2022", logLevel: "silent" });
  const scripts = new Map<string, string>([["/bench.js", bundle.outputFiles[0]!.text]]);
  for (const [path, file] of Object.entries(files)) scripts.set(path, await readFile(file, "utf8"));
  const page = `<!doctype html><meta charset="utf-8"><script type="module">
import run from "/bench.js";
run().then((r) => { window.__result = { ok: true, value: r }; }, (e) => { window.__result = { ok: false, error: String(e && e.stack || e) }; });
</script>`;
  const headers: Record<string, string> = isolated ? { "cross-origin-opener-policy": "same-origin", "cross-origin-embedder-policy": "require-corp" } : {};
  const server = createServer((req, res) => {
    const script = scripts.get((req.url ?? "/").split("?")[0]!);
    if (script !== undefined) res.writeHead(200, { ...headers, "content-type": "text/javascript" }).end(script);
    else res.writeHead(200, { ...headers, "content-type": "text/html" }).end(page);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS });
  try {
    const tab = await browser.newPage();
    const search = new URLSearchParams(Object.entries(query).map(([k, v]) => [k, String(v)]));
    await tab.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/?${search}`);
    await tab.waitForFunction(() => (window as { __result?: unknown }).__result !== undefined, undefined, { timeout: timeoutMs, polling: 100 });
    const result = (await tab.evaluate(() => (window as { __result?: unknown }).__result)) as { ok: boolean; value?: R; error?: string };
    if (!result.ok) throw new Error(`in Chromium: ${result.error}`);
    return result.value as R;
  } finally {
    await browser.close();
    server.close();
  }
}
