import { canonicalKey, KeyMap } from "../src/core/keys.ts";
const recs: unknown[] = [];
for (let i = 0; i < 100000; i++) recs.push([`k${i % 300}`, [i % 5, i % 5]]);
for (let r = 0; r < 5; r++) {
  let t = performance.now(); let n = 0;
  for (const x of recs) n += canonicalKey(x).length;
  const e = performance.now() - t;
  t = performance.now();
  const m = new KeyMap<number>();
  for (const x of recs) { const c = m.get(x); m.set(x, (c ?? 0) + 1); }
  console.log("canonicalKey ns/rec", (e * 1e6 / recs.length).toFixed(0), "KeyMap count ns/rec", ((performance.now() - t) * 1e6 / recs.length).toFixed(0), n);
}
