// The README's page example, run as written but for a manual clock and fresh names: clicks on
// tracked elements, posted by the page to a BroadcastChannel, counted per sliding window by the
// tab holding the lock, its checkpoints and write-ahead log in IndexedDB; then a second context
// takes over once the first stops, as another tab would, and processes what the first received
// (no checkpoint covers it yet: it comes back from the log).
import { afterEach, describe, expect, it } from "vitest";
import { IndexedDBCheckpointStore, ManualClock, Minutes, Seconds, StreamingContext } from "../src/index.ts";
import { advanceUntil } from "./support/advance-until.ts";

const cleanups: (() => void | Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  document.body.replaceChildren();
});

describe("the README's page example", () => {
  it("counts tracked clicks from the origin's channel in the leader tab, and a successor goes on from what the leader received", async () => {
    const name = `clicks-${Date.now()}`;
    const channel = new BroadcastChannel(name);
    const onClick = (e: MouseEvent) => {
      const id = (e.target as HTMLElement).dataset["track"];
      if (id) channel.postMessage(id);
    };
    document.addEventListener("click", onClick);
    cleanups.push(() => document.removeEventListener("click", onClick));
    cleanups.push(() => channel.close());
    cleanups.push(
      () => new Promise<void>((resolve) => Object.assign(indexedDB.deleteDatabase(name), { onsuccess: () => resolve(), onerror: () => resolve(), onblocked: () => resolve() })),
    );
    const buttons = ["buy", "buy", "info", ""].map((track) => {
      const b = document.createElement("button");
      if (track) b.dataset["track"] = track;
      document.body.append(b);
      return b;
    });

    const rendered: [string, number][][] = [];
    const render = (top: [string, number][]) => void rendered.push(top);
    const store = new IndexedDBCheckpointStore(name);
    const open = (clock: ManualClock) =>
      StreamingContext.getOrCreate(
        store,
        () => {
          const ssc = new StreamingContext({ batchInterval: Seconds(1), clock, parallelism: 1, workers: false });
          ssc.checkpoint(store, { writeAheadLog: true });
          ssc
            .messageStream<string>(name)
            .countByValueAndWindow(Minutes(1), Seconds(1))
            .foreachRDD(async (batch) => render(await batch.top(5, ([, a], [, b]) => a - b)));
          return ssc;
        },
        { originLock: { name, wait: true } },
      );

    const clock = new ManualClock();
    const leader = await open(clock);
    cleanups.push(() => leader.stop());
    leader.start();
    await clock.advance(0);
    for (const b of buttons) b.click();
    // The channel delivers in a later task: advance until the batch has the clicks.
    await advanceUntil(clock, () => {
      expect(rendered.at(-1)).toEqual([
        ["buy", 2],
        ["info", 1],
      ]);
    });
    await leader.stop();

    // The next holder of the lock gets the leader's clicks back from the log in IndexedDB.
    const next = new ManualClock(clock.now());
    const successor = await open(next);
    cleanups.push(() => successor.stop());
    successor.start();
    await next.advance(0);
    buttons[2]!.click();
    await advanceUntil(next, () => {
      expect(rendered.at(-1)).toEqual([
        ["buy", 2],
        ["info", 2],
      ]);
    });
  });
});
