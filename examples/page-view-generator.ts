// Apache Spark's clickstream example, PageViewGenerator.scala
// (examples/src/main/scala/org/apache/spark/examples/streaming/clickstream/), in Rivulet's
// TypeScript: page views with weighted random pages, statuses, zip codes and user ids, served
// over TCP to every client that connects.
//
// Used in tandem with page-view-stream.ts: serve with `pageViewGenerator(44444, 10)`, then process
// the stream with `pageViewStream("errorRatePerZipCode", "localhost", 44444)`.
import { type AddressInfo, createServer, type Server, type Socket } from "node:net";

/** Represents a page view on a website with associated dimension data. */
export class PageView {
  constructor(
    readonly url: string,
    readonly status: number,
    readonly zipCode: number,
    readonly userID: number,
  ) {}

  toString(): string {
    return `${this.url}\t${this.status}\t${this.zipCode}\t${this.userID}\n`;
  }

  static fromString(input: string): PageView {
    const parts = input.split("\t");
    return new PageView(parts[0]!, toInt(parts[1]), toInt(parts[2]), toInt(parts[3]));
  }
}

/**
 * Scala's `String.toInt`: a line that is not four tab-separated fields with integers fails, as
 * Spark's job does with a NumberFormatException or an index out of bounds, where `Number()` would
 * give NaN and `parseInt` would read "12abc" as 12.
 */
function toInt(s: string | undefined): number {
  const n = s !== undefined && /^[+-]?\d+$/.test(s) ? Number(s) : NaN;
  if (!Number.isInteger(n) || n < -(2 ** 31) || n >= 2 ** 31) {
    throw new Error(s === undefined ? "Index out of bounds: the line has fewer than 4 fields" : `For input string: "${s}"`);
  }
  return n;
}

// Maps keep their insertion order, as Scala's Map of up to four entries does; Scala's userID map
// of 100 entries is a hash map, iterated in hash order, which the uniform weights make irrelevant.
export const pages: ReadonlyMap<string, number> = new Map([
  ["http://foo.com/", 0.7],
  ["http://foo.com/news", 0.2],
  ["http://foo.com/contact", 0.1],
]);
export const httpStatus: ReadonlyMap<number, number> = new Map([
  [200, 0.95],
  [404, 0.05],
]);
export const userZipCode: ReadonlyMap<number, number> = new Map([
  [94709, 0.5],
  [94117, 0.5],
]);
export const userID: ReadonlyMap<number, number> = new Map(Array.from({ length: 100 }, (_, i) => [i + 1, 0.01] as const));

/** `random` stands for Scala's `new Random().nextDouble()`; a seeded one makes the events reproducible. */
export function pickFromDistribution<T>(inputMap: ReadonlyMap<T, number>, random: () => number = Math.random): T {
  const rand = random();
  let total = 0.0;
  for (const [item, prob] of inputMap) {
    total = total + prob;
    if (total > rand) {
      return item;
    }
  }
  return inputMap.keys().next().value as T; // Shouldn't get here if probabilities add up to 1.0
}

export function getNextClickEvent(random: () => number = Math.random): string {
  const id = pickFromDistribution(userID, random);
  const page = pickFromDistribution(pages, random);
  const status = pickFromDistribution(httpStatus, random);
  const zipCode = pickFromDistribution(userZipCode, random);
  return new PageView(page, status, zipCode, id).toString();
}

export interface PageViewGeneratorOptions {
  /** Draws every pick (Scala's `new Random().nextDouble()`); default `Math.random`. */
  random?: () => number;
  /** Where the generator's messages go; default `console.log`. */
  log?: (text: string) => void;
}

/**
 * The generator's `main(port, viewsPerSecond)`: listens on `port` and writes a page view every
 * `1000 / viewsPerSecond` ms to each client. Resolves once listening (port 0 picks a free one).
 */
export function pageViewGenerator(port: number, viewsPerSecond: number, options: PageViewGeneratorOptions = {}): Promise<Server> {
  const random = options.random ?? Math.random;
  const println = options.log ?? ((text: string) => console.log(text));
  const sleepDelayMs = Math.trunc(1000.0 / viewsPerSecond);
  // A client per connection, as the original's thread per accepted socket.
  const listener = createServer((socket: Socket) => {
    println("Got client connected from: /" + socket.remoteAddress);
    const timer = setInterval(() => socket.write(getNextClickEvent(random)), sleepDelayMs);
    // Java's PrintWriter swallows the error of a closed connection and its thread writes on
    // forever; here the client's timer ends with its connection.
    const done = () => clearInterval(timer);
    socket.on("close", done);
    socket.on("error", done);
  });
  return new Promise((resolve, reject) => {
    listener.once("error", reject);
    listener.listen(port, () => {
      listener.off("error", reject);
      println("Listening on port: " + (listener.address() as AddressInfo).port);
      resolve(listener);
    });
  });
}
