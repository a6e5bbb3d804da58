// `npm start`: a streaming word count over the embedded sample corpus, fed through a
// ReadableStream at a steady rate, with 1 s batches and Spark-style `print()` output.
//
//   npm start                       5 batches, then a graceful stop
//   npm start -- --batches 20       20 batches
//   npm start -- --forever          until Ctrl-C (which stops gracefully)
//   npm start -- --rate 200         lines per second fed into the stream (default 40)

import { runJob, Seconds } from "../src/index.ts";
import type { WordCountParams } from "./wordcount-job.ts";

function flag(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  if (i < 0) return fallback;
  const value = Number(process.argv[i + 1]);
  if (!Number.isFinite(value) || value <= 0) {
    console.error(`--${name} takes a positive number`);
    process.exit(2);
  }
  return value;
}

const forever = process.argv.includes("--forever");
const batches = flag("batches", 5);
const rate = flag("rate", 40);

// The job is a module (wordcount-job.ts) so that its functions can run in the workers too.
const ssc = await runJob(new URL("./wordcount-job.js", import.meta.url), {
  batchInterval: Seconds(1),
  master: "local[2]",
  params: { rate } satisfies WordCountParams,
});

let completed = 0;
ssc.addStreamingListener({
  onBatchCompleted({ batchInfo: b }) {
    console.log(
      `batch ${b.batchTime} ms: ${b.numRecords} records, processing ${b.processingDelay} ms, scheduling delay ${b.schedulingDelay} ms\n`,
    );
    completed++;
    if (!forever && completed === batches) void ssc.stop({ graceful: true });
  },
});

process.once("SIGINT", () => {
  console.log("\nstopping gracefully (Ctrl-C)...");
  void ssc.stop({ graceful: true });
});

await ssc.awaitTermination();
const stats = ssc.statistics();
const ms = (n: number | undefined) => `${(n ?? 0).toFixed(1)} ms`;
console.log(
  `word count stopped after ${stats.numTotalCompletedBatches} batches: ${stats.numProcessedRecords} records, ` +
    `on average ${(stats.avgInputRate ?? 0).toFixed(1)} records/s, processing ${ms(stats.avgProcessingTime)}, scheduling delay ${ms(stats.avgSchedulingDelay)}`,
);
