// The job `npm start` runs, as a job module: the driver and each worker thread import this file,
// so the word count's functions (the tokenizer, the lower-casing map, the reducer) run in the
// workers, each on its share of every batch.

import { defineJob, sum, words } from "../src/index.ts";
import { corpusStream } from "./corpus.ts";

export interface WordCountParams {
  /** Lines per second fed into the stream. */
  readonly rate: number;
}

export default defineJob<WordCountParams>((ssc, { params, role }) => {
  // Only the driver reads the corpus: a worker's context never starts, and its stream stays empty.
  const lines = ssc.textStream(role === "driver" ? corpusStream(params.rate) : new ReadableStream<Uint8Array>());
  const counts = lines
    .flatMap(words)
    .map((w) => [w.toLowerCase(), 1] as const)
    .reduceByKey(sum);
  // Most frequent first, so the ten lines of print() are the top ten of the batch.
  counts.transform((batch) => batch.sortBy(([, n]) => n, false, 1)).print(10);
});
