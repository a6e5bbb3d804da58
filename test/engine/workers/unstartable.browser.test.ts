// In Chromium, a page whose kernel worker script is not served where it is looked for (a 404):
// the fused word count runs in the page instead, exact, after one warning naming the script.
import { afterEach, expect, it, vi } from "vitest";
import { ManualClock, Seconds, StreamingContext, words } from "../../../src/index.ts";

afterEach(() => {
  vi.restoreAllMocks();
});

it("a worker script that is not served: one warning, then every batch counted in the page, exact", async () => {
  const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
  const error = vi.spyOn(console, "error").mockImplementation(() => {});
  const clock = new ManualClock();
  const url = new URL("/no-such-directory/kernel-worker.js", location.href);
  const ssc = new StreamingContext({ batchInterval: Seconds(1), clock, parallelism: 2, kernels: "wasm", workers: { url } });
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  const got = new Map<number, [string, number][]>();
  ssc
    .textStream(new ReadableStream<Uint8Array>({ start: (c) => void (controller = c) }))
    .flatMap(words)
    .countByValue()
    .foreachRDD(async (b, time) => void got.set(time, (await b.collect()).sort(([a], [b]) => (a < b ? -1 : 1))));
  ssc.start();
  const line = "the quick brown fox jumps over the lazy dog\n";
  for (const copies of [4000, 5000]) {
    controller.enqueue(new TextEncoder().encode(line.repeat(copies))); // 176 KiB and more: two slices for the workers
    await clock.advance(1000);
  }
  await ssc.stop();
  const counts = (n: number): [string, number][] => [["brown", n], ["dog", n], ["fox", n], ["jumps", n], ["lazy", n], ["over", n], ["quick", n], ["the", 2 * n]];
  expect(got).toEqual(new Map([[1000, counts(4000)], [2000, counts(5000)]]));
  expect(warn).toHaveBeenCalledTimes(1);
  expect(String(warn.mock.calls[0]![0])).toContain(`no kernel worker could start (Error: kernel worker ${url.href} failed`);
  expect(error).not.toHaveBeenCalled();
});
