// binaryRecordsStream: the files of a directory cut into fixed-length records, under a ManualClock.
import { afterEach, describe, expect, it } from "vitest";
import { ManualClock, RivuletError, Seconds, StreamingContext, type StreamInputInfo } from "../../src/index.ts";
import { MemoryDirectory } from "./memory-directory.ts";

const contexts: StreamingContext[] = [];
afterEach(async () => {
  for (const ssc of contexts.splice(0)) await ssc.stop();
});

function run(dir: MemoryDirectory, recordLength: number) {
  const clock = new ManualClock();
  const ssc = new StreamingContext({ batchInterval: Seconds(1), clock, parallelism: 2, workers: false });
  contexts.push(ssc);
  const records = ssc.binaryRecordsStream(dir, recordLength);
  const out: [number, number[][]][] = [];
  const infos: StreamInputInfo[] = [];
  const errors: string[] = [];
  ssc.addStreamingListener({
    onBatchCompleted: (e) => void infos.push(e.batchInfo.streamIdToInputInfo.get(records.id)!),
    onReceiverError: (e) => void errors.push(e.receiverInfo.lastErrorMessage),
  });
  records.foreachRDD(async (b, t) => void out.push([t, (await b.collect()).map((r) => [...r])]));
  ssc.start();
  return { clock, out, infos, errors };
}

describe("binaryRecordsStream", () => {
  it("cuts each new file into records of recordLength bytes, files in name order, each in its batch", async () => {
    const dir = new MemoryDirectory().put("b.bin", new Uint8Array([5, 6, 7, 8]), 400).put("a.bin", new Uint8Array([1, 2, 3, 4, 9, 9]), 800);
    const r = run(dir, 2);
    await r.clock.advance(1000);
    dir.put("c.bin", new Uint8Array([10, 11]), 1200).put("d.bin", new Uint8Array([]), 1300);
    await r.clock.advance(1000);
    expect(r.out).toEqual([
      [1000, [[1, 2], [3, 4], [9, 9], [5, 6], [7, 8]]],
      [2000, [[10, 11]]],
    ]);
    expect(r.infos.map((i) => i.metadata["files"])).toEqual([2, 2]);
    expect(r.infos.map((i) => i.metadata["partialRecords"])).toEqual([0, 0]);
    expect(r.errors).toEqual([]);
  });

  it("drops, counts and reports the trailing bytes of a file that is not a whole number of records; the job goes on", async () => {
    const dir = new MemoryDirectory().put("odd.bin", new Uint8Array([1, 2, 3, 4, 5, 6, 7]), 500);
    const r = run(dir, 3);
    await r.clock.advance(1000);
    dir.put("even.bin", new Uint8Array([8, 9, 10]), 1500);
    await r.clock.advance(1000);
    expect(r.out).toEqual([
      [1000, [[1, 2, 3], [4, 5, 6]]],
      [2000, [[8, 9, 10]]],
    ]);
    expect(r.infos.map((i) => i.metadata["partialRecords"])).toEqual([1, 1]);
    expect(r.errors).toEqual([expect.stringContaining("odd.bin has 7 bytes, not a multiple of the record length 3")]);
  });

  it("refuses a record length that is not a positive integer", () => {
    const ssc = new StreamingContext({ batchInterval: Seconds(1), clock: new ManualClock(), workers: false });
    contexts.push(ssc);
    for (const length of [0, -1, 1.5, Number.NaN]) {
      expect(() => ssc.binaryRecordsStream(new MemoryDirectory(), length)).toThrow(RivuletError);
    }
  });
});
