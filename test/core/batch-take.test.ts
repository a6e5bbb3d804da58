// Batch.take as Spark's RDD.take (src/core/batch-actions.ts, Batch.partitionsAt, takePipeline):
// partitions scanned a few at a time and each only as far as needed, so that take, first,
// isEmpty, lookup and print run the batch's operators on little of a large batch.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Batch } from "../../src/core/batch.ts";
import { LocalExecutor } from "../../src/engine/local-executor.ts";

const executor = new LocalExecutor(2);
const range = (from: number, to: number): number[] => Array.from({ length: to - from }, (_, i) => from + i);

/** `parts` partitions of `size` records each: partition p holds p*size … p*size+size-1. */
function partitioned(parts: number, size: number): Batch<number> {
  return Batch.fromPartitions(
    Array.from({ length: parts }, (_, p) => range(p * size, p * size + size)),
    executor,
  );
}

/** A map that notes every record it sees. */
function noting(seen: number[]): (x: number) => number {
  return (x) => {
    seen.push(x);
    return x;
  };
}

describe("Batch.take scans as Spark's RDD.take", () => {
  it("runs a map over only the records it takes", async () => {
    const seen: number[] = [];
    const b = partitioned(8, 1000).map(noting(seen));
    expect(await b.take(3)).toEqual([0, 1, 2]);
    expect(seen).toEqual([0, 1, 2]);
  });

  it("takes nothing and computes nothing for take(0)", async () => {
    const seen: number[] = [];
    expect(await partitioned(4, 10).map(noting(seen)).take(0)).toEqual([]);
    expect(seen).toEqual([]);
  });

  it("scans one partition, then four times as many while none gave a record, each only as far as wanted", async () => {
    // Only partition 5 of 8 holds a record passing the filter. Spark's rounds: [0], [1..4], [5..7];
    // partitions 6 and 7 run in the last round too, each until its first match.
    const seen: number[] = [];
    const b = partitioned(8, 3)
      .map(noting(seen))
      .filter((x) => x >= 15);
    expect(await b.take(1)).toEqual([15]);
    expect(seen).toEqual([...range(0, 15), 15, 18, 21]);
  });

  it("estimates the partitions still needed from the records found, 50% over, capped at four times those scanned", async () => {
    // 10 partitions of 2: take(5) finds 2 in partition 0; left 3 → ceil(1.5 * 3 * 1 / 2) = 3
    // partitions more, each computed up to 3 records.
    const seen: number[] = [];
    expect(await partitioned(10, 2).map(noting(seen)).take(5)).toEqual([0, 1, 2, 3, 4]);
    expect(seen).toEqual(range(0, 8));
    // 10 partitions of 1 record: after one, left 9 → ceil(13.5) = 14 capped at 4.
    const one: number[] = [];
    expect(await partitioned(10, 1).map(noting(one)).take(10)).toEqual(range(0, 10));
    expect(one).toEqual(range(0, 10));
  });

  it("stops a flatMap's output where the records taken end, and never calls the next operator beyond", async () => {
    const seen: number[] = [];
    const b = partitioned(2, 2)
      .flatMap((x) => [x, x, x])
      .map(noting(seen));
    expect(await b.take(4)).toEqual([0, 0, 0, 1]);
    expect(seen).toEqual([0, 0, 0, 1]);
  });

  it("pulls a partition operator's iterator only as far as it takes, and closes it", async () => {
    let pulled = 0;
    let closed = false;
    const b = partitioned(2, 100).mapPartitions(function* (records) {
      try {
        for (const r of records) {
          pulled++;
          yield r * 10;
        }
      } finally {
        closed = true;
      }
    });
    expect(await b.take(2)).toEqual([0, 10]);
    expect(pulled).toBe(2);
    expect(closed).toBe(true);
  });

  it("computes a later partition's error only if the scan reaches it, as Spark", async () => {
    const b = partitioned(4, 5).map((x) => {
      if (x === 12) throw new Error("bad record");
      return x;
    });
    expect(await b.take(5)).toEqual([0, 1, 2, 3, 4]);
    await expect(b.take(13)).rejects.toThrow("bad record");
  });

  it("gives the same records as collect for every count, over uneven and empty partitions", async () => {
    const b = Batch.fromPartitions([[], [1, 2, 3], [], [], [4], [], [5, 6, 7, 8], [9]], executor).filter((x) => x % 3 !== 0);
    const all = await b.collect();
    for (let n = 0; n <= all.length + 2; n++) expect(await b.take(n)).toEqual(all.slice(0, n));
  });

  it("gives collect's first n records for any chain of narrow operators over any partitions", async () => {
    type Step = (b: Batch<number>) => Batch<number>;
    const steps: Record<string, Step> = {
      map: (b) => b.map((x) => x * 3 + 1),
      filter: (b) => b.filter((x) => x % 2 === 0),
      flatMap: (b) => b.flatMap((x) => (x % 3 === 0 ? [] : [x, -x])),
      partitionArray: (b) => b.mapPartitions((r, i) => [i, ...r]),
      partitionIterator: (b) =>
        b.mapPartitions(function* (r) {
          for (const x of r) if (x % 5 !== 0) yield x;
        }),
    };
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(fc.integer({ min: -50, max: 50 }), { maxLength: 6 }), { maxLength: 9 }),
        fc.array(fc.constantFrom(...Object.keys(steps)), { maxLength: 4 }),
        fc.nat({ max: 40 }),
        async (parts, chain, n) => {
          const b = chain.reduce((acc, name) => steps[name]!(acc), Batch.fromPartitions(parts, executor));
          expect(await b.take(n)).toEqual((await b.collect()).slice(0, n));
          expect(await b.isEmpty()).toBe((await b.count()) === 0);
        },
      ),
    );
  });

  it("reads a cached batch's kept records, computing it once", async () => {
    const seen: number[] = [];
    const b = partitioned(3, 4).map(noting(seen)).cache();
    expect(await b.take(2)).toEqual([0, 1]);
    expect(await b.collect()).toEqual(range(0, 12));
    expect(seen).toEqual(range(0, 12));
  });
});

describe("first, isEmpty and lookup scan as take does", () => {
  it("first and isEmpty compute one record of a non-empty first partition", async () => {
    const seen: number[] = [];
    const b = partitioned(4, 50).map(noting(seen));
    expect(await b.first()).toBe(0);
    expect(await b.isEmpty()).toBe(false);
    expect(seen).toEqual([0, 0]);
  });

  it("isEmpty is true for a batch of no partitions and for one whose records are all filtered out", async () => {
    expect(await Batch.fromPartitions<number>([], executor).isEmpty()).toBe(true);
    expect(await partitioned(6, 3).filter(() => false).isEmpty()).toBe(true);
  });

  it("lookup on a hash-partitioned batch runs its narrow operators on the key's partition only", async () => {
    const pairs = Batch.fromPartitions<[string, number]>(
      [
        [
          ["a", 1],
          ["b", 2],
          ["c", 3],
        ],
        [
          ["d", 4],
          ["a", 5],
        ],
      ],
      executor,
    ).reduceByKey((x, y) => x + y, 4);
    const seen: string[] = [];
    const mapped = pairs.mapValues((v) => v * 10);
    const noted = mapped.mapPartitions((records) => {
      for (const [k] of records) seen.push(k);
      return records;
    }, true);
    expect(await noted.lookup("a")).toEqual([60]);
    const looked = seen.splice(0).sort();
    // Only the partition holding "a": the keys seen are those that share it.
    const shared = (await mapped.glom().collect()).find((p) => p.some(([k]) => k === "a"))!.map(([k]) => k);
    expect(looked).toEqual(shared.sort());
    expect(looked.length).toBeLessThan(4);
    expect(await noted.lookup("zz")).toEqual([]);
  });
});
