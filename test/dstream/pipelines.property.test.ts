// Random chains of pair operators, each checked against a plain-array model of the same chain:
// the operators that keep, change or reset a batch's hash partitioning (mapValues, map, filter,
// the shuffles, repartition, union, window, cache) in any order, ending in a join that reads its
// inputs in place when they are partitioned alike. Run by both DStream projects (kernels on, off).
import fc from "fast-check";
import { expect, it } from "vitest";
import { type DStream, max, Seconds, sum } from "../../src/index.ts";
import { runOperation } from "../support/spark-suite.ts";

type P = [string, number];
type Stream = DStream<P>;
/** A chain step: on the stream, and on the model (every batch's records, by batch index). */
interface Step {
  readonly name: string;
  readonly stream: (s: Stream) => Stream;
  readonly model: (batches: P[][]) => P[][];
}

const each = (f: (records: P[]) => P[]) => (batches: P[][]) => batches.map(f);

function reduceModel(records: P[], fn: (a: number, b: number) => number): P[] {
  const m = new Map<string, number>();
  for (const [k, v] of records) m.set(k, m.has(k) ? fn(m.get(k)!, v) : v);
  return [...m];
}

const steps = (n: number): Step[] => [
  { name: "mapValues", stream: (s) => s.mapValues((v) => v * 2 + 1), model: each((r) => r.map(([k, v]) => [k, v * 2 + 1])) },
  { name: "filter", stream: (s) => s.filter(([, v]) => v % 3 !== 0), model: each((r) => r.filter(([, v]) => v % 3 !== 0)) },
  { name: "flatMapValues", stream: (s) => s.flatMapValues((v) => [v, -v]), model: each((r) => r.flatMap(([k, v]): P[] => [[k, v], [k, -v]])) },
  { name: "map (new keys)", stream: (s) => s.map(([k, v]): P => [v % 2 === 0 ? k : `${k}x`, v]), model: each((r) => r.map(([k, v]): P => [v % 2 === 0 ? k : `${k}x`, v])) },
  { name: "reduceByKey(sum)", stream: (s) => s.reduceByKey(sum, n), model: each((r) => reduceModel(r, (a, b) => a + b)) },
  { name: "reduceByKey(fn)", stream: (s) => s.reduceByKey((a, b) => a + b), model: each((r) => reduceModel(r, (a, b) => a + b)) },
  { name: "reduceByKey(max)", stream: (s) => s.reduceByKey(max, n + 1), model: each((r) => reduceModel(r, Math.max)) },
  {
    name: "groupByKey + sizes",
    stream: (s) => s.groupByKey(n).mapValues((vs) => vs.length),
    model: each((r) => reduceModel(r.map(([k]): P => [k, 1]), (a, b) => a + b)),
  },
  {
    name: "countByValue of pairs",
    stream: (s) => s.countByValue().map(([[k], c]): P => [k, c]),
    model: each((r) => {
      const distinct = new Map<string, P>();
      for (const [k, v] of r) distinct.set(JSON.stringify([k, v]), [k, 0]);
      const counts = new Map<string, number>();
      for (const [k, v] of r) counts.set(JSON.stringify([k, v]), (counts.get(JSON.stringify([k, v])) ?? 0) + 1);
      return [...distinct].map(([id, [k]]): P => [k, counts.get(id)!]);
    }),
  },
  { name: "repartition", stream: (s) => s.repartition(n + 2), model: (b) => b },
  { name: "union with itself", stream: (s) => s.union(s.mapValues((v) => v + 100)), model: each((r) => [...r, ...r.map(([k, v]): P => [k, v + 100])]) },
  { name: "window of 2", stream: (s) => s.window(Seconds(2)), model: (b) => b.map((r, i) => [...(b[i - 1] ?? []), ...r]) },
  { name: "cache", stream: (s) => s.cache(), model: (b) => b },
  { name: "transform: sortByKey", stream: (s) => s.transform((b) => b.sortByKey()), model: (b) => b },
];

/** Records in one order, whatever order a shuffle gave them: by their JSON, -0 told from 0. */
function sorted<T>(records: T[]): T[] {
  const text = (r: T) => JSON.stringify(r, (_, v: unknown) => (Object.is(v, -0) ? "-0" : v === undefined ? "(undefined)" : v));
  return records.map((r) => [text(r), r] as const).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, r]) => r);
}

const pairs = fc.array(fc.array(fc.tuple(fc.constantFrom("a", "b", "c", "__proto__", ""), fc.integer({ min: -5, max: 9 })), { maxLength: 8 }), {
  minLength: 1,
  maxLength: 4,
});

it("random chains of pair operators, then a join, give the model's batches", async () => {
  await fc.assert(
    fc.asyncProperty(
      pairs,
      fc.integer({ min: 1, max: 3 }),
      fc.array(fc.nat({ max: 13 }), { maxLength: 5 }),
      fc.constantFrom("join", "leftOuterJoin", "fullOuterJoin", "cogroup sizes"),
      async (input, parallelism, chain, ending) => {
        const available = steps(parallelism);
        const chosen = chain.map((i) => available[i % available.length]!);
        const apply = (s: Stream) => chosen.reduce((acc, step) => step.stream(acc), s);
        const out = await runOperation<P, unknown>(
          input,
          (s) => {
            const left = apply(s);
            const right = s.reduceByKey(sum);
            if (ending === "join") return left.join(right);
            if (ending === "leftOuterJoin") return left.leftOuterJoin(right, parallelism + 1);
            if (ending === "fullOuterJoin") return left.fullOuterJoin(right);
            return left.cogroup(right).mapValues(([vs, ws]) => [vs.length, ws.length]);
          },
          { parallelism },
        );
        const lefts = chosen.reduce<P[][]>((acc, step) => step.model(acc), input);
        const rights = input.map((r) => reduceModel(r, (a, b) => a + b));
        const expected = lefts.map((left, i) => {
          const right = new Map(rights[i]);
          if (ending === "join") return left.filter(([k]) => right.has(k)).map(([k, v]) => [k, [v, right.get(k)!]]);
          if (ending === "leftOuterJoin") return left.map(([k, v]) => [k, [v, right.get(k)]]);
          const leftKeys = new Set(left.map(([k]) => k));
          if (ending === "fullOuterJoin") {
            return [...left.map(([k, v]) => [k, [v, right.get(k)]]), ...[...right].filter(([k]) => !leftKeys.has(k)).map(([k, w]) => [k, [undefined, w]])];
          }
          const keys = new Set([...leftKeys, ...right.keys()]);
          return [...keys].map((k) => [k, [left.filter(([lk]) => lk === k).length, right.has(k) ? 1 : 0]]);
        });
        expect(out.map(sorted), chosen.map((s) => s.name).join(" → ") + ` → ${ending}`).toEqual(expected.map(sorted));
      },
    ),
    { numRuns: 150 },
  );
});
