// The RDD actions of a batch beyond collect/count/take (src/core/batch-actions.ts): first, reduce,
// fold, aggregate, top, takeOrdered, min, max, sum, mean, countByKey, countByValue,
// reduceByKeyLocally, collectAsMap, lookup, foreach, foreachPartition.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Batch } from "../../src/core/batch.ts";
import { RivuletError } from "../../src/core/errors.ts";
import type { Pair } from "../../src/core/executor.ts";
import { naturalOrder } from "../../src/core/order.ts";
import { HashPartitioner } from "../../src/core/partitioner.ts";
import { sum } from "../../src/core/reducers.ts";
import { LocalExecutor } from "../../src/engine/local-executor.ts";

const executor = new LocalExecutor(2);
const of = <T>(records: readonly T[], n = 2): Batch<T> => Batch.fromRecords(records, n, executor);
const parts = <T>(...partitions: T[][]): Batch<T> => Batch.fromPartitions(partitions, executor);
const none = <T>(n = 3): Batch<T> => Batch.fromPartitions<T>(Array.from({ length: n }, () => []), executor);

/** The rejection of `p`, which must be a RivuletError with `code`. */
async function rejection(p: Promise<unknown>, code: string): Promise<RivuletError> {
  const error = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(RivuletError);
  expect((error as RivuletError).code).toBe(code);
  return error as RivuletError;
}

/** Partition sizes cutting `records` into consecutive partitions (some empty). */
const partitioned = <T>(records: fc.Arbitrary<T[]>): fc.Arbitrary<T[][]> =>
  records.chain((rs) =>
    fc.array(fc.integer({ min: 0, max: rs.length }), { maxLength: 4 }).map((cuts) => {
      const at = [0, ...cuts.sort((a, b) => a - b), rs.length];
      return at.slice(1).map((end, i) => rs.slice(at[i], end));
    }),
  );

describe("Batch.first", () => {
  it("gives the first record in partition order, past empty partitions", async () => {
    expect(await parts<number>([], [7, 8], [9]).first()).toBe(7);
    expect(await of(["only"], 1).first()).toBe("only");
    // A record that is undefined is still a record.
    expect(await parts<undefined>([], [undefined]).first()).toBeUndefined();
  });

  it("throws ILLEGAL_STATE on an empty batch, as Spark", async () => {
    const error = await rejection(none<number>().first(), "ILLEGAL_STATE");
    expect(error.message).toBe("first() of an empty batch");
    await rejection(of([1, 2]).filter(() => false).first(), "ILLEGAL_STATE");
  });
});

describe("Batch.reduce", () => {
  it("reduces each partition, then the partitions' results in partition order", async () => {
    const b = parts(["a", "b"], [], ["c", "d"], ["e"]);
    expect(await b.reduce((x, y) => `(${x}${y})`)).toBe("(((ab)(cd))e)");
    expect(await of([1, 2, 3, 4, 5], 3).reduce((x, y) => x + y)).toBe(15);
    expect(await of([1, 2, 3, 4, 5], 3).reduce(sum)).toBe(15);
  });

  it("gives a single record without calling fn", async () => {
    let calls = 0;
    expect(await parts([], [42], []).reduce((x) => (calls++, x))).toBe(42);
    expect(calls).toBe(0);
  });

  it("throws ILLEGAL_STATE on an empty batch, pointing at fold", async () => {
    const error = await rejection(none<number>().reduce((x, y) => x + y), "ILLEGAL_STATE");
    expect(error.message).toMatch(/^reduce\(\) of an empty batch/);
    expect(error.message).toMatch(/fold/);
  });
});

describe("Batch.fold", () => {
  it("starts every partition, empty ones too, and the merge from zero (Spark's fold)", async () => {
    // 1 + (1 + 1 + 2) + (1 + 3) + (1) = 10
    expect(await parts([1, 2], [3], []).fold(1, (a, b) => a + b)).toBe(10);
    expect(await parts(["a", "b"], [], ["c"]).fold("", (a, b) => a + b)).toBe("abc");
    expect(await parts(["a", "b"], [], ["c"]).fold("z", (a, b) => a + b)).toBe("zzabzzc");
  });

  it("gives zero for an empty batch with no partition, zero folded per partition otherwise", async () => {
    expect(await Batch.fromPartitions<number>([], executor).fold(0, (a, b) => a + b)).toBe(0);
    expect(await none<number>(3).fold(0, (a, b) => a + b)).toBe(0);
    expect(await none<number>(3).fold(1, (a, b) => a + b)).toBe(4);
  });
});

describe("Batch.aggregate", () => {
  it("folds partitions with seqOp and merges with combOp, each from zero", async () => {
    const zero = Object.freeze([0, 0] as const);
    const b = parts([1, 2], [], [3, 4, 5]);
    const [total, count] = await b.aggregate<readonly [number, number]>(
      zero,
      ([s, n], x) => [s + x, n + 1],
      ([s1, n1], [s2, n2]) => [s1 + s2, n1 + n2],
    );
    expect([total, count]).toEqual([15, 5]);
    expect(zero).toEqual([0, 0]);
    expect(await none<number>().aggregate("zero", (a) => a, (a) => a)).toBe("zero");
  });

  it("merges partition results in partition order", async () => {
    const seen = await parts([1], [2, 3], [4]).aggregate<string[]>(
      [],
      (acc, x) => [...acc, String(x)],
      (a, b) => [...a, b.join("+")],
    );
    expect(seen).toEqual(["1", "2+3", "4"]);
  });
});

describe("Batch.top and Batch.takeOrdered", () => {
  const b = parts([5, 1, 9], [3, 9, 2], [], [7]);

  it("give the n largest (largest first) and the n smallest (smallest first)", async () => {
    expect(await b.top(3)).toEqual([9, 9, 7]);
    expect(await b.takeOrdered(3)).toEqual([1, 2, 3]);
    expect(await b.top(1)).toEqual([9]);
    expect(await b.takeOrdered(1)).toEqual([1]);
  });

  it("give [] for n = 0 or an empty batch, and everything, ordered, for n past the count", async () => {
    expect(await b.top(0)).toEqual([]);
    expect(await b.takeOrdered(0)).toEqual([]);
    expect(await none<number>().top(3)).toEqual([]);
    expect(await none<number>().takeOrdered(3)).toEqual([]);
    expect(await b.top(100)).toEqual([9, 9, 7, 5, 3, 2, 1]);
    expect(await b.takeOrdered(100)).toEqual([1, 2, 3, 5, 7, 9, 9]);
  });

  it("order strings by code unit, tuples element by element", async () => {
    const s = of(["b", "B", "a", "é", "__proto__", "constructor", ""], 3);
    expect(await s.takeOrdered(7)).toEqual(["", "B", "__proto__", "a", "b", "constructor", "é"]);
    expect(await s.top(2)).toEqual(["é", "constructor"]);
    const t = of<[number, string]>([[1, "b"], [1, "a"], [0, "z"], [1, "a"]], 2);
    expect(await t.takeOrdered(2)).toEqual([[0, "z"], [1, "a"]]);
    expect(await t.top(2)).toEqual([[1, "b"], [1, "a"]]);
  });

  it("put NaN above every number and -0 level with 0 (ties in batch order)", async () => {
    const n = parts([NaN, 1], [-0, Infinity], [0, -Infinity]);
    const asc = await n.takeOrdered(6);
    expect(asc).toEqual([-Infinity, -0, 0, 1, Infinity, NaN]);
    expect(Object.is(asc[1], -0)).toBe(true);
    const desc = await n.top(6);
    expect(desc).toEqual([NaN, Infinity, 1, -0, 0, -Infinity]);
    expect(Object.is(desc[3], -0)).toBe(true);
  });

  it("take a comparator for any record type; ties keep their batch order", async () => {
    const people = parts([{ name: "a", age: 30 }, { name: "b", age: 20 }], [{ name: "c", age: 30 }, { name: "d", age: 20 }]);
    const byAge = (x: { age: number }, y: { age: number }) => x.age - y.age;
    expect((await people.takeOrdered(3, byAge)).map((p) => p.name)).toEqual(["b", "d", "a"]);
    expect((await people.top(3, byAge)).map((p) => p.name)).toEqual(["a", "c", "b"]);
    // @ts-expect-error objects have no natural order: a comparator is required
    const unordered = () => people.top(1);
    expect(typeof unordered).toBe("function");
  });

  it("keep only n candidates on a large batch, with the same result as a full sort", async () => {
    const records = Array.from({ length: 5000 }, (_, i) => (i * 7919) % 1000);
    const big = of(records, 4);
    const sortedUp = records.slice().sort((x, y) => x - y);
    expect(await big.takeOrdered(5)).toEqual(sortedUp.slice(0, 5));
    expect(await big.top(5)).toEqual(sortedUp.slice(-5).reverse());
    let calls = 0;
    await big.takeOrdered(3, (x, y) => (calls++, x - y));
    // A heap of 3: about two comparisons per record, not the N log N of a sort.
    expect(calls).toBeLessThan(3 * records.length);
  });

  it("refuse a count that is not a non-negative integer", async () => {
    await rejection(b.top(-1), "INVALID_ARGUMENT");
    await rejection(b.takeOrdered(1.5), "INVALID_ARGUMENT");
    await rejection(b.takeOrdered(NaN), "INVALID_ARGUMENT");
  });

  it("equal the first n of a stable sort (property)", async () => {
    // A comparator with many ties (by value mod 5) checks that ties keep their batch order.
    const byMod = (x: number, y: number) => (x % 5) - (y % 5);
    await fc.assert(
      fc.asyncProperty(partitioned(fc.array(fc.integer({ min: -50, max: 50 }), { maxLength: 200 })), fc.nat(220), async (ps, n) => {
        const batch = Batch.fromPartitions(ps, executor);
        const all = ps.flat();
        expect(await batch.takeOrdered(n)).toEqual(all.slice().sort(naturalOrder).slice(0, n));
        expect(await batch.top(n)).toEqual(all.slice().sort((x, y) => y - x).slice(0, n));
        expect(await batch.takeOrdered(n, byMod)).toEqual(all.slice().sort(byMod).slice(0, n));
        expect(await batch.top(n, byMod)).toEqual(all.slice().sort((x, y) => byMod(y, x)).slice(0, n));
      }),
      { numRuns: 200 },
    );
  });
});

describe("Batch.min and Batch.max", () => {
  it("give the smallest and largest record", async () => {
    const b = parts([3, 1], [], [4, 1, 5]);
    expect(await b.min()).toBe(1);
    expect(await b.max()).toBe(5);
    expect(await of(["pear", "Apple", "apple"]).min()).toBe("Apple");
    expect(await of(["pear", "Apple", "apple"]).max()).toBe("pear");
    expect(await of<[number, string]>([[1, "b"], [2, "a"], [1, "c"]]).max()).toEqual([2, "a"]);
  });

  it("give the first of ties, and order NaN above every number", async () => {
    const a = { k: 1, id: "a" };
    const b = { k: 1, id: "b" };
    const byK = (x: { k: number }, y: { k: number }) => x.k - y.k;
    expect(await parts([a], [b]).min(byK)).toBe(a);
    expect(await parts([a], [b]).max(byK)).toBe(a);
    expect(await of([1, NaN, -1]).max()).toBeNaN();
    expect(await of([1, NaN, -1]).min()).toBe(-1);
    expect(Object.is(await of([-0, 0]).min(), -0)).toBe(true);
    expect(Object.is(await of([0, -0]).max(), 0)).toBe(true);
  });

  it("throw ILLEGAL_STATE on an empty batch", async () => {
    expect((await rejection(none<number>().min(), "ILLEGAL_STATE")).message).toBe("min() of an empty batch");
    expect((await rejection(none<number>().max(), "ILLEGAL_STATE")).message).toBe("max() of an empty batch");
  });
});

describe("Batch.sum and Batch.mean", () => {
  it("sum per partition then across partitions; mean is sum / count", async () => {
    expect(await parts([1, 2], [], [3, 4]).sum()).toBe(10);
    expect(await parts([1, 2], [], [3, 4]).mean()).toBe(2.5);
    // Spark's order of additions: (0.1 + 0.2) + 0.3, not 0.1 + (0.2 + 0.3).
    expect(await parts([0.1, 0.2], [0.3]).sum()).toBe(0.1 + 0.2 + 0.3);
    expect(await parts([0.1], [0.2, 0.3]).sum()).toBe(0.1 + (0.2 + 0.3));
  });

  it("give 0 for an empty batch, as Spark's fold and StatCounter", async () => {
    // Spark's mean is stats().mean, and StatCounter's mean starts at 0 (only its variance is NaN
    // without values).
    expect(await none<number>().sum()).toBe(0);
    expect(await none<number>().mean()).toBe(0);
  });

  it("mean keeps a running mean, as Spark's StatCounter, when the sum overflows", async () => {
    const max = Number.MAX_VALUE;
    expect(await of([max, max], 1).mean()).toBe(max);
    expect(await parts([max, max], [max]).mean()).toBe(max);
    // Partitions overflowing both ways make the sum NaN; the mean is still finite.
    expect(await parts([max, max], [-max, -max], [max, 0]).mean()).toBeCloseTo(max / 6, -300);
    expect(await parts([max, max, -max]).mean()).toBeCloseTo(max / 3, -300);
    // Integer means stay exact, and an infinite record gives the sum's answer.
    expect(await parts([2 ** 53 - 1, 1], [3]).mean()).toBe((2 ** 53 + 3) / 3);
    expect(await parts([Infinity, 1]).mean()).toBe(Infinity);
    expect(await parts([Infinity], [-Infinity]).mean()).toBeNaN();
  });

  it("compute the batch once", async () => {
    let calls = 0;
    const b = of([1, 2, 3]).map((x) => (calls++, x));
    expect(await b.mean()).toBe(2);
    expect(calls).toBe(3);
  });

  it("exist only on batches of numbers", () => {
    // @ts-expect-error sum() needs a Batch<number>
    const strings = () => of(["a"]).sum();
    // @ts-expect-error mean() needs a Batch<number>
    const pairs = () => of([["a", 1] as const]).mean();
    expect([typeof strings, typeof pairs]).toEqual(["function", "function"]);
  });
});

describe("Batch.countByKey", () => {
  it("counts the records of each key, keys in order of first appearance", async () => {
    const b = parts<Pair<string, number>>([["a", 1], ["b", 2]], [], [["a", 3], ["c", 4], ["a", 5]]);
    expect([...(await b.countByKey())]).toEqual([["a", 3], ["b", 1], ["c", 1]]);
    expect((await none<Pair<string, number>>().countByKey()).size).toBe(0);
  });

  it("follows the key rules: NaN one key, -0 is 0, tuples structural, __proto__ ordinary", async () => {
    const tuple = [1, "x"] as const;
    const b = parts<Pair<unknown, number>>(
      [["__proto__", 1], [NaN, 1], [-0, 1], [tuple, 1]],
      [["constructor", 1], [0, 1], [NaN, 1], [[1, "x"], 1], ["__proto__", 1]],
    );
    const counts = await b.countByKey();
    expect([...counts]).toEqual([["__proto__", 2], [NaN, 2], [0, 2], [[1, "x"], 2], ["constructor", 1]]);
    expect([...counts.keys()][3]).toBe(tuple);
    expect(counts.get(-0)).toBe(2);
  });
});

describe("Batch.countByValue", () => {
  it("counts each distinct record into a Map, records in order of first appearance", async () => {
    const b = parts(["b", "a"], [], ["a", "c", "a"]);
    const counts = await b.countByValue();
    expect(counts).toBeInstanceOf(Map);
    expect([...counts]).toEqual([["b", 1], ["a", 3], ["c", 1]]);
    expect((await none<string>().countByValue()).size).toBe(0);
  });

  it("follows the key rules", async () => {
    const tuple = [1, "x"] as const;
    const counts = await parts<unknown>([NaN, -0, tuple, "__proto__"], [0, NaN, [1, "x"], "constructor"]).countByValue();
    expect([...counts]).toEqual([[NaN, 2], [0, 2], [[1, "x"], 2], ["__proto__", 1], ["constructor", 1]]);
    expect([...counts.keys()][2]).toBe(tuple);
  });

  it("equals countByKey of the records paired with anything, as Spark defines it (property)", async () => {
    await fc.assert(
      fc.asyncProperty(partitioned(fc.array(fc.oneof(fc.constantFrom<unknown>("a", "b", NaN, -0, 0, "__proto__"), fc.tuple(fc.nat(1), fc.constantFrom("x"))), { maxLength: 20 })), async (ps) => {
        const b = parts<unknown>(...ps);
        expect([...(await b.countByValue())]).toEqual([...(await b.map((x): Pair<unknown, null> => [x, null]).countByKey())]);
      }),
    );
  });
});

describe("Batch.reduceByKeyLocally", () => {
  it("reduces each key's values into a Map, partition by partition, then across partitions in order", async () => {
    const b = parts<Pair<string, string>>([["a", "1"], ["b", "2"], ["a", "3"]], [], [["a", "4"], ["c", "5"], ["a", "6"]]);
    // A non-commutative fn shows the grouping: (1+3) within partition 0, (4+6) within partition 2, then merged.
    const calls: string[] = [];
    const out = await b.reduceByKeyLocally((x, y) => (calls.push(`${x}+${y}`), `(${x}${y})`));
    expect([...out]).toEqual([["a", "((13)(46))"], ["b", "2"], ["c", "5"]]);
    expect(calls).toEqual(["1+3", "4+6", "(13)+(46)"]);
    expect((await none<Pair<string, number>>().reduceByKeyLocally(sum)).size).toBe(0);
  });

  it("keeps undefined values as values, and follows the key rules", async () => {
    const b = parts<Pair<unknown, number | undefined>>([[NaN, undefined], [-0, 1]], [[NaN, 2], [0, 3], [[1], 4], [[1], 5]]);
    const out = await b.reduceByKeyLocally((x, y) => (x ?? 100) + (y ?? 100));
    expect([...out]).toEqual([[NaN, 102], [0, 4], [[1], 9]]);
  });

  it("equals reduceByKey's collected pairs for a sum (property)", async () => {
    await fc.assert(
      fc.asyncProperty(partitioned(fc.array(fc.tuple(fc.constantFrom("a", "b", "c", "__proto__"), fc.integer({ min: -9, max: 9 })), { maxLength: 30 })), async (ps) => {
        const b = parts<Pair<string, number>>(...ps);
        expect(await b.reduceByKeyLocally(sum)).toEqual(new Map(await b.reduceByKey(sum).collect()));
      }),
    );
  });
});

describe("Batch.collectAsMap", () => {
  it("gives a Map where the last value of a key wins, keys in order of first appearance", async () => {
    const b = parts<Pair<string, number>>([["a", 1], ["b", 2]], [["a", 3]], [], [["c", 4], ["b", 5]]);
    expect([...(await b.collectAsMap())]).toEqual([["a", 3], ["b", 5], ["c", 4]]);
    expect((await none<Pair<string, number>>().collectAsMap()).size).toBe(0);
  });

  it("follows the key rules", async () => {
    const first = ["k", 1] as const;
    const b = parts<Pair<unknown, string>>(
      [["__proto__", "p1"], [NaN, "n1"], [first, "t1"], [-0, "z1"]],
      [["__proto__", "p2"], [NaN, "n2"], [["k", 1], "t2"], [0, "z2"], ["constructor", "c"]],
    );
    const map = await b.collectAsMap();
    expect([...map]).toEqual([["__proto__", "p2"], [NaN, "n2"], [["k", 1], "t2"], [0, "z2"], ["constructor", "c"]]);
    expect([...map.keys()][2]).toBe(first);
    expect(Object.getPrototypeOf(map)).toBe(Map.prototype);
  });
});

describe("Batch.lookup", () => {
  const pairs = parts<Pair<unknown, number>>(
    [["a", 1], [NaN, 2], [["t", 1], 3]],
    [["a", 4], [-0, 5], ["__proto__", 6]],
    [[0, 7], [NaN, 8], [["t", 1], 9], ["b", 10]],
  );

  it("gives every value of the key, in partition order", async () => {
    expect(await pairs.lookup("a")).toEqual([1, 4]);
    expect(await pairs.lookup("b")).toEqual([10]);
    expect(await pairs.lookup("missing")).toEqual([]);
    expect(await none<Pair<string, number>>().lookup("a")).toEqual([]);
  });

  it("follows the key rules", async () => {
    expect(await pairs.lookup(NaN)).toEqual([2, 8]);
    expect(await pairs.lookup(0)).toEqual([5, 7]);
    expect(await pairs.lookup(-0)).toEqual([5, 7]);
    expect(await pairs.lookup(["t", 1])).toEqual([3, 9]);
    expect(await pairs.lookup(["t"])).toEqual([]);
    expect(await pairs.lookup("__proto__")).toEqual([6]);
    expect(await pairs.lookup("constructor")).toEqual([]);
  });

  it("finds keys of a hash-partitioned batch in their partition", async () => {
    const grouped = pairs.groupByKey(3);
    expect(grouped.hashPartitioned).toBe(true);
    expect(await grouped.lookup("a")).toEqual([[1, 4]]);
    expect(await grouped.lookup(NaN)).toEqual([[2, 8]]);
    expect(await grouped.lookup(-0)).toEqual([[5, 7]]);
    expect(await grouped.lookup(["t", 1])).toEqual([[3, 9]]);
    expect(await grouped.lookup("__proto__")).toEqual([[6]]);
    expect(await grouped.lookup("zzz")).toEqual([]);
    // Only the key's partition is read: a record misplaced on purpose elsewhere is not seen.
    const p = new HashPartitioner(2).getPartition("x");
    const placed = Batch.fromPartitions<Pair<string, number>>(p === 0 ? [[["x", 1]], [["x", 2]]] : [[["x", 2]], [["x", 1]]], executor);
    placed.hashPartitioned = true;
    expect(await placed.lookup("x")).toEqual([1]);
  });
});

describe("Batch.foreach and Batch.foreachPartition", () => {
  it("foreach calls fn on every record, partition after partition", async () => {
    const seen: number[] = [];
    await parts([1, 2], [], [3]).foreach((x) => void seen.push(x));
    expect(seen).toEqual([1, 2, 3]);
    await none<number>().foreach(() => seen.push(-1));
    expect(seen).toEqual([1, 2, 3]);
  });

  it("foreachPartition runs partitions one after another, awaiting each, empty ones included", async () => {
    const log: string[] = [];
    await parts([1, 2], [], [3]).foreachPartition(async (records, index) => {
      log.push(`start ${index}: ${records.join(",")}`);
      await new Promise((resolve) => setTimeout(resolve, 5 - index));
      log.push(`end ${index}`);
    });
    expect(log).toEqual(["start 0: 1,2", "end 0", "start 1: ", "end 1", "start 2: 3", "end 2"]);
    const sync: number[] = [];
    await parts([1], [2]).foreachPartition((_, i) => void sync.push(i));
    expect(sync).toEqual([0, 1]);
  });

  it("foreachPartition stops at a failing partition and rejects with its error", async () => {
    const done: number[] = [];
    const failure = new Error("sink down");
    const run = parts([1], [2], [3]).foreachPartition(async (_, i) => {
      if (i === 1) throw failure;
      done.push(i);
    });
    await expect(run).rejects.toBe(failure);
    expect(done).toEqual([0]);
  });

  it("foreach passes an error of fn through", async () => {
    const failure = new Error("bad record");
    await expect(
      of([1, 2]).foreach((x) => {
        if (x === 2) throw failure;
      }),
    ).rejects.toBe(failure);
  });
});
