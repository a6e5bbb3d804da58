import { mkdtemp, readFile, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { ManualClock, Seconds, StreamingContext, type TextFileSink } from "../../src/index.ts";
import { testKernels } from "../support/spark-suite.ts";

const contexts: StreamingContext[] = [];
afterEach(async () => {
  for (const ssc of contexts.splice(0)) await ssc.stop();
  vi.restoreAllMocks();
});

function newContext(options: { log?: (text: string) => void; fileSink?: TextFileSink; parallelism?: number } = {}): {
  ssc: StreamingContext;
  clock: ManualClock;
} {
  const clock = new ManualClock();
  const ssc = new StreamingContext({ batchInterval: Seconds(1), clock, parallelism: options.parallelism ?? 2, kernels: testKernels(), ...options });
  contexts.push(ssc);
  return { ssc, clock };
}

const RULE = "-------------------------------------------";
const header = (time: number): string => `${RULE}\nTime: ${time} ms\n${RULE}\n`;

describe("print", () => {
  it("prints Spark's header, up to n records one per line, '...' when there are more, then an empty line", async () => {
    const log = vi.fn<(text: string) => void>();
    const { ssc, clock } = newContext({ log });
    ssc.queueStream<string>([["a", "b", "c", "d"], ["x", "y"], []]).print(3);
    ssc.start();
    await clock.advance(3000);
    expect(log.mock.calls.map((c) => c[0])).toEqual([
      header(1000) + "a\nb\nc\n...\n",
      header(2000) + "x\ny\n",
      header(3000),
    ]);
  });

  it("runs the stream's operators on the records it prints only, as Spark's take", async () => {
    const log = vi.fn<(text: string) => void>();
    const { ssc, clock } = newContext({ log, parallelism: 4 });
    let mapped = 0;
    ssc
      .queueStream<number>([Array.from({ length: 10_000 }, (_, i) => i)])
      .map((x) => (mapped++, x * 2))
      .print(3);
    ssc.start();
    await clock.advance(1000);
    expect(log).toHaveBeenCalledWith(header(1000) + "0\n2\n4\n...\n");
    // take(n + 1): three records to print and one to know there are more.
    expect(mapped).toBe(4);
  });

  it("prints exactly n records without '...' when the batch has exactly n", async () => {
    const log = vi.fn<(text: string) => void>();
    const { ssc, clock } = newContext({ log });
    ssc.queueStream<number>([[1, 2]]).print(2);
    ssc.start();
    await clock.advance(1000);
    expect(log).toHaveBeenCalledWith(header(1000) + "1\n2\n");
  });

  it("prints pairs as (a,1) and nested tuples as Spark does", async () => {
    const log = vi.fn<(text: string) => void>();
    const { ssc, clock } = newContext({ log });
    ssc
      .queueStream<[string, number | [number, string]]>([
        [
          ["a", 1],
          ["b", [2, "x"]],
        ],
      ])
      .print();
    ssc.start();
    await clock.advance(1000);
    expect(log).toHaveBeenCalledWith(header(1000) + "(a,1)\n(b,(2,x))\n");
  });

  it("prints the pairs of a reduceByKey", async () => {
    const log = vi.fn<(text: string) => void>();
    const { ssc, clock } = newContext({ log, parallelism: 1 });
    ssc
      .queueStream<string>([["a", "a", "b"]])
      .map((w) => [w, 1] as [string, number])
      .reduceByKey((x, y) => x + y)
      .print();
    ssc.start();
    await clock.advance(1000);
    const text = log.mock.calls[0]![0];
    expect(text.startsWith(header(1000))).toBe(true);
    expect(text.slice(header(1000).length).split("\n").filter(Boolean).sort()).toEqual(["(a,2)", "(b,1)"]);
  });

  it("prints 10 records by default", async () => {
    const log = vi.fn<(text: string) => void>();
    const { ssc, clock } = newContext({ log });
    const eleven = Array.from({ length: 11 }, (_, i) => i + 1);
    ssc.queueStream<number>([eleven, eleven.slice(0, 10)]).print();
    ssc.start();
    await clock.advance(2000);
    expect(log.mock.calls.map((c) => c[0])).toEqual([
      header(1000) + "1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n...\n",
      header(2000) + "1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n",
    ]);
  });

  it("goes to console.log when no log option is given", async () => {
    const consoleLog = vi.spyOn(console, "log").mockImplementation(() => undefined);
    const { ssc, clock } = newContext();
    ssc.queueStream<string>([["z"]]).print();
    ssc.start();
    await clock.advance(1000);
    expect(consoleLog).toHaveBeenCalledWith(header(1000) + "z\n");
  });
});

describe("output operations", () => {
  it("awaits the promise a foreachRDD returns before the next output runs", async () => {
    const { ssc, clock } = newContext();
    const events: string[] = [];
    const s = ssc.queueStream<number>([[1], [2]]);
    s.foreachRDD(async (_b, t) => {
      events.push(`slow ${t} start`);
      await new Promise((r) => setTimeout(r, 5));
      events.push(`slow ${t} end`);
    });
    s.foreachRDD((_b, t) => void events.push(`next ${t}`));
    ssc.start();
    await clock.advance(2000);
    expect(events).toEqual(["slow 1000 start", "slow 1000 end", "next 1000", "slow 2000 start", "slow 2000 end", "next 2000"]);
  });

  it("runs outputs in declaration order, across streams and kinds", async () => {
    const order: string[] = [];
    const { ssc, clock } = newContext({
      log: (text) => void order.push(`print ${text.split("\n")[1]}`),
      fileSink: { writeText: async (path) => void order.push(`save ${path}`) },
    });
    const a = ssc.queueStream<number>([[1]]);
    const b = ssc.queueStream<number>([[2]]);
    b.foreachRDD(() => void order.push("b.foreachRDD"));
    a.print();
    a.map((x) => x + 1).saveAsTextFiles("out/a");
    a.foreachRDD(() => void order.push("a.foreachRDD"));
    ssc.start();
    await clock.advance(1000);
    expect(order).toEqual(["b.foreachRDD", "print Time: 1000 ms", "save out/a-1000", "a.foreachRDD"]);
  });

  it("gives foreachRDD the batch and its time", async () => {
    const { ssc, clock } = newContext();
    const seen: [number, number, boolean][] = [];
    ssc.queueStream<number>([[1, 2, 3], []]).foreachRDD(async (b, t) => void seen.push([t, await b.count(), await b.isEmpty()]));
    ssc.start();
    await clock.advance(2000);
    expect(seen).toEqual([
      [1000, 3, false],
      [2000, 0, true],
    ]);
  });
});

describe("saveAsTextFiles", () => {
  it("writes each batch as prefix-<time>.suffix on the file system, one record a line", async () => {
    const dir = await mkdtemp(join(tmpdir(), "rivulet-output-"));
    try {
      const { ssc, clock } = newContext();
      ssc.queueStream<[string, number] | string>([[["a", 1], "plain"], []]).saveAsTextFiles(join(dir, "nested", "words"), "txt");
      ssc.start();
      await clock.advance(2000);
      await ssc.stop();
      expect((await readdir(join(dir, "nested"))).sort()).toEqual(["words-1000.txt", "words-2000.txt"]);
      expect(await readFile(join(dir, "nested", "words-1000.txt"), "utf8")).toBe("(a,1)\nplain\n");
      expect(await readFile(join(dir, "nested", "words-2000.txt"), "utf8")).toBe("");
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("omits the dot when there is no suffix", async () => {
    const dir = await mkdtemp(join(tmpdir(), "rivulet-output-"));
    try {
      const { ssc, clock } = newContext();
      ssc.queueStream<number>([[1, 2]]).saveAsTextFiles(join(dir, "n"));
      ssc.start();
      await clock.advance(1000);
      await ssc.stop();
      expect(await readdir(dir)).toEqual(["n-1000"]);
      expect(await readFile(join(dir, "n-1000"), "utf8")).toBe("1\n2\n");
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("writes through a custom fileSink", async () => {
    const files = new Map<string, string>();
    const fileSink: TextFileSink = { writeText: async (path, text) => void files.set(path, text) };
    const { ssc, clock } = newContext({ fileSink });
    ssc.queueStream<string>([["x", "y"], ["z"]]).saveAsTextFiles("mem://out/batch", "log");
    ssc.start();
    await clock.advance(2000);
    expect([...files]).toEqual([
      ["mem://out/batch-1000.log", "x\ny\n"],
      ["mem://out/batch-2000.log", "z\n"],
    ]);
  });

  it("a failing fileSink fails that batch's job and is reported", async () => {
    vi.spyOn(console, "error").mockImplementation(() => undefined);
    const fileSink: TextFileSink = {
      writeText: async (path) => {
        if (path.endsWith("1000")) throw new Error("disk full");
      },
    };
    const { ssc, clock } = newContext({ fileSink });
    const reasons: (string | undefined)[] = [];
    ssc.addStreamingListener({ onOutputOperationCompleted: (e) => void reasons.push(e.outputOperationInfo.failureReason?.split("\n")[0]) });
    ssc.queueStream<number>([[1], [2]]).saveAsTextFiles("p");
    ssc.start();
    await clock.advance(2000);
    expect(reasons).toEqual(["Error: disk full", undefined]);
    await expect(ssc.awaitTermination()).rejects.toThrow("disk full");
  });
});

describe("saveAsObjectFiles", () => {
  it("writes every batch as newline-delimited JSON, which jsonLinesStream reads back", async () => {
    const files = new Map<string, string>();
    const fileSink: TextFileSink = { writeText: async (path, text) => void files.set(path, text) };
    const { ssc, clock } = newContext({ fileSink });
    const records: [string, { n: number; tags: string[] }][][] = [[["__proto__", { n: 1, tags: ["ü"] }], ["b", { n: 2, tags: [] }]], []];
    const [first] = records;
    ssc.queueStream(records).saveAsObjectFiles("mem://out/objects", "ndjson");
    ssc.start();
    await clock.advance(2000);
    await ssc.stop();
    expect([...files]).toEqual([
      ["mem://out/objects-1000.ndjson", '["__proto__",{"n":1,"tags":["ü"]}]\n["b",{"n":2,"tags":[]}]\n'],
      ["mem://out/objects-2000.ndjson", ""],
    ]);
    const back = newContext();
    const read: unknown[][] = [];
    back.ssc.jsonLinesStream(new Blob([files.get("mem://out/objects-1000.ndjson")!]).stream()).foreachRDD(async (b) => void read.push(await b.collect()));
    back.ssc.start();
    await back.clock.advance(1000);
    expect(read).toEqual([first]);
  });

  it("fails the batch's output, naming the record, when a record has no JSON form", async () => {
    vi.spyOn(console, "error").mockImplementation(() => undefined);
    const files = new Map<string, string>();
    const { ssc, clock } = newContext({ fileSink: { writeText: async (path, text) => void files.set(path, text) } });
    const reasons: (string | undefined)[] = [];
    ssc.addStreamingListener({ onOutputOperationCompleted: (e) => void reasons.push(e.outputOperationInfo.failureReason) });
    ssc.queueStream<unknown>([[1, 2n], [undefined], [3]]).saveAsObjectFiles("p");
    ssc.start();
    await clock.advance(3000);
    expect(reasons[0]).toMatch(/record 1 of batch 1000 cannot be written as JSON/);
    expect(reasons[1]).toMatch(/record 0 of batch 2000 \(undefined\) has no JSON form/);
    expect(reasons[2]).toBeUndefined();
    expect([...files]).toEqual([["p-3000", "3\n"]]);
  });
});

describe("records as text", () => {
  it("names files by the time alone when the prefix is empty (Spark: rddToFileName)", async () => {
    const written: string[] = [];
    const { ssc, clock } = newContext({ fileSink: { writeText: async (p) => void written.push(p) } });
    ssc.queueStream<number>([[1]]).saveAsTextFiles("", "txt");
    ssc.start();
    await clock.advance(1000);
    expect(written).toEqual(["1000.txt"]);
  });

  it("writes sets as Scala's, typed arrays as tuples and objects with their own toString by it; JSON for the rest", async () => {
    class Point {
      constructor(readonly x: number, readonly y: number) {}
      toString(): string {
        return `Point(${this.x}, ${this.y})`;
      }
    }
    const texts: string[] = [];
    const { ssc, clock } = newContext({ fileSink: { writeText: async (_p, t) => void texts.push(t) } });
    ssc.queueStream<unknown>([[new Set([1, "a"]), new Float64Array([1.5, 2]), new Point(1, 2), { a: 1 }, ["k", new Set()]]]).saveAsTextFiles("out");
    ssc.start();
    await clock.advance(1000);
    expect(texts[0]).toBe('Set(1, a)\n(1.5,2)\nPoint(1, 2)\n{"a":1}\n(k,Set())\n');
  });

  it("print(num) refuses a negative or fractional num when it is called", () => {
    const { ssc } = newContext();
    const s = ssc.queueStream<number>([[1]]);
    expect(() => s.print(-2)).toThrow(/non-negative integer/);
    expect(() => s.print(1.5)).toThrow(/non-negative integer/);
  });
});
