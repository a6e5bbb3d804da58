// A small HTTP server for the browser tests of the web sources, started once by vitest (a global
// setup of the browser project): server-sent events, an NDJSON body sent in pieces, a live NDJSON
// endpoint that closes after each response, and WebSocket
// endpoints (RFC 6455, just enough of it: the handshake, unmasked server frames, the close).
import { createHash } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import type { TestProject } from "vitest/node";

declare module "vitest" {
  export interface ProvidedContext {
    /** `http://127.0.0.1:<port>` of this server. */
    webSourceServer: string;
  }
}

const CORS = { "access-control-allow-origin": "*" };
const WEBSOCKET_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

/** Events in two connections: the first ends after id 3, the EventSource reconnects with Last-Event-ID 3. */
function serverSentEvents(req: IncomingMessage, res: ServerResponse): void {
  const last = req.headers["last-event-id"];
  // After the last event: 204 tells the EventSource to stop reconnecting.
  if (last === "5") return void res.writeHead(204, CORS).end();
  res.writeHead(200, { ...CORS, "content-type": "text/event-stream", "cache-control": "no-store" });
  if (last === undefined) {
    res.end("retry: 20\n\nid: 1\ndata: a\n\nevent: tick\nid: 2\ndata: t1\n\nid: 3\ndata: b1\ndata: b2\n\n");
  } else {
    res.end("id: 4\ndata: c\n\nevent: done\nid: 5\ndata: end\n\n");
  }
}

/** NDJSON in pieces that cut lines and a multi-byte character, one piece per event-loop turn. */
function jsonLines(res: ServerResponse): void {
  res.writeHead(200, { ...CORS, "content-type": "application/x-ndjson" });
  const body = Buffer.from('{"id":1,"city":"Zürich"}\n\n{"id":2,"city":"東京"}\nnot json\n{"id":3,"city":"Åre"}');
  const pieces = [body.subarray(0, 20), body.subarray(20, 45), body.subarray(45)];
  const next = (): void => void (pieces.length > 0 ? res.write(pieces.shift()!, () => setImmediate(next)) : res.end());
  next();
}

/** Responses so far per `/live/<name>` endpoint. */
const liveResponses = new Map<string, number>();

/**
 * A live NDJSON endpoint that closes after each response, as a proxy cutting a long poll would:
 * response k holds `{"response":k}`; the first also ends with half a record, cut by the close.
 */
function liveJsonLines(name: string, res: ServerResponse): void {
  const k = (liveResponses.get(name) ?? 0) + 1;
  liveResponses.set(name, k);
  res.writeHead(200, { ...CORS, "content-type": "application/x-ndjson", "cache-control": "no-store" });
  res.end(`{"response":${k}}\n${k === 1 ? '{"response":1,"cut' : ""}`);
}

function frame(opcode: number, payload: Buffer): Buffer {
  const n = payload.length;
  const header = n < 126 ? Buffer.from([0x80 | opcode, n]) : Buffer.from([0x80 | opcode, 126, n >> 8, n & 0xff]);
  return Buffer.concat([header, payload]);
}

const text = (s: string) => frame(0x1, Buffer.from(s));
const binary = (bytes: number[] | Buffer) => frame(0x2, Buffer.from(bytes));
const close = (code: number, reason: string) => frame(0x8, Buffer.concat([Buffer.from([code >> 8, code & 0xff]), Buffer.from(reason)]));

const WEBSOCKET_SCRIPTS: Record<string, Buffer[]> = {
  "/ws/messages": [text("hello"), binary([1, 2, 3]), text("wörld"), close(4000, "done")],
  "/ws/lines": [text("x\ny"), text("z\n"), binary(Buffer.from("w\nv")), close(1000, "")],
};

function upgrade(req: IncomingMessage, socket: Socket): void {
  const script = WEBSOCKET_SCRIPTS[req.url ?? ""];
  const key = req.headers["sec-websocket-key"];
  if (!script || typeof key !== "string") return void socket.destroy();
  const accept = createHash("sha1").update(key + WEBSOCKET_GUID).digest("base64");
  socket.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`);
  for (const f of script) socket.write(f);
  // The client answers the close frame with its own (opcode 8): then the TCP connection ends, cleanly.
  socket.on("data", (data: Buffer) => {
    if ((data[0]! & 0x0f) === 0x8) socket.end();
  });
  socket.on("error", () => socket.destroy());
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const server = createServer((req, res) => {
    if (req.url === "/sse") serverSentEvents(req, res);
    else if (req.url === "/ndjson") jsonLines(res);
    else if (req.url?.startsWith("/live/")) liveJsonLines(req.url.slice("/live/".length), res);
    else res.writeHead(404, CORS).end();
  });
  server.on("upgrade", upgrade);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  project.provide("webSourceServer", `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  return () => new Promise<void>((resolve) => server.close(() => resolve()));
}
