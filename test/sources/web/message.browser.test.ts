// messageStream in Chromium: a dedicated worker of the page posts to a BroadcastChannel, as another
// tab of the origin would, and the page's context, reading the channel by name, gets the data.
import { afterEach, describe, expect, it } from "vitest";
import { ManualClock, Seconds, StreamingContext } from "../../../src/index.ts";
import { advanceUntil } from "../../support/advance-until.ts";

const contexts: StreamingContext[] = [];
const workers: Worker[] = [];
afterEach(async () => {
  for (const ssc of contexts.splice(0)) await ssc.stop();
  for (const w of workers.splice(0)) w.terminate();
});

const SENDER = `
onmessage = ({ data }) => {
  const channel = new BroadcastChannel(data.channel);
  for (const event of data.events) channel.postMessage(event);
  channel.close();
  postMessage("sent");
};
`;

describe("messageStream in Chromium", () => {
  it("receives what a worker posts to a BroadcastChannel of the same name, structured-cloned", async () => {
    const channel = `rivulet-events-${Date.now()}`;
    const clock = new ManualClock();
    const ssc = new StreamingContext({ batchInterval: Seconds(1), clock, parallelism: 1, workers: false });
    contexts.push(ssc);
    const out: unknown[] = [];
    ssc.messageStream<{ page: string; at: Date }>(channel).foreachRDD(async (b) => void out.push(...(await b.collect())));
    ssc.start();
    await clock.advance(0); // the source has subscribed

    const worker = new Worker(URL.createObjectURL(new Blob([SENDER], { type: "text/javascript" })));
    workers.push(worker);
    const sent = new Promise((resolve) => worker.addEventListener("message", resolve, { once: true }));
    const events = [
      { page: "/home", at: new Date(1) },
      { page: "/cart", at: new Date(2) },
    ];
    worker.postMessage({ channel, events });
    await sent;
    await advanceUntil(clock, () => {
      expect(out).toEqual(events);
    });
  });
});
