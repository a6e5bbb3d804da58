import { it } from "vitest";
import { encodeValue, decodeValue } from "/work/main/src/state/codec.ts";
import { frame, unframe } from "/work/main/src/state/format.ts";

function time(fn: () => void, reps = 15): number {
  const ts: number[] = [];
  for (let i = 0; i < reps; i++) { const t = performance.now(); fn(); ts.push(performance.now() - t); }
  ts.sort((a, b) => a - b);
  return ts[Math.floor(ts.length / 2)]!;
}

it("bench", () => {
  const pairs: [string, number][] = [];
  for (let i = 0; i < 100_000; i++) pairs.push([`key-${i}-${(i * 2654435761 >>> 0).toString(36)}`, i * 1.5 + (i % 7)]);
  const ints: [string, number][] = pairs.map(([k], i) => [k, i]);
  const map = new Map(pairs);
  for (const [label, v] of [["pairs float", pairs], ["pairs int", ints], ["Map", map]] as const) {
    let bytes = encodeValue(v);
    const enc = time(() => { bytes = encodeValue(v); });
    const dec = time(() => { decodeValue(bytes); });
    let framed = frame(bytes);
    const fr = time(() => { framed = frame(bytes); });
    const unfr = time(() => { unframe(framed); });
    console.log(`${label}: encode ${enc.toFixed(1)} ms, decode ${dec.toFixed(1)} ms, frame ${fr.toFixed(1)} ms, unframe ${unfr.toFixed(1)} ms, ${bytes.length} bytes`);
  }
  const json = JSON.stringify(pairs);
  console.log("baseline JSON.stringify", time(() => JSON.stringify(pairs)).toFixed(1), "parse", time(() => JSON.parse(json)).toFixed(1));
});
