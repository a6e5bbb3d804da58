/**
 * Strict structural equality for codec round-trips, stricter than `toStrictEqual` where the codec
 * must be exact: numbers by Object.is (NaN, -0), prototypes compared by identity (null-prototype
 * objects stay so), own keys in the same order (including "__proto__" as a data property), Map
 * and Set in insertion order, typed arrays by kind and bytes. Array holes compare equal to
 * undefined, which is what the codec documents. Returns a description of the first difference,
 * or undefined when equal.
 */
export function difference(expected: unknown, actual: unknown, path = "value"): string | undefined {
  if (typeof expected !== "object" || expected === null) {
    return Object.is(expected, actual) ? undefined : `${path}: expected ${show(expected)}, got ${show(actual)}`;
  }
  if (typeof actual !== "object" || actual === null) return `${path}: expected an object, got ${show(actual)}`;
  if (Object.getPrototypeOf(expected) !== Object.getPrototypeOf(actual)) return `${path}: different prototypes`;
  if (Array.isArray(expected)) {
    const a = actual as unknown[];
    if (a.length !== expected.length) return `${path}: length ${expected.length} vs ${a.length}`;
    if (Object.keys(a).length !== a.length) return `${path}: decoded array has holes`;
    for (let i = 0; i < expected.length; i++) {
      const d = difference(expected[i], a[i], `${path}[${i}]`);
      if (d) return d;
    }
    return undefined;
  }
  if (expected instanceof Date) {
    return Object.is(expected.getTime(), (actual as Date).getTime()) ? undefined : `${path}: different dates`;
  }
  if (expected instanceof Map) {
    return difference([...expected], [...(actual as Map<unknown, unknown>)], `${path}<entries>`);
  }
  if (expected instanceof Set) {
    return difference([...expected], [...(actual as Set<unknown>)], `${path}<values>`);
  }
  if (ArrayBuffer.isView(expected)) {
    const a = actual as ArrayBufferView;
    const x = new Uint8Array(expected.buffer, expected.byteOffset, expected.byteLength);
    const y = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
    if (x.length !== y.length || x.some((b, i) => b !== y[i])) return `${path}: different bytes`;
    return undefined;
  }
  const ek = Reflect.ownKeys(expected).filter((k) => Object.prototype.propertyIsEnumerable.call(expected, k));
  const ak = Reflect.ownKeys(actual);
  if (ek.length !== ak.length || ek.some((k, i) => k !== ak[i])) {
    return `${path}: keys ${show(ek.map(String))} vs ${show(ak.map(String))}`;
  }
  for (const k of ak) {
    const descriptor = Object.getOwnPropertyDescriptor(actual, k)!;
    if (!("value" in descriptor) || !descriptor.writable || !descriptor.enumerable || !descriptor.configurable) {
      return `${path}.${String(k)}: not a plain data property`;
    }
    const d = difference((expected as Record<PropertyKey, unknown>)[k], descriptor.value, `${path}.${String(k)}`);
    if (d) return d;
  }
  return undefined;
}

function show(value: unknown): string {
  if (typeof value === "bigint") return `${value}n`;
  if (typeof value === "string") return JSON.stringify(value);
  if (Object.is(value, -0)) return "-0";
  try {
    return String(value);
  } catch {
    return Object.prototype.toString.call(value);
  }
}
