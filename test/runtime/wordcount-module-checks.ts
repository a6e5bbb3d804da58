/**
 * What every runtime's run of the word-count job module (test/fixtures/runtime/wordcount-module.ts,
 * driven by `runWordCountJob`) must show. Runtime-neutral: Node, Chromium and Deno's reports are
 * checked by the same code.
 */
import { expect } from "vitest";
import { expectedWordCount, type JobRunReport } from "../fixtures/runtime/wordcount-job.ts";

/** The stage of each batch at `times` ran in the pool: a map task per input partition. */
function expectStageTasks(run: JobRunReport, times: readonly number[]): void {
  const names = run.tasks.map(([name]) => name);
  for (const time of times) {
    for (const partition of [0, 1]) expect(names).toContainEqual(expect.stringMatching(new RegExp(`@${time} map\\[${partition}\\]$`)));
  }
}

/** With workers: the reference's counts, every user function in the two workers, none left after `stop()`. */
export function expectRunInWorkers(run: JobRunReport): void {
  expect(run.result).toEqual(expectedWordCount());
  expect(run.callsOnDriver).toEqual({ flatMap: 0, map: 0, reduce: 0 });
  expect(run.workersWhileRunning).toBe(2);
  expect(run.workersAfterStop).toBe(0);
  expectStageTasks(run, [1000, 2000]);
  expect(new Set(run.tasks.map(([, worker]) => worker)).size).toBe(2);
}

/**
 * With workers, the text's last line ended by the stream's close: that line stays bytes like the
 * others, so its batch runs in the workers too, with the same counts.
 */
export function expectUnterminatedRun(run: JobRunReport): void {
  expectRunInWorkers(run);
}

/** Without workers: the same counts, the same functions run (and counted) in this thread. */
export function expectRunInThread(run: JobRunReport): void {
  expect(run.result).toEqual(expectedWordCount());
  expect(run.callsOnDriver.flatMap).toBeGreaterThan(0);
  expect(run.callsOnDriver.map).toBeGreaterThan(0);
  expect(run.callsOnDriver.reduce).toBeGreaterThan(0);
  expect(run.workersWhileRunning).toBe(0);
  expect(run.tasks).toEqual([]);
}
