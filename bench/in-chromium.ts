// Runs a benchmark module in Debian's headless Chromium: the module is bundled for the browser,
// served from 127.0.0.1, and its default export is awaited in the page; its result comes back as JSON.

import { build } from "esbuild";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { chromium } from "playwright";
import { CHROMIUM_ARGS, CHROMIUM_PATH } from "../test/support/chromium.ts";


/** Bundles `entry` (a module whose default export is `() => Promise<R>`) and runs it in Chromium. */
export async function runInChromium<R>(entry: string, timeoutMs = 120_000): Promise<R> {
  const bundle = await build({ entryPoints: [entry], bundle: true, write: false, platform: "browser", format: "esm", target: "es2022", logLevel: "silent" });
  const js = `${bundle.outputFiles[0]!.text}`;
  const page = `<!doctype html><meta charset="utf-8"><script type="module">
import run from "/bench.js";
run().then((r) => { window.__result = { ok: true, value: r }; }, (e) => { window.__result = { ok: false, error: String(e && e.stack || e) }; });
</script>`;
  const server = createServer((req, res) => {
    if (req.url === "/bench.js") res.writeHead(200, { "content-type": "text/javascript" }).end(js);
    else res.writeHead(200, { "content-type": "text/html" }).end(page);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS });
  try {
    const tab = await browser.newPage();
    await tab.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
    await tab.waitForFunction(() => (window as { __result?: unknown }).__result !== undefined, undefined, { timeout: timeoutMs, polling: 100 });
    const result = (await tab.evaluate(() => (window as { __result?: unknown }).__result)) as { ok: boolean; value?: R; error?: string };
    if (!result.ok) throw new Error(`in Chromium: ${result.error}`);
    return result.value as R;
  } finally {
    await browser.close();
    server.close();
  }
}
