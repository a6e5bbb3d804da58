// fileStream(directory, read): Spark's fileStream with an InputFormat, the files of a directory
// made into records by a function of their bytes, under a ManualClock.
import { afterEach, describe, expect, it } from "vitest";
import { ManualClock, RivuletError, Seconds, StreamingContext, type StreamInputInfo } from "../../src/index.ts";
import { MemoryDirectory } from "./memory-directory.ts";

const contexts: StreamingContext[] = [];
afterEach(async () => {
  for (const ssc of contexts.splice(0)) await ssc.stop();
});

const enc = new TextEncoder();
const dec = new TextDecoder();

function run<T>(dir: MemoryDirectory, read: (bytes: Uint8Array, name: string) => Iterable<T>) {
  const clock = new ManualClock();
  const ssc = new StreamingContext({ batchInterval: Seconds(1), clock, parallelism: 2, workers: false });
  contexts.push(ssc);
  const records = ssc.fileStream(dir, read);
  const out: [number, T[]][] = [];
  const infos: StreamInputInfo[] = [];
  const errors: { message: string; error: unknown }[] = [];
  ssc.addStreamingListener({
    onBatchCompleted: (e) => void infos.push(e.batchInfo.streamIdToInputInfo.get(records.id)!),
    onReceiverError: (e) => void errors.push({ message: e.receiverInfo.lastErrorMessage, error: e.receiverInfo.lastError }),
  });
  records.foreachRDD(async (b, t) => void out.push([t, await b.collect()]));
  ssc.start();
  return { clock, out, infos, errors, records };
}

describe("fileStream(directory, read)", () => {
  it("makes each new file's records with read(bytes, name), files in name order, each in its batch", async () => {
    const dir = new MemoryDirectory()
      .put("b.json", enc.encode('[{"id":3}]'), 400)
      .put("a.json", enc.encode('[{"id":1},{"id":2,"__proto__":"data"}]'), 800);
    const r = run(dir, (bytes, name) => (JSON.parse(dec.decode(bytes)) as object[]).map((o) => ({ file: name, ...o })));
    await r.clock.advance(1000);
    dir.put("c.json", enc.encode("[]"), 1200);
    await r.clock.advance(1000);
    expect(r.out).toEqual([
      [1000, [{ file: "a.json", id: 1 }, { file: "a.json", id: 2, ["__proto__"]: "data" }, { file: "b.json", id: 3 }]],
      [2000, []],
    ]);
    expect(r.infos.map((i) => i.metadata["files"])).toEqual([2, 1]);
    expect(r.infos.map((i) => i.metadata["unreadableRecords"])).toEqual([0, 0]);
    expect(r.errors).toEqual([]);
  });

  it("takes any iterable, a generator too", async () => {
    const dir = new MemoryDirectory().put("n.bin", new Uint8Array([1, 2, 3]), 500);
    const r = run(dir, function* (bytes) {
      for (const b of bytes) yield b * 10;
    });
    await r.clock.advance(1000);
    expect(r.out).toEqual([[1000, [10, 20, 30]]]);
    expect(r.infos[0]!.name).toBe("fileStream");
  });

  it("drops, counts and reports a file read throws on, with the error; the other files and the job go on", async () => {
    const dir = new MemoryDirectory().put("bad.json", enc.encode("{not json"), 300).put("good.json", enc.encode("[1]"), 600);
    const r = run(dir, (bytes) => JSON.parse(dec.decode(bytes)) as number[]);
    await r.clock.advance(1000);
    dir.put("more.json", enc.encode("[2, 3]"), 1500).put("worse.json", enc.encode("7"), 1500);
    await r.clock.advance(1000);
    expect(r.out).toEqual([
      [1000, [1]],
      [2000, [2, 3]],
    ]);
    expect(r.infos.map((i) => i.metadata["unreadableRecords"])).toEqual([1, 2]);
    expect(r.errors.map((e) => e.message)).toEqual([
      expect.stringMatching(/^fileStream: reading bad\.json failed \(.*JSON.*\); its records are dropped and counted in unreadableRecords$/),
      expect.stringMatching(/^fileStream: reading worse\.json failed \(.*not iterable.*\)/),
    ]);
    expect(r.errors[0]!.error).toBeInstanceOf(SyntaxError);
  });

  it("refuses a read that is not a function", () => {
    const ssc = new StreamingContext({ batchInterval: Seconds(1), clock: new ManualClock(), workers: false });
    contexts.push(ssc);
    expect(() => ssc.fileStream(new MemoryDirectory(), "json" as unknown as (b: Uint8Array) => number[])).toThrow(RivuletError);
  });
});
