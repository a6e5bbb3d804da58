/**
 * The pairing step of a word count, `map(w => [w, 1])` (Spark's `map(w => (w, 1))`), recognised
 * so that `flatMap(words).map(w => [w, 1]).reduceByKey(sum)` runs as the fused word-count kernel,
 * as a stream's `countByValue()` does.
 *
 * A user's arrow function carries no tag, so its source text is read (`Function.prototype
 * .toString`, never evaluated). Only forms whose meaning that text fixes are recognised: an arrow
 * or a function expression with one plain parameter whose whole body is the array literal of that
 * parameter and the number literal `1` (`w => [w, 1]`, `(word) => [word, 1]`,
 * `function (w) { return [w, 1]; }`; TypeScript's `as const` is gone from the emitted code).
 * Anything else — a comment inside, another literal, a bound, native or async function — is not
 * recognised and takes the JS path, which gives the same batches.
 */

const IDENT = String.raw`[A-Za-z_$][\w$]*`;

// One regex per form, with the parameter and the array's first element captured separately and
// compared in code: a backreference to a group that did not take part would match the empty
// string, and `(w) => [, 1]` is an array with a hole.
const ARROW = new RegExp(String.raw`^(?:(${IDENT})|\(\s*(${IDENT})\s*\))\s*=>\s*\[\s*(${IDENT})\s*,\s*1\s*\]$`);
const FUNCTION = new RegExp(String.raw`^function\s*(?:${IDENT})?\s*\(\s*(${IDENT})\s*\)\s*\{\s*return\s*\[\s*(${IDENT})\s*,\s*1\s*\]\s*;?\s*\}$`);

/** The planner's own pairing (a stream's `countByValue` is `map(pairWithOne).reduceByKey(sum)`). */
export function pairWithOne<T>(record: T): [T, number] {
  return [record, 1];
}

const seen = new WeakMap<object, boolean>();

/** True when `fn` is `pairWithOne` or a function whose source is one of the recognised forms. */
export function isPairWithOne(fn: unknown): boolean {
  if (typeof fn !== "function") return false;
  if (fn === pairWithOne) return true;
  let known = seen.get(fn);
  if (known === undefined) {
    known = recognise(sourceOf(fn));
    seen.set(fn, known);
  }
  return known;
}

function sourceOf(fn: Function): string {
  try {
    return Function.prototype.toString.call(fn);
  } catch {
    return "";
  }
}

function recognise(source: string): boolean {
  const arrow = ARROW.exec(source);
  if (arrow) return (arrow[1] ?? arrow[2]) === arrow[3];
  const fn = FUNCTION.exec(source);
  return fn !== null && fn[1] === fn[2];
}
