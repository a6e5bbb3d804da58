// src/core/keys.ts
function canonicalKey(key) {
  switch (typeof key) {
    case "string":
      return JSON.stringify(key);
    case "number":
      return Number.isNaN(key) ? "NaN" : Object.is(key, -0) ? "0" : String(key);
    case "bigint":
      return `${key}n`;
    case "boolean":
    case "undefined":
      return String(key);
    case "object":
      if (key === null) return "null";
      if (Array.isArray(key)) return `[${Array.from(key, canonicalKey).join(",")}]`;
      return `#${objectId(key)}`;
    case "symbol": {
      const registered = Symbol.keyFor(key);
      return registered === void 0 ? `#${symbolId(key)}` : `$${JSON.stringify(registered)}`;
    }
    default:
      return `#${objectId(key)}`;
  }
}
var ids = /* @__PURE__ */ new WeakMap();
var nextId = 1;
function objectId(o) {
  let id = ids.get(o);
  if (id === void 0) ids.set(o, id = nextId++);
  return id;
}
var symbolIds = symbolsAsWeakKeys() ? /* @__PURE__ */ new WeakMap() : /* @__PURE__ */ new Map();
function symbolsAsWeakKeys() {
  try {
    (/* @__PURE__ */ new WeakMap()).set(/* @__PURE__ */ Symbol(), 0);
    return true;
  } catch {
    return false;
  }
}
function symbolId(s) {
  let id = symbolIds.get(s);
  if (id === void 0) symbolIds.set(s, id = nextId++);
  return id;
}

// .exp/ck2.ts
function fast(key) {
  switch (typeof key) {
    case "string":
      return JSON.stringify(key);
    case "number":
      return key !== key ? "NaN" : key === 0 ? "0" : "" + key;
    case "object":
      if (Array.isArray(key)) {
        let s = "[";
        for (let i = 0; i < key.length; i++) {
          if (i > 0) s += ",";
          s += fast(key[i]);
        }
        return s + "]";
      }
  }
  return canonicalKey(key);
}
var recs = [];
for (let i = 0; i < 1e5; i++) recs.push([`k${i % 300}`, [i % 5, i % 5]]);
for (const x of recs) if (fast(x) !== canonicalKey(x)) throw new Error("differs " + fast(x));
for (let r = 0; r < 5; r++) {
  let t = performance.now();
  let n = 0;
  for (const x of recs) n += canonicalKey(x).length;
  const e = performance.now() - t;
  t = performance.now();
  const m = /* @__PURE__ */ new Map();
  for (const x of recs) {
    const k = fast(x);
    m.set(k, (m.get(k) ?? 0) + 1);
  }
  const e2 = performance.now() - t;
  t = performance.now();
  for (const x of recs) n += fast(x).length;
  const e3 = performance.now() - t;
  console.log("old ns", (e * 1e4).toFixed(0), "fast ns", (e3 * 1e4).toFixed(0), "fast+map count ns", (e2 * 1e4).toFixed(0));
}
