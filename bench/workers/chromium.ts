// Runs the worker-pool word-count benchmark (wordcount.browser.ts) in Debian's headless Chromium:
// the page and its module worker (src/worker-entry/web.ts) are bundled for the browser
// and served from 127.0.0.1 with COOP/COEP headers, so the page is cross-origin isolated and
// SharedArrayBuffer is available.
//
//   npx esbuild --bundle --platform=node --format=esm --packages=external --log-level=warning \
//     bench/workers/chromium.ts | node --input-type=module
//
// Run from the repository root. Optional arguments: words a batch, rounds.
import { build } from "esbuild";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { resolve } from "node:path";
import { chromium } from "playwright";
import { CHROMIUM_ARGS, CHROMIUM_PATH } from "../../test/support/chromium.ts";

const bundle = async (entry: string): Promise<string> =>
  (await build({ entryPoints: [resolve(entry)], bundle: true, write: false, platform: "browser", format: "esm", target: "es2022", logLevel: "silent" })).outputFiles[0]!.text;

const files: Record<string, string> = {
  "/bench.js": await bundle("bench/workers/wordcount.browser.ts"),
  "/kernel-worker.js": await bundle("src/worker-entry/web.ts"),
  "/": `<!doctype html><meta charset="utf-8"><script type="module">
import run from "/bench.js";
run().then((r) => { window.__result = { ok: true, value: r }; }, (e) => { window.__result = { ok: false, error: String(e && e.stack || e) }; });
</script>`,
};
const isolation = { "cross-origin-opener-policy": "same-origin", "cross-origin-embedder-policy": "require-corp" };
const server = createServer((req, res) => {
  const path = (req.url ?? "/").split("?")[0]!;
  const body = files[path];
  if (body === undefined) return void res.writeHead(404, isolation).end();
  res.writeHead(200, { ...isolation, "content-type": path === "/" ? "text/html" : "text/javascript" }).end(body);
});
await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS });
try {
  const tab = await browser.newPage();
  const query = new URLSearchParams();
  if (process.argv[2] !== undefined) query.set("words", process.argv[2]);
  if (process.argv[3] !== undefined) query.set("rounds", process.argv[3]);
  await tab.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/?${query}`);
  await tab.waitForFunction(() => (window as { __result?: unknown }).__result !== undefined, undefined, { timeout: 600_000, polling: 200 });
  const result = (await tab.evaluate(() => (window as { __result?: unknown }).__result)) as { ok: boolean; value?: string[]; error?: string };
  if (!result.ok) throw new Error(`in Chromium: ${result.error}`);
  for (const line of result.value!) console.log(line);
} finally {
  await browser.close();
  server.close();
}
