// How every test and benchmark starts Chromium: Debian's build, never a downloaded one, with the
// flags that keep it from reaching for the network (closed here) or needing a sandbox (root in CI).
export const CHROMIUM_PATH = "/usr/bin/chromium";

export const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];
