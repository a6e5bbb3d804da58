import fc from "fast-check";
import { expect, it } from "vitest";
import { FILTER, FLAT_MAP, MAP, type NarrowOp, PARTITION, pipelineFeed, runPipeline } from "../../src/core/pipeline.ts";

// A fused chain, partition operators included, gives what applying each operator to the whole
// partition in turn gives, whether run into an array or pulled as a feed.
const op: fc.Arbitrary<NarrowOp> = fc.oneof(
  fc.integer({ min: -3, max: 3 }).map((k): NarrowOp => ({ kind: MAP, f: (x) => (x as number) * 2 + k })),
  fc.integer({ min: 2, max: 4 }).map((m): NarrowOp => ({ kind: FILTER, f: (x) => (x as number) % m !== 0 })),
  fc.integer({ min: 0, max: 2 }).map((n): NarrowOp => ({ kind: FLAT_MAP, f: (x) => Array.from({ length: n }, (_, i) => (x as number) + i) })),
  fc.constant<NarrowOp>({ kind: FLAT_MAP, f: (x) => new Set([x, (x as number) + 1]) }),
  fc.constant<NarrowOp>({ kind: PARTITION, f: (records, index) => [records.length * 10 + index, ...records] }),
  fc.constant<NarrowOp>({ kind: PARTITION, f: function* (records) { for (let i = records.length - 1; i >= 0; i--) yield records[i]; } }),
);

function stepByStep(input: readonly unknown[], ops: readonly NarrowOp[], index: number): unknown[] {
  let records = [...input];
  for (const o of ops) {
    if (o.kind === MAP) records = records.map(o.f);
    else if (o.kind === FILTER) records = records.filter((x) => o.f(x));
    else if (o.kind === FLAT_MAP) records = records.flatMap((x) => [...o.f(x)]);
    else records = [...o.f(records, index)];
  }
  return records;
}

it("runs a fused chain, partition operators included, as the operators one after the other", () => {
  fc.assert(
    fc.property(fc.array(fc.integer({ min: -50, max: 50 }), { maxLength: 30 }), fc.array(op, { maxLength: 6 }), fc.nat(5), (input, ops, index) => {
      const expected = stepByStep(input, ops, index);
      expect(runPipeline(input, ops, index)).toEqual(expected);
      const pulled: unknown[] = [];
      pipelineFeed(input, ops, index)((x) => void pulled.push(x));
      expect(pulled).toEqual(expected);
    }),
    { numRuns: 2000 },
  );
});

it("calls a partition operator once per partition, with its index, even for an empty partition", () => {
  const calls: [number, number][] = [];
  const ops: NarrowOp[] = [{ kind: PARTITION, f: (records, index) => (calls.push([records.length, index]), records) }];
  runPipeline([], ops, 3);
  pipelineFeed([1, 2], ops, 4)(() => {});
  expect(calls).toEqual([
    [0, 3],
    [2, 4],
  ]);
});
