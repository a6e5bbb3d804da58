// saveAsTextFiles and saveAsObjectFiles in a page: the default sink writes into the origin private
// file system, and textFileStream reads the files back from its directory handle.
import { afterEach, expect, it, vi } from "vitest";
import { ManualClock, RivuletError, Seconds, StreamingContext } from "../../src/index.ts";

const made: string[] = [];
afterEach(async () => {
  await StreamingContext.getActive()?.stop();
  const root = await navigator.storage.getDirectory();
  for (const name of made.splice(0)) await root.removeEntry(name, { recursive: true });
  vi.restoreAllMocks();
});

async function readFile(dir: FileSystemDirectoryHandle, ...names: string[]): Promise<string> {
  for (const name of names.slice(0, -1)) dir = await dir.getDirectoryHandle(name);
  return (await (await dir.getFileHandle(names.at(-1)!)).getFile()).text();
}

it("writes each batch to the origin private file system, making the path's folders", async () => {
  const top = `sink-${Math.random().toString(36).slice(2)}`;
  made.push(top);
  const clock = new ManualClock();
  const ssc = new StreamingContext({ batchInterval: Seconds(1), clock, parallelism: 2 });
  const words = ssc.queueStream<string>([["a", "b", "a"], ["東京"]]);
  words.countByValue().saveAsTextFiles(`${top}/counts/batch`, "txt");
  words.saveAsObjectFiles(`./${top}/objects`);
  ssc.start();
  await clock.advance(2000);
  await ssc.stop();

  const root = await navigator.storage.getDirectory();
  expect((await readFile(root, top, "counts", "batch-1000.txt")).split("\n").sort()).toEqual(["", "(a,2)", "(b,1)"]);
  expect(await readFile(root, top, "counts", "batch-2000.txt")).toBe("(東京,1)\n");
  expect(await readFile(root, top, "objects-1000")).toBe('"a"\n"b"\n"a"\n');

  // What one context saved, another reads back as a file stream of the same directory.
  // (on a clock at the time the files were written: a file stream takes files by modification time)
  const dir = await (await root.getDirectoryHandle(top)).getDirectoryHandle("counts");
  const written = (await (await dir.getFileHandle("batch-2000.txt")).getFile()).lastModified;
  const clock2 = new ManualClock(written);
  const reader = new StreamingContext({ batchInterval: Seconds(1), clock: clock2, parallelism: 1 });
  const lines: string[] = [];
  reader.textFileStream(dir, { newFilesOnly: false }).foreachRDD(async (b) => void lines.push(...(await b.collect())));
  reader.start();
  await clock2.advance(1000);
  await reader.stop();
  expect(lines.sort()).toEqual(["(a,2)", "(b,1)", "(東京,1)"]);
});

it("fails the batch's output with a clear error for a path above the root", async () => {
  vi.spyOn(console, "error").mockImplementation(() => undefined);
  const clock = new ManualClock();
  const ssc = new StreamingContext({ batchInterval: Seconds(1), clock, parallelism: 1 });
  ssc.queueStream<string>([["a"]]).saveAsTextFiles("../outside");
  ssc.start();
  await clock.advance(1000);
  const failure = await ssc.awaitTermination().catch((e: unknown) => e);
  expect(failure).toBeInstanceOf(RivuletError);
  expect((failure as RivuletError).message).toMatch(/nothing above its root/);
});
