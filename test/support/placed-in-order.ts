// The shared check of the slot tables' tests (StringSlots, NumberSlots).
import { expect } from "vitest";

interface Slots<K> {
  slotOf(key: K, keys: readonly unknown[]): number;
  find(key: K, keys: readonly unknown[]): number;
}

/** `table` given `distinct` keys in order: each placed as new in the next slot, then found there. */
export function placedInOrder<K, T extends Slots<K>>(table: T, distinct: readonly K[]): [T, K[]] {
  const keys: K[] = [];
  for (const k of distinct) {
    expect(table.slotOf(k, keys)).toBe(-1);
    keys.push(k);
  }
  distinct.forEach((k, i) => expect(table.find(k, keys)).toBe(i));
  return [table, keys];
}
