import type { Duration } from "../core/duration.ts";
import { RivuletError } from "../core/errors.ts";
import { reconnectDelayMs, reconnectingRecords } from "./reconnecting.ts";
import { StreamSource } from "./stream-source.ts";
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

/** Rejects what cannot be a TCP address; gives the `connect` to use. */
function checkedConnect(name: string, hostname: string, port: number, given: TcpConnect | undefined, platformConnect: TcpConnect | undefined): TcpConnect {
  if (typeof hostname !== "string" || hostname === "") throw new RivuletError("INVALID_ARGUMENT", `${name}: hostname must be a non-empty string, got ${JSON.stringify(hostname)}`);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new RivuletError("INVALID_ARGUMENT", `${name}: port must be an integer from 1 to 65535, got ${port}`);
  const connect = given ?? platformConnect;
  if (!connect) {
    throw new RivuletError(
      "UNSUPPORTED",
      `${name}: this runtime has no TCP sockets known to Rivulet; pass options.connect (e.g. workerd's connect() from "cloudflare:sockets"), or use webSocketStream in a browser`,
    );
  }
  return connect;
}

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
    const { connect: given, ...textOptions } = options;
    const connect = checkedConnect(NAME, hostname, port, given, platformConnect);
    super(() => connect(hostname, port), textOptions, segmentBytes, sharedBatches, { name: NAME, address: `${hostname}:${port}` });
  }
}

/**
 * Spark's `converter`: the records of one connection from its bytes, as they arrive. A stream, an
 * async generator (`async function* (bytes) { for await (const chunk of bytes) yield* frames(chunk) }`)
 * or any (async) iterable. Called once per connection.
 */
export type SocketConverter<T> = (bytes: ReadableStream<Uint8Array>) => ReadableStream<T> | AsyncIterable<T> | Iterable<T>;

export interface SocketStreamOptions {
  /** As for `socketTextStream`: how to open the connection where the runtime's own is not known. */
  connect?: TcpConnect;
  /** How long after a lost or refused connection (or a converter that threw) to connect again; `false` never does. Default 2 s. */
  reconnectDelay?: Duration | false;
}

const RECORDS_NAME = "socketStream";

/**
 * Spark's `socketStream(hostname, port, converter)`: the records `converter` makes of the bytes a
 * TCP server sends, for protocols other than lines (length-prefixed frames, a binary format).
 * Pulled, as `socketTextStream`: the converter reads the bytes as the job takes its records. A
 * lost or refused connection, or a converter that throws, is reported and the connection opened
 * again after `reconnectDelay`, as Spark restarts the receiver.
 */
export class SocketRecordsSource<T> extends StreamSource<T, T> {
  readonly name = RECORDS_NAME;

  constructor(hostname: string, port: number, converter: SocketConverter<T>, options: SocketStreamOptions, platformConnect: TcpConnect | undefined) {
    const connect = checkedConnect(RECORDS_NAME, hostname, port, options.connect, platformConnect);
    if (typeof converter !== "function") throw new RivuletError("INVALID_ARGUMENT", `${RECORDS_NAME}: converter must be a function of a connection's bytes (a ReadableStream<Uint8Array>)`);
    const reconnectMs = reconnectDelayMs(options.reconnectDelay, RECORDS_NAME);
    const label = { name: RECORDS_NAME, address: `${hostname}:${port}` };
    super((_offset, context) => reconnectingRecords(async () => converted(await connect(hostname, port), converter), context, label, reconnectMs), false);
  }

  protected accept(record: T, out: T[]): void {
    out.push(record);
  }
}

/**
 * One connection's records: `converter` reads the bytes through a stream this side holds the
 * reader of, so that however the records end (the converter done, failed, or the records
 * cancelled while it waits for bytes), the connection is let go.
 */
function converted<T>(bytes: ReadableStream<Uint8Array>, converter: SocketConverter<T>): ReadableStream<T> {
  const source = bytes.getReader();
  const letGo = (reason?: unknown) => source.cancel(reason).catch(() => undefined);
  const handed = new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        const next = await source.read();
        if (next.done) controller.close();
        else controller.enqueue(next.value);
      },
      cancel: letGo,
    },
    { highWaterMark: 0 },
  );
  let next: () => Promise<IteratorResult<T>>;
  let stop: () => void;
  try {
    const records = converter(handed);
    if (typeof (records as Partial<ReadableStream<T>>).getReader === "function") {
      const reader = (records as ReadableStream<T>).getReader();
      next = () => reader.read() as Promise<IteratorResult<T>>;
      stop = () => void reader.cancel().catch(() => undefined);
    } else {
      const iterable = records as Partial<AsyncIterable<T> & Iterable<T>>;
      const iterator = iterable?.[Symbol.asyncIterator]?.() ?? iterable?.[Symbol.iterator]?.();
      if (!iterator) throw new RivuletError("INVALID_ARGUMENT", `${RECORDS_NAME}: the converter must return a ReadableStream or an (async) iterable of records`);
      next = async () => iterator.next();
      // Not awaited: a generator waiting for bytes finishes once they are let go.
      stop = () => void Promise.resolve(iterator.return?.()).catch(() => undefined);
    }
  } catch (error) {
    void letGo(error);
    throw error;
  }
  return new ReadableStream<T>(
    {
      async pull(controller) {
        let result: IteratorResult<T>;
        try {
          result = await next();
        } catch (error) {
          await letGo(error);
          throw error;
        }
        if (!result.done) return controller.enqueue(result.value);
        controller.close();
        await letGo();
      },
      async cancel(reason) {
        stop();
        await letGo(reason);
      },
    },
    { highWaterMark: 0 },
  );
}
