// Operators of src/core/batch-layout.ts not covered by batch-transforms.test.ts (coalesce,
// zipWithIndex): zipWithUniqueId and zip.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Batch } from "../../src/core/batch.ts";
import { RivuletError } from "../../src/core/errors.ts";
import { LocalExecutor } from "../../src/engine/local-executor.ts";

const executor = new LocalExecutor(2);
const parts = <T>(...partitions: T[][]): Batch<T> => Batch.fromPartitions(partitions, executor);

describe("Batch.zipWithUniqueId", () => {
  it("gives the k-th record of partition p the id k * numPartitions + p", async () => {
    const batch = parts(["a", "b", "c"], [], ["d"], ["e", "f"]);
    const out = batch.zipWithUniqueId();
    expect(out.numPartitions).toBe(4);
    expect(await out.partitions()).toEqual([
      [["a", 0], ["b", 4], ["c", 8]],
      [],
      [["d", 2]],
      [["e", 3], ["f", 7]],
    ]);
  });

  it("gives distinct ids, in partition order, keeping the records (property)", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.array(fc.integer(), { maxLength: 10 }), { minLength: 1, maxLength: 5 }), async (ps) => {
        const out = await parts(...ps).zipWithUniqueId().partitions();
        expect(out.map((p) => p.map(([r]) => r))).toEqual(ps);
        const ids = out.flat().map(([, id]) => id);
        expect(new Set(ids).size).toBe(ids.length);
        out.forEach((p, i) => p.forEach(([, id], k) => expect(id).toBe(k * ps.length + i)));
      }),
    );
  });
});

describe("Batch.zip", () => {
  it("pairs records partition by partition, position by position", async () => {
    const a = parts([1, 2], [], [3]);
    const b = parts(["x", "y"], [], ["z"]);
    const zipped = a.zip(b);
    expect(zipped.numPartitions).toBe(3);
    expect(await zipped.partitions()).toEqual([[[1, "x"], [2, "y"]], [], [[3, "z"]]]);
    expect(await a.zip(a.map((x) => x * 10)).collect()).toEqual([[1, 10], [2, 20], [3, 30]]);
  });

  it("refuses batches of different partition counts at once, as Spark", () => {
    let error: unknown;
    try {
      parts([1], [2]).zip(parts([1, 2]));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(RivuletError);
    expect((error as RivuletError).code).toBe("INVALID_ARGUMENT");
    expect(String(error)).toMatch(/unequal numbers of partitions: 2, 1/);
  });

  it("rejects its actions when a partition's record counts differ, as Spark", async () => {
    const zipped = parts([1, 2], [3]).zip(parts(["x"], ["y", "z"]));
    const error = await zipped.collect().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(RivuletError);
    expect((error as RivuletError).code).toBe("INVALID_ARGUMENT");
    expect(String(error)).toMatch(/same number of records in each partition: partition 0 has 2 and 1/);
  });

  it("zips batches of no partition into one of none", async () => {
    const none = Batch.fromPartitions<number>([], executor);
    expect(await none.zip(none).collect()).toEqual([]);
  });
});
