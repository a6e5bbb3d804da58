// What kinds of keys code under test hands to Maps (a Map hashes numbers and bigints with no seed:
// code keyed by data it did not choose must not give it those).
import { vi } from "vitest";

/** Runs `body` and returns `typeof` of every key it passed to a Map's get, set, has or delete. */
export function mapKeyTypes(body: () => void): Set<string> {
  const seen = new Set<string>();
  const spies = (["get", "set", "has", "delete"] as const).map((name) => {
    const original = Map.prototype[name] as (this: Map<unknown, unknown>, ...args: unknown[]) => unknown;
    return vi.spyOn(Map.prototype, name).mockImplementation(function (this: Map<unknown, unknown>, ...args: unknown[]) {
      seen.add(typeof args[0]);
      return original.apply(this, args);
    });
  });
  try {
    body();
  } finally {
    for (const spy of spies) spy.mockRestore();
  }
  return seen;
}
