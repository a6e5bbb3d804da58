// Broadcasts in job modules: the functions the workers run read the driver's broadcast values,
// carried by each stage task; a destroyed broadcast fails the tasks that read it; a value that is
// not data, or a setup making other broadcasts in a worker, is refused with a clear error.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { ManualClock, runJob, Seconds, type StreamingContext } from "../src/index.ts";
import { bundleForNode } from "./support/node-bundle.ts";

type JobModule = typeof import("./fixtures/jobs/broadcast-job.ts");
type Params = import("./fixtures/jobs/broadcast-job.ts").Params;

let dir: string;
let url: string;
let job: JobModule;

beforeAll(async () => {
  // Node 20 cannot import TypeScript: the module goes to the workers as one built file.
  dir = mkdtempSync(join(tmpdir(), "rivulet-broadcast-job-"));
  const outfile = join(dir, "broadcast-job.js");
  await bundleForNode(new URL("./fixtures/jobs/broadcast-job.ts", import.meta.url), outfile);
  url = pathToFileURL(outfile).href;
  job = (await import(/* @vite-ignore */ url)) as JobModule;
});

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function start(params: Params): Promise<{ ssc: StreamingContext; clock: ManualClock }> {
  job.results.length = 0;
  job.filtered.calls = 0;
  const clock = new ManualClock();
  const ssc = await runJob(url, { batchInterval: Seconds(1), clock, parallelism: 2, params });
  return { ssc, clock };
}

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);

/** Every error in the chain of causes of `failure`. */
function causes(failure: unknown): Error[] {
  const out: Error[] = [];
  for (let e: unknown = failure; e instanceof Error; e = e.cause) out.push(e);
  return out;
}

describe("broadcasts in a job module", () => {
  it("are read in the workers with the driver's values", async () => {
    const { ssc, clock } = await start({ excluded: ["a", "the"] });
    try {
      job.feed(bytes("the cat saw a dog\nthe dog saw a cat\n"));
      await clock.advance(1000);
    } finally {
      await ssc.stop();
    }
    expect(job.results).toEqual([{ time: 1000, counts: [["cat", 2], ["dog", 2], ["saw", 2]] }]);
    // The filter ran in the workers, not here: the worker's own (empty) list was replaced.
    expect(job.filtered.calls).toBe(0);
  });

  it("fail the tasks that read one destroyed on the driver, as Spark's executors do", async () => {
    vi.spyOn(console, "error").mockImplementation(() => undefined);
    const { ssc, clock } = await start({ excluded: ["a"] });
    try {
      job.feed(bytes("a b\n"));
      await clock.advance(1000);
      expect(job.results).toEqual([{ time: 1000, counts: [["b", 1]] }]);
      job.broadcasts.excluded!.destroy();
      expect(() => job.broadcasts.excluded!.value).toThrow("Attempted to use Broadcast(0) after it was destroyed");
      job.feed(bytes("a c\n"));
      await clock.advance(1000);
      const failure = await ssc.awaitTermination().catch((e: unknown) => e);
      expect(causes(failure).some((e) => /Attempted to use Broadcast\(0\) after it was destroyed/.test(e.message))).toBe(true);
    } finally {
      await ssc.stop();
    }
  });

  it("refuse to start when a broadcast made in the setup is not data", async () => {
    await expect(start({ excluded: [], functionValue: true })).rejects.toThrow(
      expect.objectContaining({ code: "INVALID_ARGUMENT", message: expect.stringMatching(/^Broadcast\(1\) cannot be sent to the job's workers .*structured-cloneable data$/) }),
    );
  });

  it("refuse to run a stage in a worker whose setup made other broadcasts than the driver's (JOB_MISMATCH)", async () => {
    vi.spyOn(console, "error").mockImplementation(() => undefined);
    const { ssc, clock } = await start({ excluded: [], driverOnlyBroadcast: true });
    try {
      job.feed(bytes("a b a\n"));
      await clock.advance(1000);
      const failure = await ssc.awaitTermination().catch((e: unknown) => e);
      expect(causes(failure).some((e) => /made 1 broadcasts in a worker, the driver's context had 2 when it started/.test(e.message))).toBe(true);
    } finally {
      await ssc.stop();
    }
  });
});
