// A web application built from the installed package, as a web developer makes one:
// `import { StreamingContext } from "rivulet"` in the page, nothing configured. Its kernel workers
// must come with it: with Vite in a production build (the worker script emitted with the app's
// assets) and on the dev server (the package pre-bundled), and with webpack 5, without a warning;
// the page's word count must run in them.
import { readdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { type Browser, chromium } from "playwright";
import { build, createServer } from "vite";
import webpack from "webpack";
import { afterAll, beforeAll, expect, it } from "vitest";
import { CHROMIUM_ARGS, CHROMIUM_PATH } from "./support/chromium.ts";
import { serve, urlOf } from "./support/static-server.ts";
import { installInto, packedFiles, WORD_COUNT_REPORT, wordCountProgram } from "./support/installed-package.ts";

let consumer = "";
let browser: Browser | undefined;

beforeAll(async () => {
  consumer = installInto(await packedFiles(), "rivulet-vite-");
  writeFileSync(join(consumer, "index.html"), `<!doctype html><meta charset="utf-8"><title>word count</title><script type="module" src="./main.js"></script>`);
  writeFileSync(join(consumer, "main.js"), wordCountProgram("(report) => void (window.__result = report)"));
  browser = await chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS });
}, 90_000);

afterAll(async () => {
  await browser?.close();
  if (consumer) rmSync(consumer, { recursive: true, force: true });
});

/** What the page at `url` reports once its batch is done, with any page error. */
async function resultOf(url: string): Promise<unknown> {
  const page = await browser!.newPage();
  const errors: string[] = [];
  page.on("pageerror", (error) => errors.push(String(error)));
  try {
    await page.goto(url);
    await page.waitForFunction(() => "__result" in window, null, { timeout: 30_000 });
    return { ...(await page.evaluate(() => (window as unknown as { __result: object }).__result)), errors };
  } finally {
    await page.close();
  }
}

/** What the built page in `dir` reports, served by a plain static server. */
async function servedResultOf(dir: string): Promise<unknown> {
  const server = await serve(dir);
  try {
    return await resultOf(urlOf(server));
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
}

it("a production build ships the kernel worker with the app, and the page's job runs in two workers", async () => {
  const outDir = join(consumer, "dist");
  await build({ root: consumer, configFile: false, logLevel: "silent", build: { outDir, emptyOutDir: true } });
  expect(readdirSync(join(outDir, "assets")).some((f) => /^kernel-worker-.*\.js$/.test(f))).toBe(true);
  expect(await servedResultOf(outDir)).toEqual({ ...WORD_COUNT_REPORT, errors: [] });
}, 60_000);

it("on the dev server, with the package pre-bundled, the page's job runs in two workers", async () => {
  const server = await createServer({ root: consumer, configFile: false, logLevel: "silent", server: { host: "127.0.0.1", port: 0 } });
  await server.listen();
  try {
    expect(await resultOf(server.resolvedUrls!.local[0]!)).toEqual({ ...WORD_COUNT_REPORT, errors: [] });
  } finally {
    await server.close();
  }
}, 60_000);

it("webpack 5 bundles the kernel worker with the app, warning of nothing, and the page's job runs in two workers", async () => {
  const outDir = join(consumer, "webpack-dist");
  const stats = await new Promise<webpack.Stats>((resolve, reject) =>
    webpack(
      {
        mode: "production",
        context: consumer,
        entry: "./main.js",
        output: { path: outDir, filename: "main.js", clean: true },
        experiments: { topLevelAwait: true },
        target: "web",
        devtool: false,
      },
      (error, result) => (error || !result ? reject(error ?? new Error("no stats")) : resolve(result)),
    ),
  );
  const { errors, warnings } = stats.toJson({ all: false, errors: true, warnings: true });
  expect(errors).toEqual([]);
  expect(warnings?.map((w) => w.message)).toEqual([]);
  writeFileSync(join(outDir, "index.html"), `<!doctype html><meta charset="utf-8"><title>word count</title><script src="./main.js"></script>`);
  expect(await servedResultOf(outDir)).toEqual({ ...WORD_COUNT_REPORT, errors: [] });
}, 90_000);
