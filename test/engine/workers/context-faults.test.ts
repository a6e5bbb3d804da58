// Worker failures through a running streaming context (Node worker threads), for both shapes of
// job that run in the pool: the fused word count and a job module with user functions.
// - Workers killed at random points of random tasks (terminated at once or a few event-loop turns
//   later, or dying of an injected exit/throw at the start or end of the task), and idle workers
//   killed between batches: every batch outputs exactly the plain-JS reference, and tasks were
//   retried. The job module's accumulator counts each word once per stage reading it, whatever
//   attempts failed.
// - A task failing on every attempt fails its batch with TASK_FAILED carrying the worker's error,
//   reported by awaitTermination() and the listeners; the next batch still runs.
// Failures come from the engine's onTask hook and from the spawner's handles; nothing sleeps.
import { afterAll, afterEach, describe, expect, it, vi } from "vitest";
import {
  RivuletError,
  TaskFailedError,
  type BatchInfo,
  type InjectedFault,
  type OutputOperationInfo,
  type TaskAttempt,
} from "../../../src/index.ts";
import { prng } from "../../support/random.ts";
import { BATCH_BYTES, countedSpawner, forgetWordJob, reference, SHAPES, start, text, wordJob, type Running, type Shape } from "./context-support.ts";
import { removeWorkerBundle } from "./support.ts";

afterAll(() => {
  removeWorkerBundle();
  forgetWordJob();
});

let running: Running | undefined;
afterEach(async () => {
  await running?.ssc.stop(); // a failed assertion leaves no context active, no thread running
  running = undefined;
  vi.restoreAllMocks();
});

const turns = async (n: number): Promise<void> => {
  for (let i = 0; i < n; i++) await new Promise<void>((resolve) => setImmediate(resolve));
};

/**
 * An `onTask` hook killing the worker of a random share of the attempts, from a seeded PRNG.
 * Only first and second attempts are killed on purpose. A delayed termination is dropped if its
 * worker has begun another attempt by then; it can still land just after its task finished, on a
 * worker the pool is about to give the next task (that attempt then fails too: `collateral`), so
 * two attempts are left spare and no task comes near failing 4 times.
 */
class RandomKiller {
  readonly attempts: TaskAttempt[] = [];
  /** Kills that fail the attempt for sure: termination before the task is sent, injected faults. */
  certain = 0;
  /** Terminations a few turns after the task was sent (during or after it). */
  delayed = 0;
  /** Attempts sent to a worker already told to terminate. */
  collateral = 0;
  readonly #random: () => number;
  readonly #latest = new Map<number, number>(); // worker id → seq of its latest attempt
  readonly #terminated = new Set<number>();

  constructor(
    seed: number,
    readonly probability: number,
  ) {
    this.#random = prng(seed);
  }

  readonly onTask = (attempt: TaskAttempt): InjectedFault | void => {
    this.attempts.push(attempt);
    this.#latest.set(attempt.workerId, attempt.seq);
    if (this.#terminated.has(attempt.workerId)) this.collateral++;
    if (attempt.attempt > 2 || this.#random() >= this.probability) return undefined;
    const how = Math.floor(this.#random() * 6);
    if (how === 0) {
      this.certain++;
      this.#terminated.add(attempt.workerId);
      void attempt.terminateWorker();
      return undefined;
    }
    if (how === 1) {
      const later = 1 + Math.floor(this.#random() * 4);
      void turns(later).then(() => {
        if (this.#latest.get(attempt.workerId) !== attempt.seq) return;
        this.delayed++;
        this.#terminated.add(attempt.workerId);
        return attempt.terminateWorker();
      });
      return undefined;
    }
    this.certain++;
    const faults: InjectedFault[] = [
      { at: "start", kind: "throw" },
      { at: "start", kind: "exit" },
      { at: "end", kind: "throw" },
      { at: "end", kind: "exit" },
    ];
    return faults[how - 2];
  };

  /** Attempts beyond the first: retries. */
  get retries(): number {
    return this.attempts.filter((a) => a.attempt > 1).length;
  }
}

describe.each(SHAPES)("%s under worker failures", (shape: Shape) => {
  it("outputs exactly the reference of every batch while workers are killed at random points, busy or idle", async () => {
    const random = prng(shape === "job module" ? 0x5eed1 : 0x5eed2);
    const killer = new RandomKiller(shape === "job module" ? 71 : 72, 0.3);
    const { spawn, threads } = await countedSpawner();
    running = await start(shape, { workers: { spawn, onTask: killer.onTask } });
    const { ssc, clock, outputs } = running;
    const batches = 12;
    const expected = new Map<number, ReturnType<typeof reference>>();
    let idleKills = 0;
    for (let b = 1; b <= batches; b++) {
      const batchText = text(random, BATCH_BYTES[shape]);
      expected.set(b * 1000, reference(shape, batchText));
      running.feed(batchText);
      await clock.advance(1000);
      expect(outputs.get(b * 1000)).toEqual(expected.get(b * 1000));
      expect(ssc.engine.liveWorkers).toBeLessThanOrEqual(2);
      // Between batches: kill one idle worker, or every one; the next batch starts what it needs.
      if (b % 4 === 1 || b % 4 === 3) {
        const victims = b % 4 === 1 ? [...threads.alive].slice(0, 1) : [...threads.alive];
        await Promise.all(victims.map((h) => h.terminate()));
        idleKills += victims.length;
        expect(ssc.engine.liveWorkers).toBe(threads.alive.size);
      }
    }
    expect([...outputs.keys()]).toEqual([...expected.keys()]);
    if (shape === "job module") {
      // Both shuffles read the filtered words (not cached), so the filter ran twice per word; a
      // task killed before it replied added nothing, its retry added once.
      const words = [...expected.values()].reduce((n, out) => n + out.counts.reduce((m, [, c]) => m + c, 0), 0);
      const accumulated = (await wordJob()).module.accumulators.words!;
      expect(accumulated.value).toBe(2 * words);
      expect(accumulated.count).toBe(2 * words);
    }
    expect(idleKills).toBeGreaterThan(0);
    // Every certain kill failed one attempt of a task that was then retried.
    expect(killer.certain).toBeGreaterThan(3);
    expect(killer.retries).toBeGreaterThanOrEqual(killer.certain);
    // Killed workers were replaced as needed, never more than 2 at once.
    expect(threads.exited).toBeGreaterThanOrEqual(idleKills + killer.certain - killer.collateral);
    expect(threads.started - threads.exited).toBeLessThanOrEqual(2);
    await ssc.stop();
    expect(threads.exited).toBe(threads.started);
    expect(ssc.engine.liveWorkers).toBe(0);
  });
});

/** Listens for what a failed batch reports. */
function failures(running: Running): { outputs: OutputOperationInfo[]; batches: BatchInfo[] } {
  const seen = { outputs: [] as OutputOperationInfo[], batches: [] as BatchInfo[] };
  running.ssc.addStreamingListener({
    onOutputOperationCompleted: ({ outputOperationInfo }) => void seen.outputs.push(outputOperationInfo),
    onBatchCompleted: ({ batchInfo }) => void seen.batches.push(batchInfo),
  });
  return seen;
}

describe("a task failing on every attempt", () => {
  it("fused word count: fails its batch with TASK_FAILED and the worker's error, reported by awaitTermination and listeners; the next batch runs", async () => {
    const random = prng(0xfa11);
    const { spawn, threads } = await countedSpawner();
    const consoleError = vi.spyOn(console, "error").mockImplementation(() => {});
    let failing = false;
    const doomed: TaskAttempt[] = [];
    running = await start("fused word count", {
      workers: {
        spawn,
        onTask: (attempt) => {
          if (!failing || attempt.name !== "wordCount[2/2]") return undefined;
          doomed.push(attempt);
          return { at: "start", kind: "throw" };
        },
      },
    });
    const { ssc, clock, outputs } = running;
    const seen = failures(running);
    const termination = ssc.awaitTermination().then(
      () => undefined,
      (error: unknown) => error,
    );

    const texts = [1, 2, 3].map(() => text(random, BATCH_BYTES["fused word count"]));
    running.feed(texts[0]!);
    await clock.advance(1000);
    failing = true;
    running.feed(texts[1]!);
    await clock.advance(1000);
    failing = false;
    running.feed(texts[2]!);
    await clock.advance(1000);

    const error = await termination;
    expect(error).toBeInstanceOf(TaskFailedError);
    expect(error).toBeInstanceOf(RivuletError);
    const failed = error as TaskFailedError;
    expect(failed.code).toBe("TASK_FAILED");
    expect(failed.task).toBe("wordCount[2/2]");
    expect(failed.attempts).toBe(4);
    expect(doomed.map((a) => a.attempt)).toEqual([1, 2, 3, 4]);
    expect(new Set(doomed.map((a) => a.workerId)).size).toBe(4); // each attempt's worker died of it
    const cause = failed.cause as Error;
    expect(cause).toBeInstanceOf(Error);
    expect(cause.message).toBe("injected worker fault (throw at start of task)");
    expect(failed.message).toBe(`Task wordCount[2/2] failed 4 times; most recent failure: ${cause.name}: ${cause.message}`);
    // A context that has failed keeps saying so.
    await expect(ssc.awaitTermination()).rejects.toBe(failed);
    expect(consoleError).toHaveBeenCalledWith("Rivulet: a streaming job failed:", failed);

    // The listeners saw the failed output operation of that batch, and only of that one.
    const failedOutputs = seen.outputs.filter((o) => o.error !== undefined);
    expect(failedOutputs.map((o) => o.batchTime)).toEqual([2000]);
    expect(failedOutputs[0]!.error).toBe(failed);
    expect(failedOutputs[0]!.failureReason!.startsWith(`TaskFailedError: ${failed.message}\n`)).toBe(true);
    const batch2 = seen.batches.find((b) => b.batchTime === 2000)!;
    expect([...batch2.outputOperationInfos.values()].map((o) => o.failureReason)).toEqual([failedOutputs[0]!.failureReason]);
    expect(seen.batches.map((b) => b.batchTime)).toEqual([1000, 2000, 3000]);

    // The batches around it are exact; the failed one output nothing.
    expect(outputs.get(1000)).toEqual(reference("fused word count", texts[0]!));
    expect(outputs.has(2000)).toBe(false);
    expect(outputs.get(3000)).toEqual(reference("fused word count", texts[2]!));
    await ssc.stop();
    expect(threads.exited).toBe(threads.started);
  });

  it("job module: a map task whose worker is terminated on each of maxTaskFailures attempts fails its batch with the exit as cause", async () => {
    const random = prng(0xfa12);
    const { spawn, threads } = await countedSpawner();
    vi.spyOn(console, "error").mockImplementation(() => {});
    const doomed: TaskAttempt[] = [];
    running = await start("job module", {
      workers: {
        spawn,
        maxTaskFailures: 3,
        onTask: (attempt) => {
          if (!/^stage \d+@2000 map\[1\]$/.test(attempt.name)) return;
          doomed.push(attempt);
          void attempt.terminateWorker();
        },
      },
    });
    const { ssc, clock, outputs } = running;
    const seen = failures(running);
    const termination = ssc.awaitTermination().then(
      () => undefined,
      (error: unknown) => error,
    );
    const texts = [1, 2, 3].map(() => text(random, BATCH_BYTES["job module"]));
    for (const t of texts) {
      running.feed(t);
      await clock.advance(1000);
    }

    const failed = (await termination) as TaskFailedError;
    expect(failed).toBeInstanceOf(TaskFailedError);
    expect(failed.code).toBe("TASK_FAILED");
    expect(failed.attempts).toBe(3);
    expect(failed.task).toMatch(/^stage \d+@2000 map\[1\]$/);
    expect(doomed.filter((a) => a.name === failed.task).map((a) => a.attempt)).toEqual([1, 2, 3]);
    expect((failed.cause as Error).message).toBe("kernel worker exited with code 1");
    expect(failed.message).toBe(`Task ${failed.task} failed 3 times; most recent failure: Error: kernel worker exited with code 1`);
    const failedOutputs = seen.outputs.filter((o) => o.error !== undefined);
    expect(failedOutputs.map((o) => [o.batchTime, o.error])).toEqual([[2000, failed]]);

    expect(outputs.get(1000)).toEqual(reference("job module", texts[0]!));
    expect(outputs.has(2000)).toBe(false);
    expect(outputs.get(3000)).toEqual(reference("job module", texts[2]!));
    await ssc.stop();
    expect(threads.exited).toBe(threads.started);
    expect(ssc.engine.liveWorkers).toBe(0);
  });

  it.each(SHAPES)("%s: three failed attempts of a task are survived, the fourth succeeds", async (shape) => {
    const random = prng(0xfa13);
    const { spawn, threads } = await countedSpawner();
    const faults: InjectedFault[] = [
      { at: "end", kind: "exit" },
      { at: "start", kind: "throw" },
      { at: "end", kind: "throw" },
    ];
    const first = shape === "job module" ? /^stage \d+@1000 map\[0\]$/ : /^wordCount\[1\/2\]$/;
    const log: TaskAttempt[] = [];
    let target: string | undefined; // the job module's two stages both have a map[0]: one of them
    running = await start(shape, {
      workers: {
        spawn,
        onTask: (attempt) => {
          if (!first.test(attempt.name) || (target ??= attempt.name) !== attempt.name || log.length >= faults.length) return undefined;
          log.push(attempt);
          return faults[attempt.attempt - 1];
        },
      },
    });
    const t = text(random, BATCH_BYTES[shape]);
    running.feed(t);
    await running.clock.advance(1000);
    expect(log.map((a) => a.attempt)).toEqual([1, 2, 3]);
    expect(running.outputs.get(1000)).toEqual(reference(shape, t));
    await running.ssc.stop();
    await expect(running.ssc.awaitTermination()).resolves.toBeUndefined();
    expect(threads.started).toBeGreaterThanOrEqual(4);
    expect(threads.exited).toBe(threads.started);
  });
});
