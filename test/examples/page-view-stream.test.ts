// Spark's clickstream example (PageViewGenerator.scala, PageViewStream.scala) as ported in
// examples/: every metric's output batches for given page views, under the manual clock, fed
// through a queue of lines or, as the original reads them, a TCP socket.
import { once } from "node:events";
import { connect, createServer, type Server, type Socket } from "node:net";
import { afterEach, describe, expect, it, vi } from "vitest";
import { ManualClock, MemoryCheckpointStore, Seconds, StreamingContext } from "../../src/index.ts";
import { getNextClickEvent, PageView, pageViewGenerator, pickFromDistribution } from "../../examples/page-view-generator.ts";
import { pageViewMetric, pageViewStream } from "../../examples/page-view-stream.ts";
import { advanceUntil } from "../support/advance-until.ts";
import { prng } from "../support/random.ts";

const HOME = "http://foo.com/";
const NEWS = "http://foo.com/news";
const CONTACT = "http://foo.com/contact";
const RULE = "-------------------------------------------";

/** A page view as the generator writes it, spelt out here rather than by PageView.toString. */
const view = (url: string, status: number, zipCode: number, userID: number) => `${url}\t${status}\t${zipCode}\t${userID}`;
const times = (n: number, line: string) => Array.from({ length: n }, () => line);

const contexts: StreamingContext[] = [];
const servers: Server[] = [];
const sockets: Socket[] = [];
afterEach(async () => {
  for (const ssc of contexts.splice(0)) await ssc.stop();
  for (const s of sockets.splice(0)) s.destroy();
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
  vi.restoreAllMocks();
});

/** The batches `print()` wrote, as [time, records]; other lines are left out. */
function printed(out: readonly string[]): [number, string[]][] {
  return out
    .filter((text) => text.startsWith(`${RULE}\nTime: `))
    .map((block) => {
      const lines = block.split("\n");
      return [Number(/^Time: (\d+) ms$/.exec(lines[1]!)![1]), lines.slice(3, -1)];
    });
}

const bySet = (batches: [number, string[]][]) => batches.map(([t, records]): [number, string[]] => [t, [...records].sort()]);

/**
 * The context `pageViewStream` makes (1 s batches, local[2]) with `batches` of lines queued in
 * place of the socket, through the same metric-building function; runs `numBatches` batches.
 */
async function runMetric(metric: string, batches: string[][], numBatches: number, checkpoint = false) {
  const clock = new ManualClock();
  const out: string[] = [];
  const log = (text: string) => void out.push(text);
  const ssc = new StreamingContext({ master: "local[2]", batchInterval: Seconds(1), clock, log });
  contexts.push(ssc);
  if (checkpoint) ssc.checkpoint(new MemoryCheckpointStore());
  pageViewMetric(ssc, ssc.queueStream(batches.map((b) => b.slice())), metric, log);
  ssc.start();
  await clock.advance(numBatches * 1000);
  return { ssc, out };
}

/** A TCP server the test writes page views to, as `nc -lk` would. */
async function lineServer() {
  const server = createServer((socket) => void sockets.push(socket));
  servers.push(server);
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  return { server, port: (server.address() as { port: number }).port };
}

/** Each URL's views over all printed batches of pageCounts. */
function totals(out: readonly string[]): Record<string, number> {
  const sum: Record<string, number> = {};
  for (const [, records] of printed(out)) {
    for (const r of records) {
      const [, url, n] = /^\((.*),(\d+)\)$/.exec(r)!;
      sum[url!] = (sum[url!] ?? 0) + Number(n);
    }
  }
  return sum;
}

describe("PageView and the generator", () => {
  it("writes a view as tab-separated fields ending the line, and reads one back", () => {
    const v = new PageView(NEWS, 404, 94117, 42);
    expect(v.toString()).toBe("http://foo.com/news\t404\t94117\t42\n");
    expect(PageView.fromString("http://foo.com/contact\t200\t94709\t7")).toEqual(new PageView(CONTACT, 200, 94709, 7));
  });

  it("fails on a line that is not a page view, as Scala's toInt and split do", () => {
    expect(() => PageView.fromString("http://foo.com/\t200\t9470x\t1")).toThrow('For input string: "9470x"');
    expect(() => PageView.fromString("http://foo.com/\t200")).toThrow(/out of bounds/);
  });

  it("picks each weighted item where the running total of weights first passes the draw", () => {
    const draws = (...values: number[]) => () => values.shift()!;
    // user 0.005 → 1 (0.01 passes it); page 0.75 → news (0.7 + 0.2); status 0.96 → 404; zip 0.4 → 94709.
    expect(getNextClickEvent(draws(0.005, 0.75, 0.96, 0.4))).toBe("http://foo.com/news\t404\t94709\t1\n");
    // 0.555: 56 weights of 0.01 pass it; 0.0 takes each map's first item; 0.9499 is under 0.95.
    expect(getNextClickEvent(draws(0.555, 0, 0.9499, 0))).toBe("http://foo.com/\t200\t94709\t56\n");
    // 0.995 → user 100. The page weights add up to 0.9999999999999999 in doubles, as in Scala, so
    // a draw that high passes none and falls back on the first page.
    expect(getNextClickEvent(draws(0.995, 0.9999999999999999, 0.5, 0.5))).toBe("http://foo.com/\t200\t94117\t100\n");
    expect(pickFromDistribution(new Map([["only", 0.5]]), () => 0.9)).toBe("only");
  });

  it("draws pages, statuses, zip codes and users with the original's weights", () => {
    const random = prng(2024);
    const n = 20_000;
    const seen = { pages: new Map<string, number>(), statuses: new Map<number, number>(), zips: new Map<number, number>(), users: new Set<number>() };
    const bump = <K>(m: Map<K, number>, k: K) => m.set(k, (m.get(k) ?? 0) + 1);
    for (let i = 0; i < n; i++) {
      const [url, status, zip, user] = getNextClickEvent(random).slice(0, -1).split("\t");
      bump(seen.pages, url!);
      bump(seen.statuses, Number(status));
      bump(seen.zips, Number(zip));
      seen.users.add(Number(user));
    }
    // Within 4 standard deviations of each weight.
    const expectShare = <K>(m: Map<K, number>, k: K, p: number) => expect(Math.abs((m.get(k) ?? 0) / n - p)).toBeLessThan(4 * Math.sqrt((p * (1 - p)) / n));
    expectShare(seen.pages, HOME, 0.7);
    expectShare(seen.pages, NEWS, 0.2);
    expectShare(seen.pages, CONTACT, 0.1);
    expectShare(seen.statuses, 404, 0.05);
    expect([...seen.statuses.keys()].sort()).toEqual([200, 404]);
    expectShare(seen.zips, 94709, 0.5);
    expect([...seen.zips.keys()].sort()).toEqual([94117, 94709]);
    expect([...seen.users].sort((a, b) => a - b)).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
    // A seeded draw makes the same events again.
    const again = prng(7);
    const first = Array.from({ length: 5 }, () => getNextClickEvent(again));
    const replay = prng(7);
    expect(Array.from({ length: 5 }, () => getNextClickEvent(replay))).toEqual(first);
  });

  it("serves the events to a client that connects, one a line, as the original's socket does", async () => {
    const messages: string[] = [];
    const server = await pageViewGenerator(0, 1000, { random: prng(11), log: (t) => void messages.push(t) });
    servers.push(server);
    const port = (server.address() as { port: number }).port;
    expect(messages).toEqual([`Listening on port: ${port}`]);
    const client = connect(port, "127.0.0.1");
    sockets.push(client);
    client.setEncoding("utf8");
    let received = "";
    client.on("data", (chunk: string) => void (received += chunk));
    await vi.waitFor(() => expect(received.split("\n").length).toBeGreaterThan(5), { timeout: 3000, interval: 5 });
    const reference = prng(11);
    expect(received.split("\n").slice(0, 5).map((l) => `${l}\n`)).toEqual(Array.from({ length: 5 }, () => getNextClickEvent(reference)));
    expect(messages[1]).toMatch(/^Got client connected from: \/.*127\.0\.0\.1$/);
  });
});

describe("PageViewStream", () => {
  it("pageCounts: the views per URL of each batch, read from a TCP socket", async () => {
    const { server, port } = await lineServer();
    const clock = new ManualClock();
    const out: string[] = [];
    const connected = once(server, "connection");
    contexts.push(pageViewStream("pageCounts", "127.0.0.1", port, { clock, log: (t) => void out.push(t) }));
    await connected;
    const socket = sockets[0]!;
    socket.write([view(HOME, 200, 94709, 1), view(NEWS, 200, 94117, 2), view(HOME, 404, 94709, 3), view(HOME, 200, 94117, 1)].join("\n") + "\n");
    await advanceUntil(clock, () => expect(totals(out)).toEqual({ [HOME]: 3, [NEWS]: 1 }));
    const before = printed(out).length;
    socket.write(view(CONTACT, 200, 94709, 5) + "\n" + view(CONTACT, 200, 94709, 6) + "\n" + view(NEWS, 200, 94709, 6) + "\n");
    await advanceUntil(clock, () => expect(totals(out)).toEqual({ [HOME]: 3, [NEWS]: 2, [CONTACT]: 2 }));
    // Every batch printed its header, those before the views arrived with no records.
    const batches = printed(out);
    expect(batches.map(([t]) => t)).toEqual(batches.map((_, i) => (i + 1) * 1000));
    expect(batches.slice(before).flatMap(([, r]) => r).sort()).toEqual(["(http://foo.com/contact,2)", "(http://foo.com/news,1)"]);
  });

  it("pageCounts over the generator's socket: the counts add up to the events it served", async () => {
    const server = await pageViewGenerator(0, 1000, { random: prng(5), log: () => {} });
    servers.push(server);
    server.on("connection", (s) => void sockets.push(s));
    const clock = new ManualClock();
    const out: string[] = [];
    contexts.push(pageViewStream("pageCounts", "127.0.0.1", (server.address() as { port: number }).port, { clock, log: (t) => void out.push(t) }));
    await advanceUntil(clock, () => expect(Object.values(totals(out)).reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(20));
    const n = Object.values(totals(out)).reduce((a, b) => a + b, 0);
    const reference = prng(5);
    const expected: Record<string, number> = {};
    for (let i = 0; i < n; i++) {
      const url = getNextClickEvent(reference).split("\t")[0]!;
      expected[url] = (expected[url] ?? 0) + 1;
    }
    expect(totals(out)).toEqual(expected);
  });

  it("pageCounts: each batch's views per URL, empty batches printed bare", async () => {
    const { out } = await runMetric(
      "pageCounts",
      [[view(HOME, 200, 94709, 1), view(HOME, 200, 94709, 2), view(NEWS, 404, 94117, 3), view(HOME, 200, 94117, 1)], [view(CONTACT, 200, 94709, 4), view(CONTACT, 200, 94709, 4), view(HOME, 200, 94709, 4)], []],
      3,
    );
    expect(bySet(printed(out))).toEqual([
      [1000, ["(http://foo.com/,3)", "(http://foo.com/news,1)"]],
      [2000, ["(http://foo.com/,1)", "(http://foo.com/contact,2)"]],
      [3000, []],
    ]);
    expect(out[2]).toBe(`${RULE}\nTime: 3000 ms\n${RULE}\n`);
  });

  it("slidingPageCounts: views per URL over the last 10 s every 2 s, URLs gone once no batch of the window has them", async () => {
    const input: string[][] = Array.from({ length: 22 }, () => []);
    input[0] = [view(HOME, 200, 94709, 1), view(HOME, 200, 94117, 2)]; // 1000
    input[1] = [view(NEWS, 200, 94709, 1)]; // 2000
    input[2] = [view(HOME, 404, 94709, 3)]; // 3000
    input[4] = [view(CONTACT, 200, 94117, 4)]; // 5000
    input[7] = [view(NEWS, 200, 94709, 5), view(NEWS, 200, 94709, 6)]; // 8000
    input[10] = [view(HOME, 200, 94709, 7)]; // 11000
    const { out } = await runMetric("slidingPageCounts", input, 22, true);
    const h = (n: number) => `(http://foo.com/,${n})`;
    const news = (n: number) => `(http://foo.com/news,${n})`;
    const contact = (n: number) => `(http://foo.com/contact,${n})`;
    expect(bySet(printed(out))).toEqual(
      bySet([
        [2000, [h(2), news(1)]],
        [4000, [h(3), news(1)]],
        [6000, [h(3), news(1), contact(1)]],
        [8000, [h(3), news(3), contact(1)]],
        [10000, [h(3), news(3), contact(1)]],
        [12000, [h(2), news(2), contact(1)]], // (2 s, 12 s]: the batches at 1 and 2 s have left
        [14000, [h(1), news(2), contact(1)]],
        [16000, [h(1), news(2)]],
        [18000, [h(1)]],
        [20000, [h(1)]],
        [22000, []],
      ]),
    );
  });

  it("slidingPageCounts refuses to start without a checkpoint store, as Spark without a checkpoint directory", async () => {
    const ssc = new StreamingContext({ master: "local[2]", batchInterval: Seconds(1), clock: new ManualClock(), log: () => {} });
    contexts.push(ssc);
    pageViewMetric(ssc, ssc.queueStream<string>([]), "slidingPageCounts", () => {});
    expect(() => ssc.start()).toThrowError(expect.objectContaining({ code: "CHECKPOINT_REQUIRED" }));
  });

  it("errorRatePerZipCode: each zip code's share of non-200 views over the last 30 s, printed as Spark prints a Float", async () => {
    const input: string[][] = Array.from({ length: 34 }, () => []);
    input[0] = [view(HOME, 200, 94709, 1), view(NEWS, 404, 94709, 2), view(HOME, 200, 94117, 3)]; // 1000
    input[1] = [view(HOME, 200, 94709, 4)]; // 2000
    input[2] = [...times(18, view(HOME, 200, 94117, 5)), view(CONTACT, 404, 94117, 5)]; // 3000
    input[4] = [view(NEWS, 404, 90210, 8), view(HOME, 404, 94000, 9), ...times(1000, view(HOME, 200, 94000, 9))]; // 5000
    const { out } = await runMetric("errorRatePerZipCode", input, 34);
    const batches = bySet(printed(out));
    expect(batches.map(([t]) => t)).toEqual(Array.from({ length: 17 }, (_, i) => (i + 1) * 2000));
    // 1 of 3 is 0.33333334f; 0 is 0.0; 1 of 20 is 0.05f, above 0.05 as a Double, so marked;
    // 1 of 1001 prints in E notation; 1 of 1 is 1.0.
    const all = ["90210: **1.0**", "94000: 9.99001E-4", "94117: **0.05**", "94709: **0.33333334**"];
    expect(batches[0]).toEqual([2000, ["94117: 0.0", "94709: **0.33333334**"]]);
    expect(batches[1]).toEqual([4000, ["94117: **0.05**", "94709: **0.33333334**"]]);
    for (const [t, records] of batches.slice(2, 15)) expect([t, records]).toEqual([t, all]);
    // (2 s, 32 s]: the views at 1 and 2 s have left, 94709's all and one of 94117's 200s;
    // (4 s, 34 s]: only those at 5 s are left.
    expect(batches[15]).toEqual([32000, ["90210: **1.0**", "94000: 9.99001E-4", "94117: **0.05263158**"]]);
    expect(batches[16]).toEqual([34000, ["90210: **1.0**", "94000: 9.99001E-4"]]);
  });

  it("activeUserCount: the distinct users of the last 15 s every 2 s, 0 for an empty window", async () => {
    const input: string[][] = Array.from({ length: 26 }, () => []);
    input[0] = [view(HOME, 200, 94709, 1), view(NEWS, 200, 94709, 2), view(HOME, 200, 94117, 2)]; // 1000
    input[1] = [view(HOME, 200, 94709, 3)]; // 2000
    input[3] = [view(CONTACT, 404, 94709, 1)]; // 4000
    input[8] = [view(HOME, 200, 94117, 7)]; // 9000
    const { out } = await runMetric("activeUserCount", input, 26);
    const expected = [3, 3, 3, 3, 4, 4, 4, 3, 2, 1, 1, 0, 0];
    expect(printed(out)).toEqual(expected.map((n, i) => [(i + 1) * 2000, [`Unique active users: ${n}`]]));
    expect(out[0]).toBe(`${RULE}\nTime: 2000 ms\n${RULE}\nUnique active users: 3\n`);
  });

  it("popularUsersSeen: each batch's views by users of the user list, at most 10", async () => {
    const twelve = [1, 2, 3].flatMap((u) => times(4, view(HOME, 200, 94709, u)));
    const { out } = await runMetric(
      "popularUsersSeen",
      [[view(HOME, 200, 94709, 1), view(NEWS, 200, 94709, 4), view(HOME, 200, 94117, 2), view(CONTACT, 200, 94709, 1)], [], twelve, [view(HOME, 200, 94709, 99)]],
      4,
    );
    expect(out.filter((t) => t.endsWith("at time 1000 ms")).sort()).toEqual([
      "Saw user Patrick Wendell at time 1000 ms",
      "Saw user Patrick Wendell at time 1000 ms",
      "Saw user Reynold Xin at time 1000 ms",
    ]);
    const third = out.filter((t) => t.endsWith("at time 3000 ms"));
    expect(third).toHaveLength(10);
    for (const name of ["Patrick Wendell", "Reynold Xin", "Matei Zaharia"]) {
      expect(third.filter((t) => t === `Saw user ${name} at time 3000 ms`).length).toBeLessThanOrEqual(4);
    }
    expect(out.filter((t) => !t.endsWith("at time 1000 ms") && !t.endsWith("at time 3000 ms"))).toEqual([]);
  });

  it("an unknown metric is reported and leaves no output, so the context refuses to start", () => {
    const out: string[] = [];
    const ssc = new StreamingContext({ master: "local[2]", batchInterval: Seconds(1), clock: new ManualClock(), log: () => {} });
    contexts.push(ssc);
    pageViewMetric(ssc, ssc.queueStream<string>([]), "errorRatioPerZipCode", (t) => void out.push(t));
    expect(out).toEqual(["Invalid metric entered: errorRatioPerZipCode"]);
    expect(() => ssc.start()).toThrowError(expect.objectContaining({ code: "NO_OUTPUT_OPERATIONS" }));
  });

  it("a line that is not a page view fails its batch, as Spark's job fails on it", async () => {
    vi.spyOn(console, "error").mockImplementation(() => {});
    const { ssc } = await runMetric("pageCounts", [[view(HOME, 200, 94709, 1), "http://foo.com/\t200\tnowhere\t1"]], 1);
    await expect(ssc.awaitTermination()).rejects.toThrow('For input string: "nowhere"');
  });
});
