import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { isPairWithOne, pairWithOne } from "../../src/core/pair-with-one.ts";

type Pairing = (w: string, i?: number) => unknown;

describe("isPairWithOne", () => {
  it("recognises the word-count pairing in its usual spellings", () => {
    const spellings: Pairing[] = [
      pairWithOne,
      (w) => [w, 1] as const,
      (word): [string, number] => [word, 1],
      ($x) => [$x, 1],
      function (w) {
        return [w, 1];
      },
      function pair(w) {
        return [w, 1];
      },
    ];
    for (const f of spellings) expect(isPairWithOne(f), String(f)).toBe(true);
  });

  it("refuses every other function", () => {
    const x = "x";
    const others: Pairing[] = [
      (_w) => [, 1], // a hole, then 1
      (w) => [w, 2],
      (w) => [w, 1n],
      () => [x, 1],
      (w) => [w, 1][0],
      (w) => [w, 1, 2],
      (w) => [1, w],
      (w, i) => [w, 1, i],
      (w = "") => [w, 1],
      async (w) => [w, 1],
      (w) => {
        return [w, 1];
      },
      function* (w: string) {
        yield [w, 1];
      } as unknown as Pairing,
      function (w) {
        x.trim();
        return [w, 1];
      },
      pairWithOne.bind(null),
      Math.max as unknown as Pairing,
      new Proxy((w: string) => [w, 1], {}),
    ];
    for (const f of others) expect(isPairWithOne(f), String(f)).toBe(false);
    expect(isPairWithOne("(w) => [w, 1]")).toBe(false);
    expect(isPairWithOne(undefined)).toBe(false);
  });

  it("recognises a function exactly when its array is its parameter and 1", () => {
    // Sources from a small grammar of one-parameter arrows, read through a function whose
    // toString gives them (no source is ever run).
    const ident = fc.constantFrom("w", "x", "word", "$", "_1");
    const element = fc.oneof(ident, fc.constantFrom("1", "2", "0", "1.5", "''", "w.length", "-1", " 1 ", ""));
    const arrow = fc.record({ param: ident, elements: fc.array(element, { maxLength: 3 }), paren: fc.boolean() });
    fc.assert(
      fc.property(arrow, ({ param, elements, paren }) => {
        const source = `${paren ? `(${param})` : param} => [${elements.join(", ")}]`;
        const fn = Object.assign(() => undefined, { toString: () => source });
        const viaToString = () => undefined;
        viaToString.toString = () => source;
        // Function.prototype.toString is read, not an own toString: neither is recognised.
        expect(isPairWithOne(fn) || isPairWithOne(viaToString)).toBe(false);
        const expected = elements.length === 2 && elements[0] === param && elements[1]!.trim() === "1";
        expect(recognisedSource(source)).toBe(expected);
      }),
    );
  });
});

/** Whether `isPairWithOne` recognises a function with this source, built without running it. */
function recognisedSource(source: string): boolean {
  const fn = () => undefined;
  const original = Function.prototype.toString;
  Function.prototype.toString = function (this: unknown) {
    return this === fn ? source : original.call(this as Function);
  };
  try {
    return isPairWithOne(fn);
  } finally {
    Function.prototype.toString = original;
  }
}
