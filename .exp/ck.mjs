// src/core/keys.ts
var KeyMap = class {
  plain = /* @__PURE__ */ new Map();
  composite;
  get size() {
    return this.plain.size + (this.composite?.size ?? 0);
  }
  get(key) {
    if (!Array.isArray(key)) return this.plain.get(key);
    return this.composite?.get(canonicalKey(key))?.[1];
  }
  has(key) {
    if (!Array.isArray(key)) return this.plain.has(key);
    return this.composite?.has(canonicalKey(key)) ?? false;
  }
  set(key, value) {
    if (!Array.isArray(key)) {
      this.plain.set(key, value);
      return;
    }
    const id = canonicalKey(key);
    this.composite ??= /* @__PURE__ */ new Map();
    const entry = this.composite.get(id);
    if (entry) entry[1] = value;
    else this.composite.set(id, [key, value]);
  }
  delete(key) {
    if (!Array.isArray(key)) return this.plain.delete(key);
    return this.composite?.delete(canonicalKey(key)) ?? false;
  }
  /** Calls `fn` for every entry, plain keys in insertion order, then composite keys. */
  forEach(fn) {
    this.plain.forEach(fn);
    this.composite?.forEach((entry) => fn(entry[1], entry[0]));
  }
};
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

// .exp/ck.ts
var recs = [];
for (let i = 0; i < 1e5; i++) recs.push([`k${i % 300}`, [i % 5, i % 5]]);
for (let r = 0; r < 5; r++) {
  let t = performance.now();
  let n = 0;
  for (const x of recs) n += canonicalKey(x).length;
  const e = performance.now() - t;
  t = performance.now();
  const m = new KeyMap();
  for (const x of recs) {
    const c = m.get(x);
    m.set(x, (c ?? 0) + 1);
  }
  console.log("canonicalKey ns/rec", (e * 1e6 / recs.length).toFixed(0), "KeyMap count ns/rec", ((performance.now() - t) * 1e6 / recs.length).toFixed(0), n);
}
