// The web sources in real headless Chromium: a fetch body's NDJSON (once, and a live endpoint
// fetched again after each response), a real EventSource (with its
// own reconnection), and a real WebSocket, against the server of test/support/web-source-server.ts.
import { describe, expect, inject, it } from "vitest";
import { type EventSourceLike, type RivuletError, Seconds, type ServerSentEvent, type StreamingContext, type WebSocketLike } from "../../../src/index.ts";
import { advanceUntil } from "../../support/advance-until.ts";
import { run } from "./harness.ts";

const server = inject("webSourceServer");

/** Resolves when the context's (only) input reports that it stopped: every record it got is then buffered. */
function stopped(ssc: StreamingContext): Promise<void> {
  return new Promise((resolve) => ssc.addStreamingListener({ onReceiverStopped: () => resolve() }));
}

describe("web sources in Chromium", () => {
  it("jsonLinesStream parses a fetch body sent in pieces", async () => {
    const response = await fetch(`${server}/ndjson`);
    const { ssc, clock, out, infos, errors } = run((c) => c.jsonLinesStream<{ id: number; city: string }>(response.body!), { start: false });
    const ended = stopped(ssc);
    ssc.start();
    await ended;
    await clock.advance(1000);
    expect(out).toEqual([
      [
        1000,
        [
          { id: 1, city: "Zürich" },
          { id: 2, city: "東京" },
          { id: 3, city: "Åre" },
        ],
      ],
    ]);
    expect(infos[0]!.metadata).toEqual({ invalidJson: 1, invalidUtf8: 0, overlongLines: 0 });
    expect(errors.map((e) => e.lastErrorMessage)).toEqual([expect.stringMatching(/not JSON .*"not json"$/)]);
  });

  it("jsonLinesStream over a connect function fetches a live endpoint again after each response ends", async () => {
    const url = `${server}/live/${Date.now()}`;
    const { clock, out, infos, stopped } = run((c) => c.jsonLinesStream<{ response: number }>(() => fetch(url).then((r) => r.body!), { reconnectDelay: Seconds(1) }));
    await advanceUntil(clock, () => expect(out.flatMap(([, r]) => r).slice(0, 3)).toEqual([{ response: 1 }, { response: 2 }, { response: 3 }]));
    // The first response's last line, cut by its end, is not JSON.
    expect(infos.at(-1)!.metadata["invalidJson"]).toBe(1);
    expect(stopped.map((e) => e.lastErrorMessage)).toContain("Restarting receiver with delay 1000ms: jsonLinesStream: the stream ended");
  });

  it("jsonLinesStream reads a Blob URL's fetch body, and a File through a replayable source", async () => {
    const url = URL.createObjectURL(new Blob(['{"n":1}\n{"n":2}\n']));
    try {
      const body = (await fetch(url)).body!;
      const first = run((c) => c.jsonLinesStream(body), { start: false });
      const ended = stopped(first.ssc);
      first.ssc.start();
      await ended;
      await first.clock.advance(1000);
      expect(first.out).toEqual([[1000, [{ n: 1 }, { n: 2 }]]]);
      await first.ssc.stop();
    } finally {
      URL.revokeObjectURL(url);
    }

    const file = new File(['{"n":3}\n{"n":4}'], "records.ndjson");
    const second = run((c) => c.jsonLinesStream({ open: (offset) => file.slice(offset).stream() }), { start: false });
    const ended = stopped(second.ssc);
    second.ssc.start();
    await ended;
    await second.clock.advance(1000);
    expect(second.out).toEqual([[1000, [{ n: 3 }, { n: 4 }]]]);
  });

  it("eventSourceStream opens a URL, follows the EventSource's reconnection (Last-Event-ID), and stops when it gives up", async () => {
    const { ssc, clock, out, events } = run((c) => c.eventSourceStream(`${server}/sse`, { events: ["message", "tick", "done"], format: "event" }), { start: false });
    const ended = stopped(ssc);
    ssc.start();
    await ended;
    await clock.advance(1000);
    const expected: ServerSentEvent[] = [
      { type: "message", data: "a", lastEventId: "1" },
      { type: "tick", data: "t1", lastEventId: "2" },
      { type: "message", data: "b1\nb2", lastEventId: "3" },
      { type: "message", data: "c", lastEventId: "4" },
      { type: "done", data: "end", lastEventId: "5" },
    ];
    expect(out).toEqual([[1000, expected]]);
    expect(events.filter((e) => e === "started")).toHaveLength(2); // the first connection and the reconnection
    expect(events.some((e) => e.endsWith("was lost; it reconnects by itself"))).toBe(true);
    expect(events.at(-1)).toMatch(/^stopped the EventSource to .*\/sse failed and will not reconnect/);
  });

  it("eventSourceStream takes the data of message events from an EventSource passed in", async () => {
    const source: EventSourceLike = new EventSource(`${server}/sse`);
    try {
      const { ssc, clock, out } = run((c) => c.eventSourceStream(source), { start: false });
      const ended = stopped(ssc);
      ssc.start();
      await ended;
      await clock.advance(1000);
      expect(out).toEqual([[1000, ["a", "b1\nb2", "c"]]]);
    } finally {
      source.close();
    }
  });

  it("webSocketStream opens a URL and takes text and binary messages; the server's close is reported with its code and reason", async () => {
    const { ssc, clock, out, stopped: infos } = run((c) => c.webSocketStream(`${server}/ws/messages`), { start: false });
    const ended = stopped(ssc);
    ssc.start();
    await ended;
    await clock.advance(1000);
    expect(out).toEqual([[1000, ["hello", new Uint8Array([1, 2, 3]), "wörld"]]]);
    expect(infos[0]!.lastErrorMessage).toMatch(/^the WebSocket to ws:\/\/127\.0\.0\.1:\d+\/ws\/messages closed \(code 4000, reason "done"\)$/);
    expect((infos[0]!.lastError as RivuletError).code).toBe("SOURCE_FAILED");
  });

  it("webSocketStream cuts a WebSocket's messages into lines, the close ending the last one", async () => {
    const socket: WebSocketLike = new WebSocket(`${server.replace(/^http/, "ws")}/ws/lines`);
    const { ssc, clock, out, stopped: infos } = run((c) => c.webSocketStream(socket, { lines: true }), { start: false });
    const ended = stopped(ssc);
    ssc.start();
    await ended;
    await clock.advance(1000);
    expect(out).toEqual([[1000, ["x", "yz", "w", "v"]]]);
    expect(infos[0]!.lastErrorMessage).toMatch(/closed \(code 1000\)$/);
    expect(infos[0]!.lastError).toBeUndefined();
  });

  it("a WebSocketStream (Chromium only) needs no bounded buffer: its readable is pulled by readableStream", async () => {
    interface WebSocketStreamLike {
      readonly opened: Promise<{ readonly readable: ReadableStream<string | ArrayBuffer> }>;
    }
    const Ctor = (globalThis as { WebSocketStream?: new (url: string) => WebSocketStreamLike }).WebSocketStream;
    expect(Ctor).toBeTypeOf("function");
    const { readable } = await new Ctor!(`${server.replace(/^http/, "ws")}/ws/messages`).opened;
    // Binary messages come as ArrayBuffers here.
    const { ssc, clock, out } = run((c) => c.readableStream(readable).map((m) => (typeof m === "string" ? m : new Uint8Array(m))), { start: false });
    const ended = stopped(ssc);
    ssc.start();
    await ended;
    await clock.advance(1000);
    expect(out).toEqual([[1000, ["hello", new Uint8Array([1, 2, 3]), "wörld"]]]);
  });
});
