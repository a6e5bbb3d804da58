import type { InputSource } from "../dstream/input.ts";
import type { ReplayPositions } from "./batch-positions.ts";

/**
 * How long a restart waits, at most, for its inputs to hold again what the batches after the
 * checkpoint first took: Spark's `spark.network.timeout`, which bounds how long a regenerated
 * Kafka batch polls for its recorded offsets.
 */
export const REPLAY_WAIT_MS = 120_000;

export interface ReplayedInput {
  readonly streamId: number;
  readonly source: InputSource<unknown>;
}

/** An input that will give batches made again less than they first had, and why. */
export interface ShortInput {
  readonly streamId: number;
  readonly name: string;
  /** The batches whose recorded position it did not reach. */
  readonly times: readonly number[];
  readonly reason: "ended" | "timeout";
}

export interface ReplayWait {
  /** Settles once every input has answered or the bound has passed, with the inputs that fell short. */
  readonly done: Promise<ShortInput[]>;
  /** Stops waiting (the context is stopping): `done` settles at once. */
  cancel(): void;
}

/**
 * Asks every input that can (`InputSource.reach`) to get back to the positions recorded for the
 * batches to be made again, and waits for the answers, at most `timeoutMs` of real time: a
 * reopened stream receives its data again asynchronously, and the context's clock may not move
 * (a restart catches up on past batches at once). Undefined when there is nothing to wait for.
 */
export function awaitReplayInputs(inputs: readonly ReplayedInput[], positions: ReplayPositions, timeoutMs = REPLAY_WAIT_MS): ReplayWait | undefined {
  const asked: { streamId: number; name: string; time: number; reached: Promise<boolean> }[] = [];
  for (const { streamId, source } of inputs) {
    if (typeof source.reach !== "function") continue;
    for (const [time, at] of positions) {
      if (!at.has(streamId)) continue;
      // An input that fails to answer has not reached the position.
      const reached = Promise.resolve()
        .then(() => source.reach!(at.get(streamId)))
        .catch(() => false);
      asked.push({ streamId, name: source.name, time, reached });
    }
  }
  if (asked.length === 0) return undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let expire!: () => void;
  const expired = new Promise<"timeout">((resolve) => {
    expire = () => resolve("timeout");
    timer = setTimeout(expire, timeoutMs);
  });
  const done = (async () => {
    const answers = await Promise.all(asked.map(({ reached }) => Promise.race([reached.then((r) => (r ? "reached" : "ended")), expired])));
    clearTimeout(timer);
    const short = new Map<number, { streamId: number; name: string; times: number[]; reason: "ended" | "timeout" }>();
    for (const [i, answer] of answers.entries()) {
      if (answer === "reached") continue;
      const { streamId, name, time } = asked[i]!;
      let entry = short.get(streamId);
      if (!entry) short.set(streamId, (entry = { streamId, name, times: [], reason: answer }));
      entry.times.push(time);
      if (answer === "timeout") entry.reason = "timeout";
    }
    for (const entry of short.values()) entry.times.sort((a, b) => a - b);
    return [...short.values()];
  })();
  return {
    done,
    cancel: () => {
      clearTimeout(timer);
      expire();
    },
  };
}
