import { canonicalKey } from "../src/core/keys.ts";
function fast(key: unknown): string {
  switch (typeof key) {
    case "string": return JSON.stringify(key);
    case "number": return key !== key ? "NaN" : key === 0 ? "0" : "" + key;
    case "object":
      if (Array.isArray(key)) {
        let s = "[";
        for (let i = 0; i < key.length; i++) { if (i > 0) s += ","; s += fast(key[i]); }
        return s + "]";
      }
  }
  return canonicalKey(key);
}
const recs: unknown[] = [];
for (let i = 0; i < 100000; i++) recs.push([`k${i % 300}`, [i % 5, i % 5]]);
for (const x of recs) if (fast(x) !== canonicalKey(x)) throw new Error("differs " + fast(x));
for (let r = 0; r < 5; r++) {
  let t = performance.now(); let n = 0;
  for (const x of recs) n += canonicalKey(x).length;
  const e = performance.now() - t;
  t = performance.now(); const m = new Map<string, number>();
  for (const x of recs) { const k = fast(x); m.set(k, (m.get(k) ?? 0) + 1); }
  const e2 = performance.now() - t;
  t = performance.now(); for (const x of recs) n += fast(x).length; const e3 = performance.now() - t;
  console.log("old ns", (e * 1e4).toFixed(0), "fast ns", (e3 * 1e4).toFixed(0), "fast+map count ns", (e2 * 1e4).toFixed(0));
}
