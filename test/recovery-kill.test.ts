// Kill-and-recover: a child process runs a stateful word count with a FileCheckpointStore, is
// SIGKILLed at a random moment, is restarted with getOrCreate, and so on; at the end one run goes
// to completion and its state must equal the reference count exactly (nothing lost, nothing
// counted twice). The child (test/fixtures/kill/child.ts) also checks after every batch that its
// state matches the input taken so far, so a bad recovery fails at the batch where it shows.
//
// RIVULET_KILLS sets the number of kills of the main scenario (default 50; e.g. 1000 for a long
// run). RIVULET_KILL_SEED fixes the seed (input, checkpoint interval, kill timings), which is
// printed with the figures of each run.
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as delay } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { prng, referenceCounts } from "./fixtures/kill/input.ts";
import { bundleForNode } from "./support/node-bundle.ts";

const KILLS = positiveInt(process.env.RIVULET_KILLS, 50);
const SEED = positiveInt(process.env.RIVULET_KILL_SEED, Math.floor(Math.random() * 2 ** 31));
const INTERVAL_MS = 10;
const WORDS_PER_BATCH = 20;

function positiveInt(text: string | undefined, fallback: number): number {
  if (text === undefined || text === "") return fallback;
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n < 1) throw new Error(`expected a positive integer, got ${JSON.stringify(text)}`);
  return n;
}

let work: string;
let bundle: string;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), "rivulet-kill-"));
  bundle = join(work, "child.mjs");
  // One bundle for every start: node then starts it in tens of milliseconds.
  await bundleForNode(new URL("./fixtures/kill/child.ts", import.meta.url), bundle);
}, 60_000);

afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

interface ChildRun {
  child: ChildProcess;
  /** Settles once the process has exited and its output is closed. */
  exit: Promise<Exit>;
  /** Resolves once the child has printed its start line (recovery done, about to start). */
  started: Promise<void>;
  stdout: () => string;
  stderr: () => string;
}

const live = new Set<ChildProcess>();

function startChild(args: readonly string[]): ChildRun {
  const child = spawn(process.execPath, [bundle, ...args], { stdio: ["ignore", "pipe", "pipe"] });
  live.add(child);
  let out = "";
  let err = "";
  let onStarted!: () => void;
  const started = new Promise<void>((resolve) => (onStarted = resolve));
  child.stdout!.setEncoding("utf8").on("data", (s: string) => {
    out += s;
    if (out.includes("\n")) onStarted();
  });
  child.stderr!.setEncoding("utf8").on("data", (s: string) => (err += s));
  const exit = new Promise<Exit>((resolve, reject) => {
    child.once("error", reject);
    child.once("close", (code, signal) => {
      live.delete(child);
      resolve({ code, signal });
    });
  });
  return { child, exit, started, stdout: () => out, stderr: () => err };
}

function describeExit(what: string, run: ChildRun, exit: Exit): string {
  return `${what}: exit code ${exit.code}, signal ${exit.signal}\n--- stdout ---\n${run.stdout()}--- stderr ---\n${run.stderr()}`;
}

interface Scenario {
  name: string;
  kills: number;
  seed: number;
  /**
   * When to kill a child: `ms` after it was spawned (start-up, reading the checkpoint), or `ms`
   * after its start line (recovery done, batches running). Start-up alone takes 150-300 ms here.
   */
  killAt: (rnd: () => number, kill: number) => { after: "spawn" | "start"; ms: number };
  /** How long the job stays down after a kill, in ms (batch times keep passing meanwhile). */
  downtime: (rnd: () => number, kill: number) => number;
  /** How long the child's output operation takes per batch, in ms (a slow sink). */
  sinkDelayMs: number;
  /** Upper bound of the kill loop's duration, in ms, to size the input. */
  expectedLoopMs: number;
}

/** True when a child reported more than 256 generated batches waiting for their output. */
const deepCatchUp = (run: ChildRun): boolean => /^lead \d+$/m.test(run.stdout());

interface Figures {
  kills: number;
  killsBeforeStartLine: number;
  fresh: number;
  recoveries: number;
  /** Killed children that had more than 256 batches generated ahead of their output. */
  deepCatchUps: number;
  checkpointEvery: number;
  inputBatches: number;
  appliedUnderKills: number;
  lastCheckpointTime: number;
  loopMs: number;
  finalRunMs: number;
}

/**
 * Runs one kill-and-recover scenario in its own directory and checks its outcome; returns figures.
 * The input is sized so that the wall clock (one queue entry per batch time) cannot run through
 * it during the kill loop, even on a slow machine; the last, unkilled run then drains the rest.
 */
async function killAndRecover(s: Scenario): Promise<Figures> {
  const rnd = prng(s.seed ^ 0x5bd1e995);
  const dir = join(work, s.name);
  await mkdir(dir);
  const checkpointDir = join(dir, "checkpoints");
  const resultFile = join(dir, "result.json");
  // Fixed for the whole run: every restart must rebuild the graph the checkpoints were written by.
  const checkpointEvery = 1 + Math.floor(rnd() * 3);
  const inputBatches = Math.ceil((2 * s.expectedLoopMs) / INTERVAL_MS) + 500;
  const args = [checkpointDir, resultFile, String(inputBatches), String(WORDS_PER_BATCH), String(s.seed), String(INTERVAL_MS), String(checkpointEvery), String(s.sinkDelayMs)];

  let kills = 0;
  let spawns = 0;
  let killsBeforeStartLine = 0;
  let fresh = 0;
  let recoveries = 0;
  let deepCatchUps = 0;
  let last: { time: number; position: number } | undefined;
  const loopStart = performance.now();

  /** Checks a child's start line(s) and returns the restored position (0 when fresh). */
  const startLine = (run: ChildRun): number | undefined => {
    const lines = run.stdout().split("\n").filter((l) => l !== "");
    if (lines.length === 0) return undefined;
    const skipped = lines.find((l) => l.startsWith("skipped "));
    if (skipped) throw new Error(`getOrCreate skipped unreadable checkpoints, which atomic writes should make impossible: ${skipped}`);
    const first = lines[0]!;
    if (first === "fresh") {
      // Once a checkpoint exists there is always one: a new one is written before old ones go.
      if (last) throw new Error(`start ${spawns} found no checkpoint, but an earlier start recovered from ${last.time}`);
      fresh++;
      return 0;
    }
    const m = /^recovered (\d+) (\d+)$/.exec(first);
    if (!m) throw new Error(`unexpected start line ${JSON.stringify(first)}`);
    const time = Number(m[1]);
    const position = Number(m[2]);
    // Checkpoints only move forward, and so does the input they cover.
    if (last && (time < last.time || position < last.position)) {
      throw new Error(`recovered from ${time} (position ${position}) after an earlier start recovered from ${last.time} (position ${last.position})`);
    }
    last = { time, position };
    recoveries++;
    return position;
  };

  try {
    while (kills < s.kills) {
      if (spawns >= s.kills * 3 + 20) throw new Error(`${spawns} starts but only ${kills} kills of a live child`);
      spawns++;
      const run = startChild(args);
      const at = s.killAt(rnd, kills);
      let early = at.after === "start" ? await Promise.race([run.exit, run.started.then(() => undefined)]) : undefined;
      early ??= await Promise.race([run.exit, delay(at.ms).then(() => undefined)]);
      if (early) {
        throw new Error(
          describeExit(
            early.code === 0
              ? `start ${spawns} finished all ${inputBatches} input batches before it was killed: the input is too short for this machine`
              : `start ${spawns} exited on its own (a crash, or an invariant violated)`,
            run,
            early,
          ),
        );
      }
      run.child.kill("SIGKILL");
      const exit = await run.exit;
      if (exit.signal !== "SIGKILL") throw new Error(describeExit(`start ${spawns} exited on its own as it was being killed`, run, exit));
      kills++;
      if (startLine(run) === undefined) killsBeforeStartLine++;
      if (deepCatchUp(run)) deepCatchUps++;
      // A killed child never leaves a result, whole or partial.
      if (existsSync(resultFile)) throw new Error(`start ${spawns} wrote the result file before it was killed`);
      const down = s.downtime(rnd, kills);
      if (down > 0) await delay(down);
    }
    const loopMs = performance.now() - loopStart;

    // The last run: no kill, everything left in the queue in one batch ("drain").
    const finalStart = performance.now();
    const run = startChild([...args, "drain"]);
    const timeout = delay(60_000).then(() => "timeout" as const);
    const exit = await Promise.race([run.exit, timeout]);
    if (exit === "timeout") {
      run.child.kill("SIGKILL");
      throw new Error(`the final run did not finish in 60 s\n--- stdout ---\n${run.stdout()}--- stderr ---\n${run.stderr()}`);
    }
    if (exit.code !== 0) throw new Error(describeExit("the final run failed", run, exit));
    const appliedUnderKills = startLine(run);
    const finalRunMs = performance.now() - finalStart;

    const result = JSON.parse(await readFile(resultFile, "utf8")) as { time: number; counts: [string, number][] };
    expect(result.counts).toEqual(referenceCounts(s.seed, inputBatches, WORDS_PER_BATCH));
    expect(kills).toBe(s.kills);
    expect(recoveries).toBeGreaterThan(0);
    expect(last).toBeDefined();

    return {
      kills,
      killsBeforeStartLine,
      fresh,
      recoveries,
      deepCatchUps,
      checkpointEvery,
      inputBatches,
      appliedUnderKills: appliedUnderKills ?? 0,
      lastCheckpointTime: last!.time,
      loopMs: Math.round(loopMs),
      finalRunMs: Math.round(finalRunMs),
    };
  } finally {
    for (const child of live) child.kill("SIGKILL");
  }
}

function report(name: string, seed: number, f: Figures): void {
  console.log(
    `[recovery-kill] ${name} (seed ${seed}): ${f.kills} kills (${f.killsBeforeStartLine} before the start line), ` +
      `${f.fresh} fresh starts, ${f.recoveries} recoveries, ${f.deepCatchUps} killed more than 256 batches behind; checkpoint every ${f.checkpointEvery} batch(es) of ${INTERVAL_MS} ms; ` +
      `${f.appliedUnderKills} of ${f.inputBatches} input batches applied under kills; kill loop ${f.loopMs} ms, final run ${f.finalRunMs} ms`,
  );
}

describe("kill -9 and recover (FileCheckpointStore, child processes)", () => {
  it(
    `${KILLS} random SIGKILLs, then a clean run: the state equals the reference count exactly`,
    async () => {
      const figures = await killAndRecover({
        name: "random",
        kills: KILLS,
        seed: SEED,
        // A kill at any moment: mostly 20-300 ms into the job (catch-up, steady processing,
        // checkpoint writes), one in five during start-up (before or while reading the checkpoint).
        killAt: (rnd) => (rnd() < 0.2 ? { after: "spawn", ms: Math.floor(rnd() * 300) } : { after: "start", ms: 20 + Math.floor(rnd() * 281) }),
        downtime: () => 0,
        sinkDelayMs: 0,
        // Start-up, up to 300 ms of job, exit: about 0.4 s a kill here; the margin is for slower machines.
        expectedLoopMs: KILLS * 600,
      });
      report("random kills", SEED, figures);
      expect(figures.appliedUnderKills).toBeGreaterThan(0);
    },
    90_000 + KILLS * 1_000,
  );

  it(
    "downtimes longer than 256 batch intervals with a sink slower than the batch interval: checkpoints taken during catch-up are exact",
    async () => {
      // The sink takes 15 ms a batch at a 10 ms interval, so the job falls behind; after 3.5 s
      // down, the 350 batch times missed are generated at once on restart (one a timer turn), far
      // ahead of processing. The child lives long enough to checkpoint during that catch-up (with
      // more than 256 batches generated and not yet checkpointed) before it is killed, and the
      // next start recovers from those checkpoints.
      const seed = (SEED * 31 + 7) % 2 ** 31;
      const figures = await killAndRecover({
        name: "downtime",
        kills: 3,
        seed,
        killAt: (rnd) => ({ after: "start", ms: 600 + Math.floor(rnd() * 600) }),
        downtime: () => 3_500,
        sinkDelayMs: 15,
        expectedLoopMs: 3 * (1_200 + 4_000),
      });
      report("long downtimes, slow sink", seed, figures);
      // The scenario did get where it means to: a child killed during a deep catch-up.
      expect(figures.deepCatchUps).toBeGreaterThan(0);
    },
    90_000,
  );
});
