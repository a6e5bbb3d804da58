/**
 * Spark's HdfsWordCount (examples/streaming/HdfsWordCount.scala) in Rivulet: counts the words of
 * the new text files that appear in a directory, every two seconds, and prints each batch's
 * counts. Files must be moved (renamed) into the directory once complete, as Spark requires.
 *
 * To run it on a local directory `localdir`, call `main("localdir")` from a Node module, then
 * move a text file into `localdir`.
 */
import { Seconds, StreamingContext, type StreamingContextOptions } from "../src/index.ts";

/** What a caller may set beyond Spark's argument: a `ManualClock` and a `log` to drive it from a test. */
export type HdfsWordCountOptions = Pick<StreamingContextOptions, "clock" | "log" | "parallelism">;

/** `HdfsWordCount <directory>`: returns the started context, which runs until stopped. */
export function main(directory: string, options: HdfsWordCountOptions = {}): StreamingContext {
  // Create the context
  const ssc = new StreamingContext({ ...options, batchInterval: Seconds(2) });

  // Create the FileInputDStream on the directory and use the
  // stream to count words in new files created
  const lines = ssc.textFileStream(directory);
  const words = lines.flatMap((line) => line.split(" "));
  const wordCounts = words.map((x) => [x, 1] as const).reduceByKey((a, b) => a + b);
  wordCounts.print();
  ssc.start();
  // Spark's main blocks in ssc.awaitTermination(); here the caller awaits it if it wants to.
  return ssc;
}
