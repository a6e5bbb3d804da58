// The WHATWG streams outputs against Chromium's own streams: a word count written through a
// TextEncoderStream into an OPFS file (`FileSystemWritableFileStream`, which only becomes the
// file's content once closed, so the close on stop() is what makes the file), and read back as a
// ReadableStream piped through the browser's own transform streams.
import { afterEach, describe, expect, it } from "vitest";
import { ManualClock, Seconds, StreamingContext, sum, words } from "../../src/index.ts";

const contexts: StreamingContext[] = [];
afterEach(async () => {
  for (const ssc of contexts.splice(0)) await ssc.stop();
});

function newContext(): { ssc: StreamingContext; clock: ManualClock } {
  const clock = new ManualClock();
  const ssc = new StreamingContext({ batchInterval: Seconds(1), clock, parallelism: 2, workers: false });
  contexts.push(ssc);
  return { ssc, clock };
}

describe("outputs as web streams in Chromium", () => {
  it("writes a word count into an OPFS file through a TextEncoderStream; the file is whole once the context stops", async () => {
    const root = await navigator.storage.getDirectory();
    const name = `rivulet-write-to-${Date.now()}.tsv`;
    const handle = await root.getFileHandle(name, { create: true });
    const encoder = new TextEncoderStream();
    const piping = encoder.readable.pipeTo(await handle.createWritable());
    try {
      const { ssc, clock } = newContext();
      ssc
        .queueStream<string>([["to be or", "not to be"], ["be quick"]])
        .flatMap(words)
        .map((w) => [w, 1] as const)
        .reduceByKey(sum)
        .transform((b) => b.sortBy(([w]) => w))
        .map(([w, n]) => `${w}\t${n}\n`)
        .writeTo(encoder.writable);
      ssc.start();
      await clock.advance(2000);
      await ssc.stop();
      await piping;
      const text = await (await handle.getFile()).text();
      expect(text).toBe("be\t2\nnot\t1\nor\t1\nto\t2\nbe\t1\nquick\t1\n");
    } finally {
      await root.removeEntry(name);
    }
  });

  it("reads batches as a ReadableStream through a TransformStream of the page", async () => {
    const { ssc, clock } = newContext();
    const sizes = ssc
      .queueStream<number>([[1, 2, 3], [], [4]])
      .toReadableStream({ chunks: "batches" })
      .pipeThrough(new TransformStream<{ time: number; records: number[] }, string>({ transform: (b, c) => c.enqueue(`${b.time}:${b.records.length}`) }));
    const seen: string[] = [];
    const reading = (async () => {
      for await (const s of sizes) seen.push(s);
    })();
    ssc.start();
    await clock.advance(3000);
    await ssc.stop();
    await reading;
    expect(seen).toEqual(["1000:3", "2000:0", "3000:1"]);
  });
});
