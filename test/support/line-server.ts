import { once } from "node:events";
import { type AddressInfo, createServer, type Server, type Socket } from "node:net";
import { expect, vi } from "vitest";
import type { StreamingContext } from "../../src/index.ts";

/** A TCP server on a free local port keeping its side of every connection, in order. */
export async function collectingServer(): Promise<{ server: Server; port: number; connections: Socket[] }> {
  const connections: Socket[] = [];
  const server = createServer((socket) => void connections.push(socket));
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  return { server, port: (server.address() as AddressInfo).port, connections };
}

/** A TCP server handing its connections to the test, in order. */
export class LineServer {
  private readonly server: Server = createServer((socket) => this.accepted(socket));
  private readonly queued: Socket[] = [];
  private readonly waiting: ((socket: Socket) => void)[] = [];
  private readonly sockets: Socket[] = [];

  async listen(): Promise<number> {
    this.server.listen(0, "127.0.0.1");
    await once(this.server, "listening");
    return (this.server.address() as AddressInfo).port;
  }

  /** The next connection the receiver opens. */
  next(): Promise<Socket> {
    const socket = this.queued.shift();
    return socket ? Promise.resolve(socket) : new Promise((resolve) => this.waiting.push(resolve));
  }

  /**
   * A function that sends its text on the receiver's next connection and closes it, resolving
   * once `ssc` reports the receiver stopped: every line sent is then held for the next batch.
   */
  sender(ssc: StreamingContext): (text: string) => Promise<void> {
    let closes = 0;
    let sent = 0;
    ssc.addStreamingListener({ onReceiverStopped: () => void closes++ });
    return async (text) => {
      const socket = await this.next();
      socket.end(text);
      const expected = ++sent;
      await vi.waitFor(() => expect(closes).toBe(expected), { timeout: 5000, interval: 5 });
    };
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accepted(socket: Socket): void {
    this.sockets.push(socket);
    const waiter = this.waiting.shift();
    if (waiter) waiter(socket);
    else this.queued.push(socket);
  }
}
