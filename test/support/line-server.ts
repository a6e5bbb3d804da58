import { once } from "node:events";
import { type AddressInfo, createServer, type Server, type Socket } from "node:net";

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
