// examples/web-page as a web developer would use it: copied into a project with the package
// installed (importing "rivulet"), built with Vite, served, and driven in Chromium: a file is
// picked, and the page must end with the file's exact ten most frequent words and word total,
// counted on the system clock with the running totals checkpointed to IndexedDB.
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { type Browser, chromium } from "playwright";
import { build } from "vite";
import { afterAll, beforeAll, expect, it } from "vitest";
import { CHROMIUM_ARGS, CHROMIUM_PATH } from "../support/chromium.ts";
import { installInto, manifest, packedFiles, root } from "../support/installed-package.ts";
import { serve, urlOf } from "../support/static-server.ts";

let consumer = "";
let browser: Browser | undefined;

beforeAll(async () => {
  consumer = installInto(await packedFiles(), "rivulet-web-page-");
  for (const file of ["index.html", "main.ts"]) {
    const text = readFileSync(join(root, "examples", "web-page", file), "utf8");
    writeFileSync(join(consumer, file), text.replace(`"../../src/index.ts"`, JSON.stringify(manifest.name)));
  }
  browser = await chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS });
}, 90_000);

afterAll(async () => {
  await browser?.close();
  if (consumer) rmSync(consumer, { recursive: true, force: true });
});

/** A text whose words have distinct counts (word i appears 40 + 13 i times), shuffled into lines. */
function text(): { text: string; counts: [string, number][] } {
  const words: string[] = [];
  const counts: [string, number][] = [];
  for (let i = 0; i < 30; i++) {
    const word = i % 3 === 0 ? `größe${i}` : `w${i}`;
    counts.push([word, 40 + 13 * i]);
    for (let n = 0; n < 40 + 13 * i; n++) words.push(word);
  }
  let seed = 7;
  for (let i = words.length - 1; i > 0; i--) {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    const j = seed % (i + 1);
    [words[i], words[j]] = [words[j]!, words[i]!];
  }
  const lines: string[] = [];
  for (let i = 0; i < words.length; i += 9) lines.push(words.slice(i, i + 9).join(i % 2 ? "\t" : " "));
  return { text: lines.join("\n") + "\n", counts: counts.sort(([, a], [, b]) => b - a) };
}

it("counts a picked file's words as it is read, and ends with its exact top ten and total", async () => {
  const outDir = join(consumer, "dist");
  await build({ root: consumer, configFile: false, logLevel: "silent", build: { outDir, emptyOutDir: true } });
  const server = await serve(outDir);
  const page = await browser!.newPage();
  const errors: string[] = [];
  page.on("pageerror", (error) => errors.push(String(error)));
  try {
    await page.goto(urlOf(server));
    const { text: content, counts } = text();
    const total = counts.reduce((n, [, c]) => n + c, 0);
    await page.setInputFiles("#file", { name: "words.txt", mimeType: "text/plain", buffer: Buffer.from(content, "utf8") });
    await page.waitForFunction(() => /^(Done|Failed)/.test(document.querySelector("#status")!.textContent ?? ""), null, { timeout: 30_000 });
    expect(await page.textContent("#status")).toBe(`Done: ${total.toLocaleString("en")} words`);
    const rows = await page.$$eval("#top tbody tr", (trs) => trs.map((tr) => [...tr.querySelectorAll("td")].map((td) => td.textContent)));
    expect(rows).toEqual(counts.slice(0, 10).map(([w, n]) => [w, String(n)]));
    expect(errors).toEqual([]);
  } finally {
    await page.close();
    await new Promise((resolve) => server.close(resolve));
  }
}, 60_000);
