import { type DStream, Seconds } from "../../src/index.ts";
import { sorted } from "./spark-suite.ts";

/** Word counts as sorted pairs. */
export type Counts = [string, number][];

/** The counts of `words`, sorted: the reference a running count is checked against. */
export function count(words: readonly string[]): Counts {
  const m = new Map<string, number>();
  for (const w of words) m.set(w, (m.get(w) ?? 0) + 1);
  return sorted([...m]);
}

/** A running word count over `lines` (checkpointed every batch), its state after each batch in `states`. */
export function wordCount(lines: DStream<string>, states: Map<number, Counts>): void {
  const counts = lines
    .flatMap((l) => l.split(" ").filter((w) => w.length > 0))
    .map((w) => [w, 1] as const)
    .updateStateByKey<string, 1, number>((vs, s) => (s ?? 0) + vs.length);
  counts.checkpoint(Seconds(1));
  counts.foreachRDD(async (b, t) => void states.set(t, sorted(await b.collect())));
}
