// `npm start`'s job, as built: the word count over the sample corpus runs as a job module with
// two worker threads, prints Spark-style top-ten batches and stops gracefully after --batches.
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { expect, it } from "vitest";

const main = fileURLToPath(new URL("../../dist/jobs/wordcount.js", import.meta.url));

it("runs the sample word count and stops after the asked number of batches", async () => {
  const { stdout, stderr } = await promisify(execFile)(process.execPath, [main, "--batches", "2", "--rate", "200"], { timeout: 15_000 });
  expect(stderr).toBe("");
  const batches = stdout.split("\n").filter((l) => l.startsWith("batch "));
  // The graceful stop processes what was received after the last counted batch.
  expect(batches.length).toBeGreaterThanOrEqual(2);
  expect(batches[0]).toMatch(/^batch \d+ ms: \d+ records, processing \d+ ms, scheduling delay \d+ ms$/);
  const headers = stdout.split("\n").filter((l) => /^Time: \d+ ms$/.test(l));
  expect(headers.length).toBe(batches.length);
  // Every printed record is (word,count), most frequent first, at most ten per batch.
  const blocks = stdout.split(/^-{43}\nTime: \d+ ms\n-{43}\n/m).slice(1);
  for (const block of blocks) {
    const records = block.split("\n").filter((l) => l.startsWith("("));
    expect(records.length).toBeLessThanOrEqual(10);
    const counts = records.map((r) => Number(/,(\d+)\)$/.exec(r)![1]));
    expect(counts).toEqual([...counts].sort((a, b) => b - a));
  }
  expect(stdout).toMatch(/\(the,\d+\)/);
  // The last line is the context's statistics: the same batches and records as printed per batch.
  const summary = /^word count stopped after (\d+) batches: (\d+) records, on average [\d.]+ records\/s, processing [\d.]+ ms, scheduling delay [\d.]+ ms$/.exec(
    stdout.trim().split("\n").at(-1)!,
  );
  expect(summary).not.toBeNull();
  expect(Number(summary![1])).toBe(batches.length);
  expect(Number(summary![2])).toBe(batches.reduce((n, line) => n + Number(/: (\d+) records/.exec(line)![1]), 0));
});
