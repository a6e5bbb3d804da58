// The core runs in a real browser: a word count over a byte stream, under a manual clock.
import { expect, it } from "vitest";
import { ManualClock, Seconds, StreamingContext, sum } from "../../src/index.ts";

it("counts words from a UTF-8 byte stream in Chromium", async () => {
  expect(typeof window).toBe("object");
  const clock = new ManualClock();
  const ssc = new StreamingContext({ batchInterval: Seconds(1), clock, parallelism: 2 });
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  const stream = new ReadableStream<Uint8Array>({ start: (c) => void (controller = c) });
  const out: [number, [string, number][]][] = [];
  ssc
    .textStream(stream)
    .flatMap((l) => l.split(" "))
    .map((w) => [w, 1] as const)
    .reduceByKey(sum)
    .foreachRDD(async (b, t) => {
      out.push([t, (await b.collect()).sort()]);
    });
  ssc.start();
  const bytes = new TextEncoder().encode("größe b\nb ");
  controller.enqueue(bytes.subarray(0, 3)); // cuts the "ö" in half
  controller.enqueue(bytes.subarray(3));
  await clock.advance(1000);
  controller.enqueue(new TextEncoder().encode("c\n"));
  controller.close();
  await clock.advance(1000);
  await ssc.stop();
  expect(out).toEqual([
    [1000, [["b", 1], ["größe", 1]]],
    [2000, [["b", 1], ["c", 1]]],
  ]);
});
