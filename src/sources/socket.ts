import { RivuletError } from "../core/errors.ts";
import { TextSource, type TextStreamOptions } from "./text.ts";

/** Opens a TCP connection and gives its bytes: Node's `net`, Deno's `Deno.connect`, workerd's `connect()`. */
export type TcpConnect = (hostname: string, port: number) => ReadableStream<Uint8Array> | Promise<ReadableStream<Uint8Array>>;

export interface SocketTextStreamOptions extends TextStreamOptions {
  /**
   * How to open the connection where the runtime's own is not known: e.g. in Cloudflare workerd,
   * `(hostname, port) => connect({ hostname, port }).readable` with `connect` from
   * `"cloudflare:sockets"`. Default: Node's `net`, or `Deno.connect`.
   */
  connect?: TcpConnect;
}

const NAME = "socketTextStream";

/**
 * Spark's `socketTextStream(hostname, port)`: the lines a TCP server sends, UTF-8, one record a
 * line, cut as `textStream` cuts them. Reading is pulled, so a slow job slows the sender (TCP's
 * own flow control). As Spark's socket receiver, a lost or refused connection is reported and
 * tried again after `reconnectDelay` (2 s; `false`: the first end ends the stream); the last line
 * of a connection ends with it.
 */
export class SocketSource extends TextSource {
  override readonly name = NAME;

  constructor(hostname: string, port: number, options: SocketTextStreamOptions, platformConnect: TcpConnect | undefined, segmentBytes?: number, sharedBatches = false) {
    if (typeof hostname !== "string" || hostname === "") throw new RivuletError("INVALID_ARGUMENT", `${NAME}: hostname must be a non-empty string, got ${JSON.stringify(hostname)}`);
    if (!Number.isInteger(port) || port < 1 || port > 65535) throw new RivuletError("INVALID_ARGUMENT", `${NAME}: port must be an integer from 1 to 65535, got ${port}`);
    const { connect = platformConnect, ...textOptions } = options;
    if (!connect) {
      throw new RivuletError(
        "UNSUPPORTED",
        `${NAME}: this runtime has no TCP sockets known to Rivulet; pass options.connect (e.g. workerd's connect() from "cloudflare:sockets"), or use webSocketStream in a browser`,
      );
    }
    super(() => connect(hostname, port), textOptions, segmentBytes, sharedBatches, { name: NAME, address: `${hostname}:${port}` });
  }
}
