// Reload-and-recover in real Chromium: a page runs a stateful word count on the system clock,
// checkpointing every batch to IndexedDB; it is reloaded mid-stream, then closed and opened again
// in a new page of the same browser context (so IndexedDB persists), and must end with the exact
// state. Vitest's browser mode cannot reload its own page, so this is a Node test that bundles the
// page with esbuild, serves it from 127.0.0.1 and drives Debian's Chromium with Playwright.
import { build } from "esbuild";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import { type Browser, chromium, type Page } from "playwright";
import { afterAll, beforeAll, expect, it } from "vitest";
import { CHROMIUM_ARGS, CHROMIUM_PATH } from "./support/chromium.ts";
import { NUM_BATCHES, type ReloadProgress, referenceCounts, totalWords } from "./fixtures/reload/input.ts";

const TOTAL = totalWords();
const WAIT = { timeout: 20_000, polling: 10 } as const;

let browser: Browser | undefined;
let server: Server | undefined;
let url = "";

beforeAll(async () => {
  // Browser conditions (no `node`), so `#platform` and `#file-store` resolve to the web variants.
  const bundle = await build({
    entryPoints: [fileURLToPath(new URL("./fixtures/reload/page.ts", import.meta.url))],
    bundle: true,
    write: false,
    platform: "browser",
    format: "esm",
    target: "es2022",
    logLevel: "silent",
  });
  const js = bundle.outputFiles[0]!.text;
  const html = `<!doctype html><meta charset="utf-8"><title>rivulet reload</title><script type="module" src="/page.js"></script>`;
  server = createServer((req, res) => {
    const path = (req.url ?? "/").split("?")[0];
    if (path === "/" || path === "/index.html") {
      res.writeHead(200, { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" }).end(html);
    } else if (path === "/page.js") {
      res.writeHead(200, { "content-type": "text/javascript; charset=utf-8", "cache-control": "no-store" }).end(js);
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve, reject) => {
    server!.once("error", reject).listen(0, "127.0.0.1", resolve);
  });
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: CHROMIUM_ARGS,
  });
});

afterAll(async () => {
  await browser?.close();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
});

function progress(page: Page): Promise<ReloadProgress> {
  return page.evaluate(() => window.__rivulet!);
}

/**
 * Waits until this load has written `checkpoints` checkpoints and counted `applied` words; stops
 * waiting at once on an error or a batch whose state is not exact, so a failure is quick.
 */
async function waitFor(page: Page, applied: number, checkpoints: number): Promise<ReloadProgress> {
  await page.waitForFunction(
    ([applied, checkpoints]) => {
      const p = window.__rivulet;
      if (p === undefined) return false;
      if (p.errors.length > 0 || p.mismatches.length > 0 || p.result !== null) return true;
      return p.applied >= applied! && p.checkpoints >= checkpoints!;
    },
    [applied, checkpoints],
    WAIT,
  );
  const p = await progress(page);
  expect(p.errors).toEqual([]);
  expect(p.mismatches).toEqual([]);
  return p;
}

it("resumes with the exact state after a reload mid-stream and after the page is closed and reopened", async () => {
  const context = await browser!.newContext();
  try {
    // 1. A fresh start; let it get about a fifth of the way.
    const page = await context.newPage();
    await page.goto(url);
    const first = await waitFor(page, Math.floor(TOTAL * 0.2), 3);
    expect(first.recovered).toBeNull();
    expect(first.result).toBeNull();

    // 2. Reload mid-stream: the new page must recover from a checkpoint at least as new as the
    //    last one the old page reported written, and carry on.
    await page.reload();
    const second = await waitFor(page, Math.floor(TOTAL * 0.5), 3);
    expect(second.recovered).not.toBeNull();
    expect(second.recovered!).toBeGreaterThanOrEqual(first.lastCheckpoint!);
    expect(second.result).toBeNull();

    // 3. Close the page (not the context: IndexedDB persists) and open the job in a new page.
    await page.close();
    const reopened = await context.newPage();
    await reopened.goto(url);
    await reopened.waitForFunction(() => {
      const p = window.__rivulet;
      return p !== undefined && (p.errors.length > 0 || p.mismatches.length > 0 || (p.result !== null && p.stopped));
    }, undefined, WAIT);
    const third = await progress(reopened);
    expect(third.errors).toEqual([]);
    expect(third.mismatches).toEqual([]);

    // The exact state, as counted in Node from the same generator (and it was exact at every
    // batch of every load: `waitFor` checks the pages' mismatches).
    expect(third.result).toEqual(referenceCounts(NUM_BATCHES));
    expect(third.result!.reduce((n, [, c]) => n + c, 0)).toBe(TOTAL);

    // Three starts: one fresh, then two recoveries, each from a newer checkpoint.
    expect(third.starts.map((s) => s.recovered === null)).toEqual([true, false, false]);
    expect(third.starts[1]!.recovered).toBe(second.recovered);
    expect(third.recovered).toBe(third.starts[2]!.recovered);
    expect(third.recovered!).toBeGreaterThanOrEqual(second.lastCheckpoint!);
    expect(third.recovered!).toBeGreaterThan(second.recovered!);
    expect(third.starts.every((s) => s.skipped === 0)).toBe(true);
    await reopened.close();
  } finally {
    await context.close();
  }
}, 60_000);
