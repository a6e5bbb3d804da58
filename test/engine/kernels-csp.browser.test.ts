// The kernels under a Content-Security-Policy without 'wasm-unsafe-eval', in real Chromium: a page
// of another origin (test/support/csp-page-server.ts) runs a word count and a reduceByKey(sum)
// with kernels "auto" and "wasm" and posts what happened.
import { expect, inject, it } from "vitest";
import { words } from "../../src/index.ts";
import { PAIRS, TEXT } from "../fixtures/csp/input.ts";

interface Run {
  counts: [string, number][];
  sums: [string, number][];
  failure: { name?: string; code?: string; message: string; cause?: string } | undefined;
}
interface Result {
  probe: string;
  auto: Run;
  autoWarnings: string[];
  wasm: Run;
}

function tally(pairs: Iterable<readonly [string, number]>): [string, number][] {
  const m = new Map<string, number>();
  for (const [k, v] of pairs) m.set(k, (m.get(k) ?? 0) + v);
  return [...m].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

function openPage(url: string): Promise<Result> {
  return new Promise((resolve, reject) => {
    const frame = document.createElement("iframe");
    const onMessage = (e: MessageEvent) => {
      if ((e.data as { type?: string } | null)?.type !== "csp-result") return;
      window.removeEventListener("message", onMessage);
      frame.remove();
      resolve(e.data as Result);
    };
    window.addEventListener("message", onMessage);
    frame.onerror = () => reject(new Error(`could not load ${url}`));
    frame.src = url;
    document.body.append(frame);
  });
}

it("falls back to the JS paths with kernels 'auto', and says why; fails batches with a clear error with kernels 'wasm'", async () => {
  const result = await openPage(inject("cspPage"));
  // The policy is in force: the page cannot compile even the smallest module.
  expect(result.probe).toMatch(/CompileError/);

  const expectedCounts = tally(TEXT.split("\n").flatMap(words).map((w) => [w, 1] as const));
  const expectedSums = tally(PAIRS);
  expect(result.auto.failure).toBeUndefined();
  expect(tally(result.auto.counts)).toEqual(expectedCounts);
  expect(tally(result.auto.sums)).toEqual(expectedSums);
  expect(result.auto.counts.find(([w]) => w === "__proto__")).toEqual(["__proto__", 50]);
  expect(result.autoWarnings).toHaveLength(1); // once per engine, not per batch or per operator
  expect(result.autoWarnings[0]).toMatch(/WebAssembly kernels cannot be loaded here \(CompileError: .*\).*'wasm-unsafe-eval'/);

  expect(result.wasm.counts).toEqual([]);
  expect(result.wasm.sums).toEqual([]);
  expect(result.wasm.failure).toMatchObject({ name: "RivuletError", code: "UNSUPPORTED" });
  expect(result.wasm.failure!.message).toMatch(/^kernels: "wasm" requires the WebAssembly kernels, which cannot be loaded here: CompileError: /);
  expect(result.wasm.failure!.cause).toMatch(/CompileError/);
});
