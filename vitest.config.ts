import { playwright } from "@vitest/browser-playwright";
import { configDefaults, defineConfig } from "vitest/config";
import { CHROMIUM_ARGS, CHROMIUM_PATH } from "./test/support/chromium.ts";

/**
 * Four projects:
 * - `node`: every `test/**\/*.test.ts` except the browser ones, in Node. Vite resolves the
 *   package.json `imports` map (`#platform`) with the SSR conditions, which include `node`, so
 *   `#platform` is `src/platform/node.ts` here.
 * - `node-js-kernels`: the DStream tests again in Node with the WASM kernels off.
 * - `browser`: `test/**\/*.browser.test.ts`, in a real headless Chromium driven by Playwright.
 *   Vite resolves with the client conditions (`browser`, `module`, ...; never `node`), so
 *   `#platform` falls through to `default`, i.e. `src/platform/web.ts`.
 * - `browser-isolated`: `test/**\/*.isolated.browser.test.ts`, in the same Chromium with pages
 *   served cross-origin isolated (COOP/COEP), where SharedArrayBuffer exists.
 *
 * Chromium is Debian's (`/usr/bin/chromium`), not a Playwright download: `.ci/run` installs it.
 * `--no-sandbox` is needed when running as root (CI containers); the other flags keep Chromium
 * from doing network/background work that slows start-up or hangs without network access.
 */

const BROWSER_TEST = "test/**/*.browser.test.ts";

/** Headless Debian Chromium through Playwright; a fresh object per project (vitest names its instances). */
const chromium = () => ({
  enabled: true,
  headless: true,
  provider: playwright({ launchOptions: { executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS } }),
  instances: [{ browser: "chromium" as const }],
});
/** Browser tests that need a cross-origin-isolated page (SharedArrayBuffer): their own project. */
const ISOLATED_TEST = "test/**/*.isolated.browser.test.ts";

export default defineConfig({
  test: {
    // Sane limits: a stuck test fails quickly instead of eating the CI budget.
    testTimeout: 20_000,
    hookTimeout: 30_000,
    teardownTimeout: 10_000,
    projects: [
      {
        extends: true,
        test: {
          name: "node",
          environment: "node",
          include: ["test/**/*.test.ts"],
          exclude: [...configDefaults.exclude, BROWSER_TEST],
        },
      },
      {
        // The DStream tests again with the kernels off: every batch of a built-in reducer or
        // countByValue must be the same through JS as through the WASM kernels.
        extends: true,
        test: {
          name: "node-js-kernels",
          environment: "node",
          include: ["test/dstream/**/*.test.ts", "test/smoke.test.ts", "test/engine/tagged-fold.test.ts"],
          exclude: [...configDefaults.exclude, BROWSER_TEST],
          env: { RIVULET_TEST_KERNELS: "js" },
        },
      },
      {
        extends: true,
        test: {
          name: "browser",
          include: [BROWSER_TEST],
          exclude: [...configDefaults.exclude, ISOLATED_TEST],
          // Server-sent events, NDJSON and WebSocket endpoints for the web sources' tests; a page
          // under a Content-Security-Policy that forbids compiling WebAssembly.
          globalSetup: ["test/support/web-source-server.ts", "test/support/csp-page-server.ts"],
          browser: chromium(),
        },
      },
      {
        // The same Chromium, its pages served with COOP/COEP so that they are cross-origin
        // isolated and have SharedArrayBuffer: the shared-memory transport of the workers.
        extends: true,
        server: {
          headers: {
            "Cross-Origin-Opener-Policy": "same-origin",
            "Cross-Origin-Embedder-Policy": "require-corp",
          },
        },
        test: {
          name: "browser-isolated",
          include: [ISOLATED_TEST],
          browser: chromium(),
        },
      },
    ],
  },
});
