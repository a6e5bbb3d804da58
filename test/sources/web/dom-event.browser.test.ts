// eventStream in Chromium: clicks on a real button and keystrokes in a real input, counted per
// batch and per window as in-page analytics would.
import { afterEach, describe, expect, it } from "vitest";
import { ManualClock, MemoryCheckpointStore, Seconds, StreamingContext } from "../../../src/index.ts";

const contexts: StreamingContext[] = [];
afterEach(async () => {
  for (const ssc of contexts.splice(0)) await ssc.stop();
  document.body.replaceChildren();
});

describe("eventStream in Chromium", () => {
  it("counts clicks per button over a sliding window, from the DOM's own MouseEvents", async () => {
    const buy = Object.assign(document.createElement("button"), { id: "buy" });
    const info = Object.assign(document.createElement("button"), { id: "info" });
    document.body.append(buy, info);
    const clock = new ManualClock();
    const ssc = new StreamingContext({ batchInterval: Seconds(1), clock, parallelism: 1, workers: false });
    contexts.push(ssc);
    ssc.checkpoint(new MemoryCheckpointStore()); // the window is incremental, as in Spark
    const counts: [number, [string, number][]][] = [];
    ssc
      .eventStream(document.body, "click", (e: MouseEvent) => (e.target as HTMLElement).id || undefined)
      .countByValueAndWindow(Seconds(2), Seconds(1))
      .foreachRDD(async (b, t) => void counts.push([t, (await b.collect()).sort()]));
    ssc.start();
    await clock.advance(0);
    buy.click();
    buy.click();
    info.click();
    document.body.click(); // no id: skipped
    await clock.advance(1000);
    buy.click();
    await clock.advance(1000);
    await clock.advance(1000);
    expect(counts).toEqual([
      [1000, [["buy", 2], ["info", 1]]],
      [2000, [["buy", 3], ["info", 1]]],
      [3000, [["buy", 1]]],
    ]);
  });

  it("makes records of an input's keyboard events with select", async () => {
    const input = document.createElement("input");
    document.body.append(input);
    const clock = new ManualClock();
    const ssc = new StreamingContext({ batchInterval: Seconds(1), clock, parallelism: 1, workers: false });
    contexts.push(ssc);
    const keys: string[] = [];
    ssc.eventStream(input, ["keydown"], (e: KeyboardEvent) => `${e.key}${e.shiftKey ? "+shift" : ""}`).foreachRDD(async (b) => void keys.push(...(await b.collect())));
    ssc.start();
    await clock.advance(0);
    input.dispatchEvent(new KeyboardEvent("keydown", { key: "a" }));
    input.dispatchEvent(new KeyboardEvent("keydown", { key: "B", shiftKey: true }));
    await clock.advance(1000);
    expect(keys).toEqual(["a", "B+shift"]);
  });
});
