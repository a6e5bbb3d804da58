// Line sources over a connect function (src/sources/reconnecting.ts): textStream and
// jsonLinesStream open it again after each end, on the context's clock, as Spark restarts a
// receiver. Each connection is a stream the test fills and ends.
import { describe, expect, it } from "vitest";
import { Seconds, type StreamConnect } from "../../src/index.ts";
import { run, tick } from "./web/harness.ts";

/** A connect function handing out the streams the test queues: each `open()` call takes the next. */
function endpoint<C extends Uint8Array | string>() {
  const queued: ReadableStream<C>[] = [];
  let opened = 0;
  const connect: StreamConnect<C> = () => {
    opened++;
    const next = queued.shift();
    if (!next) throw new Error("503 Service Unavailable");
    return next;
  };
  const serve = (...chunks: C[]) => {
    queued.push(
      new ReadableStream<C>({
        start(controller) {
          for (const c of chunks) controller.enqueue(c);
          controller.close();
        },
      }),
    );
  };
  return { connect, serve, opened: () => opened };
}

const enc = new TextEncoder();

describe("textStream over a connect function", () => {
  it("opens it again 2 s after each end (the default), ending the last line of each response with it", async () => {
    const live = endpoint<Uint8Array>();
    live.serve(enc.encode("a b\nc"));
    live.serve(enc.encode("d\n"));
    const { clock, out, stopped } = run((ssc) => ssc.textStream(live.connect));
    await tick();
    await clock.advance(1000);
    expect(live.opened()).toBe(1);
    // 2 s after the end at 0: opened again before the batch of 2000 is made, which takes "d".
    await clock.advance(1000);
    expect(live.opened()).toBe(2);
    await clock.advance(1000);
    expect(out.map(([, r]) => r)).toEqual([["a b", "c"], ["d"], []]);
    // Both responses ended, each reported.
    expect(stopped.map((e) => e.lastErrorMessage)).toEqual(Array(2).fill("Restarting receiver with delay 2000ms: textStream: the stream ended"));
  });

  it("ends a line of string chunks with a string, and retries a connect that throws", async () => {
    const live = endpoint<string>();
    const { clock, out, stopped } = run((ssc) => ssc.textStream(live.connect, { reconnectDelay: Seconds(1) }));
    await tick();
    live.serve("x\ny");
    await clock.advance(1000);
    await clock.advance(1000);
    expect(out.flatMap(([, r]) => r)).toEqual(["x", "y"]);
    expect(stopped[0]!.lastErrorMessage).toBe("Restarting receiver with delay 1000ms: textStream: could not open the stream: 503 Service Unavailable");
  });

  it("with reconnectDelay: false, ends at the first end; reconnectDelay is refused on a plain stream", async () => {
    const live = endpoint<Uint8Array>();
    live.serve(enc.encode("only\n"));
    const { clock, out, events, ssc } = run((s) => s.textStream(live.connect, { reconnectDelay: false }));
    await tick();
    await clock.advance(5000);
    expect(out.flatMap(([, r]) => r)).toEqual(["only"]);
    expect(events).toEqual(["started", "stopped the stream ended"]);
    expect(live.opened()).toBe(1);
    expect(() => ssc.textStream(new ReadableStream<Uint8Array>(), { reconnectDelay: Seconds(1) })).toThrowError(
      expect.objectContaining({ code: "INVALID_ARGUMENT", message: expect.stringContaining("reconnectDelay applies to a connect function") }),
    );
  });
});

describe("jsonLinesStream over a connect function", () => {
  it("goes on with the next response; a record cut by an end is invalid JSON, dropped and counted", async () => {
    const live = endpoint<Uint8Array>();
    live.serve(enc.encode('{"n":1}\n{"n":'));
    live.serve(enc.encode('{"n":2}\n'));
    const { clock, out, infos } = run((ssc) => ssc.jsonLinesStream<{ n: number }>(live.connect, { reconnectDelay: Seconds(1) }));
    await tick();
    await clock.advance(1000);
    await clock.advance(1000);
    expect(out.flatMap(([, r]) => r)).toEqual([{ n: 1 }, { n: 2 }]);
    expect(infos.at(-1)!.metadata["invalidJson"]).toBe(1);
  });
});
