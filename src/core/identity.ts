/**
 * Numbers naming objects and unregistered symbols by identity, for keys that compare by
 * reference: the same number for the same object for as long as it lives, never reused.
 */

const ids = new WeakMap<object, number>();
let nextId = 1;

/** The id of `o`, made on first use. */
export function objectId(o: object): number {
  let id = ids.get(o);
  if (id === undefined) ids.set(o, (id = nextId++));
  return id;
}

/**
 * Ids of unregistered symbols: weakly held where the runtime takes symbols as WeakMap keys (Node
 * 20, recent browsers), else in a Map, which keeps each symbol used in a tuple key alive.
 */
const symbolIds: Pick<Map<symbol, number>, "get" | "set"> = symbolsAsWeakKeys()
  ? (new WeakMap<object, number>() as unknown as Pick<Map<symbol, number>, "get" | "set">)
  : new Map<symbol, number>();

function symbolsAsWeakKeys(): boolean {
  try {
    new WeakMap<object, number>().set(Symbol() as unknown as object, 0);
    return true;
  } catch {
    return false;
  }
}

export function symbolId(s: symbol): number {
  let id = symbolIds.get(s);
  if (id === undefined) symbolIds.set(s, (id = nextId++));
  return id;
}
