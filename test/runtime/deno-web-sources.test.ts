// The web sources in a real Deno 2 (the `deno` npm package's binary), with Deno's own fetch,
// EventSource and WebSocket against a Deno.serve server in the same process: the fixture
// (test/fixtures/runtime/deno-web-sources.ts, bundled for the web platform) prints what each
// context saw, checked here batch by batch. Then the origin lock with Deno's navigator.locks: a
// second copy of the library, in the same realm or in a Worker, cannot start a context while the
// first holds the lock, and can once it has stopped.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import type { LockAttempt } from "../fixtures/runtime/deno-origin-lock.ts";
import type { RunReport } from "../fixtures/runtime/deno-web-sources.ts";
import { bundleFixture, Children, denoBinary, output, versionOf } from "./support.ts";

interface Report {
  deno: string;
  userAgent: string;
  jsonLines: RunReport;
  eventSourceFromUrl: RunReport;
  eventSourcePassedIn: RunReport & { readyStateAfterStop: number };
  lastEventIds: (string | null)[];
  webSocketFromUrl: RunReport;
  webSocketLines: RunReport & { binaryType: string };
  rateLimitedText: RunReport & { linesReadBeforeBatch: number[]; linesReadAtEnd: number };
  socketText: RunReport;
  socketFrames: RunReport;
  messagesAndEvents: { messages: RunReport; events: RunReport };
  originLock: {
    locks: boolean;
    holder?: { batches: [number, number[]][]; activeInThisCopy: boolean };
    moduleWhileHeld?: LockAttempt;
    workerWhileHeld?: LockAttempt;
    workerAfterStop?: LockAttempt;
    moduleAfterStop?: LockAttempt;
  };
}

const children = new Children();
let dir: string;
let version: string;
let report: Report;

beforeAll(async () => {
  const deno = denoBinary();
  version = versionOf(deno);
  dir = await mkdtemp(join(tmpdir(), "rivulet-deno-web-"));
  // Two bundles side by side, each with its own copy of the library: the entry, and the module it
  // imports (and runs as a Worker) for the origin lock.
  const main = join(dir, "main.js");
  const lockModule = join(dir, "deno-origin-lock.js");
  await bundleFixture("deno-web-sources.ts", main);
  await bundleFixture("deno-origin-lock.ts", lockModule);
  // Network access to 127.0.0.1 only (the server listens there, the sources connect there), and
  // read access to the one file loaded by a dynamic import and a Worker. --no-prompt turns any
  // other permission request into an error instead of a wait for input.
  const child = children.spawn(
    deno,
    ["run", "--quiet", "--no-prompt", "--no-config", "--allow-net=127.0.0.1", `--allow-read=${lockModule}`, main],
    {
      cwd: dir,
      env: { PATH: process.env["PATH"] ?? "", HOME: dir, DENO_DIR: join(dir, "deno-dir"), DENO_NO_UPDATE_CHECK: "1", NO_COLOR: "1" },
    },
  );
  const { code, stdout, stderr } = await output(child, 15_000);
  expect(stderr).toBe("");
  expect(code).toBe(0);
  const lines = stdout.trim().split("\n");
  expect(lines).toHaveLength(1);
  report = JSON.parse(lines[0]!) as Report;
});

afterAll(async () => {
  await children.killAll();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const FAILED_FOR_GOOD =
  "the EventSource to SERVER/sse failed and will not reconnect (an HTTP error, or a response that is not text/event-stream)";
const RECONNECTS = "error the connection of the EventSource to SERVER/sse was lost; it reconnects by itself";

it("runs in Deno 2", () => {
  expect(version).toMatch(/^deno 2\./);
  expect(report.deno).toBe(version.split(" ")[1]);
  expect(report.userAgent).toBe(`Deno/${report.deno}`);
});

it("jsonLinesStream parses a fetch body sent in pieces that cut multi-byte characters", () => {
  expect(report.jsonLines).toEqual({
    batches: [
      [
        1000,
        [
          { id: 1, city: "Zürich" },
          { id: 2, city: "東京" },
          { id: 3, city: "Åre" },
        ],
      ],
    ],
    inputs: [{ numRecords: 3, metadata: { invalidJson: 1, invalidUtf8: 0, overlongLines: 0 } }],
    receiver: [
      "started",
      expect.stringMatching(/^error jsonLinesStream dropped a line that is not JSON \(.+\): "not json"$/),
      "stopped the stream ended",
    ],
    stopError: null,
  });
});

it("eventSourceStream opens Deno's EventSource on a URL, follows its reconnection with Last-Event-ID, and stops when it gives up", () => {
  expect(report.eventSourceFromUrl).toEqual({
    batches: [
      [
        1000,
        [
          { type: "message", data: "a", lastEventId: "1" },
          { type: "tick", data: "t1", lastEventId: "2" },
          { type: "message", data: "b1\nb2", lastEventId: "3" },
          { type: "message", data: "c", lastEventId: "4" },
          { type: "done", data: "end", lastEventId: "5" },
        ],
      ],
    ],
    inputs: [{ numRecords: 5, metadata: { droppedMessages: 0, unreadableMessages: 0 } }],
    // Two connections, each reported as the receiver starting; the 204 of the third ends the stream.
    receiver: ["started", RECONNECTS, "started", RECONNECTS, `error ${FAILED_FOR_GOOD}`, `stopped ${FAILED_FOR_GOOD}`],
    stopError: "SOURCE_FAILED",
  });
  // What the server was asked, for this run and the next: first without Last-Event-ID, then after
  // event 3 (the end of the first connection), then after event 5 (answered 204).
  expect(report.lastEventIds).toEqual([null, "3", "5", null, "3", "5"]);
});

it("eventSourceStream takes the data of the message events of an EventSource passed in", () => {
  expect(report.eventSourcePassedIn).toEqual({
    batches: [[1000, ["a", "b1\nb2", "c"]]],
    inputs: [{ numRecords: 3, metadata: { droppedMessages: 0, unreadableMessages: 0 } }],
    receiver: ["started", RECONNECTS, "started", RECONNECTS, `error ${FAILED_FOR_GOOD}`, `stopped ${FAILED_FOR_GOOD}`],
    stopError: "SOURCE_FAILED",
    readyStateAfterStop: 2, // closed by the EventSource itself
  });
});

it("webSocketStream opens Deno's WebSocket on a URL and takes text and binary messages; the close (1000) is reported, not as an error", () => {
  expect(report.webSocketFromUrl).toEqual({
    batches: [[1000, ["hello", { bytes: [1, 2, 3] }, "wörld"]]],
    inputs: [{ numRecords: 3, metadata: { droppedMessages: 0, unreadableMessages: 0 } }],
    receiver: ["started", 'stopped the WebSocket to SERVER/ws/messages closed (code 1000, reason "done")'],
    stopError: null,
  });
});

it("webSocketStream cuts a WebSocket's text and binary messages into lines, the close ending the last one", () => {
  expect(report.webSocketLines).toEqual({
    batches: [[1000, ["x", "yz", "w", "v"]]],
    inputs: [{ numRecords: 4, metadata: { droppedMessages: 0, unreadableMessages: 0, invalidUtf8: 0, overlongLines: 0 } }],
    receiver: ["started", "stopped the WebSocket to SERVER/ws/lines closed (code 1000)"],
    stopError: null,
    binaryType: "blob -> arraybuffer",
  });
});

it("maxRate caps each batch of a textStream over a fetch body at maxRate × interval, and the body is read no further ahead", () => {
  const text = report.rateLimitedText;
  expect({ batches: text.batches, inputs: text.inputs.map((i) => i.numRecords) }).toEqual({
    batches: [
      [1000, ["eins", "zwei", "drei", "vier"]],
      [2000, ["fünf", "sechs", "sieben", "acht"]],
      [3000, ["neun", "zehn"]],
      [4000, []],
    ],
    inputs: [4, 4, 2, 0],
  });
  expect(text.inputs.map((i) => i.metadata)).toEqual(Array(4).fill({ invalidUtf8: 0, overlongLines: 0 }));
  // Lines read from the body when the batches at 1000 and 2000 were made: one batch's share.
  expect(text.linesReadBeforeBatch).toEqual([4, 8]);
  expect(text.linesReadAtEnd).toBe(10);
  expect(text.receiver).toEqual(["started", "stopped the stream ended"]);
  expect(text.stopError).toBeNull();
});

it("socketTextStream reads the lines of a TCP listener through Deno.connect, the last one ended by the close", () => {
  const socket = report.socketText;
  expect(socket.batches).toEqual([[1000, ["to be", "or not", "to be"]]]);
  expect(socket.receiver).toEqual(["started", "stopped the stream ended"]);
  expect(socket.stopError).toBeNull();
});

it("socketStream reads length-prefixed frames cut across writes through Deno.connect, with its converter", () => {
  const socket = report.socketFrames;
  expect(socket.batches).toEqual([[1000, ["größe", "東京"]]]);
  expect(socket.receiver).toEqual(["started", "stopped the stream ended"]);
  expect(socket.stopError).toBeNull();
});

it("messageStream reads a MessageChannel port, and eventStream an EventTarget, in Deno", () => {
  const { messages, events } = report.messagesAndEvents;
  expect(messages.batches.map(([, records]) => records)).toEqual([[{ n: 1 }]]);
  expect(messages.receiver).toEqual(["started", "stopped stopped with the context"]);
  expect(events.batches).toEqual([[1000, [7, 8]]]);
});

it("originLock: true holds Deno's navigator.locks against a second copy of the library in the same realm and in a Worker", () => {
  const lock = report.originLock;
  expect(lock.locks).toBe(true);
  expect(lock.holder).toEqual({ batches: [[1000, [7]]], activeInThisCopy: true });

  const refused: LockAttempt = {
    activeInThisCopy: false, // that copy's one-context-per-realm rule does not see the holder
    outcome: "ANOTHER_CONTEXT_ACTIVE",
    batches: [],
    reported: [
      'Rivulet: a streaming job failed: RivuletError another StreamingContext is active in this origin: another tab, window or worker holds the Web Lock "rivulet:streaming-context"; ' +
        "stop it first, wait for it (originLock: { wait: true }), or give independent jobs lock names of their own (originLock: { name })",
    ],
    state: "stopped",
  };
  expect(lock.moduleWhileHeld).toEqual(refused);
  expect(lock.workerWhileHeld).toEqual(refused);

  // Once the holder has stopped, the lock is free: the worker's context runs, then this realm's.
  const granted: LockAttempt = { activeInThisCopy: false, outcome: "started", batches: [[1000, [1, 2]]], reported: [], state: "stopped" };
  expect(lock.workerAfterStop).toEqual(granted);
  expect(lock.moduleAfterStop).toEqual(granted);
});
