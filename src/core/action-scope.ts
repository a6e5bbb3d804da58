/**
 * Actions a batch starts while an output operation's function runs, which the operation awaits
 * before it completes: Spark's actions block the function that calls them, so
 * `foreachRDD { rdd => rdd.foreachPartition(...) }` finishes its sends before the batch is done.
 * Here an action returns a promise, and a function with a block body (`(b) => { b.foreach(f) }`)
 * drops it; collected, it still holds the batch back, and its failure fails the operation
 * instead of going unhandled. Only what the function starts before it returns (or first awaits)
 * is collected: later calls run inside an async function, which awaits what it needs.
 */

let collecting: Promise<unknown>[] | undefined;

/** Returns `action`, noted for the output operation running now, if any. */
export function tracked<T>(action: Promise<T>): Promise<T> {
  collecting?.push(action);
  return action;
}

/** Runs `fn`, then awaits what it returned and every action it started meanwhile. */
export async function awaitingActions(fn: () => unknown): Promise<void> {
  const started: Promise<unknown>[] = [];
  const outer = collecting;
  collecting = started;
  let returned: unknown;
  try {
    returned = fn();
  } finally {
    collecting = outer;
  }
  // Every action is awaited together, so that one failing leaves none of the others unhandled.
  await Promise.all([returned, ...started]);
}
