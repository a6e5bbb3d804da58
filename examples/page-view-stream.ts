// Apache Spark's clickstream example, PageViewStream.scala
// (examples/src/main/scala/org/apache/spark/examples/streaming/clickstream/), in Rivulet's
// TypeScript: analyses a streaming dataset of web page views, showing several types of operators.
//
// Used in tandem with page-view-generator.ts: serve with `pageViewGenerator(44444, 10)`, then
// process the stream with `pageViewStream("errorRatePerZipCode", "localhost", 44444)`.
// <metric> must be one of pageCounts, slidingPageCounts, errorRatePerZipCode, activeUserCount,
// popularUsersSeen.
import { type CheckpointStore, type DStream, Seconds, StreamingContext, type StreamingContextOptions } from "../src/index.ts";
import { PageView } from "./page-view-generator.ts";

export interface PageViewStreamOptions extends Partial<Omit<StreamingContextOptions, "batchInterval">> {
  /**
   * Spark's `ssc.checkpoint(dir)`, which the original never calls: the incremental window of
   * slidingPageCounts cannot start without it, in Spark as here.
   */
  checkpoint?: CheckpointStore;
}

/** The example's `main(metric, host, port)`: builds the job, starts it and returns its context. */
export function pageViewStream(metric: string, host: string, port: number, options: PageViewStreamOptions = {}): StreamingContext {
  const { checkpoint, ...contextOptions } = options;
  // Create the context
  const ssc = new StreamingContext({ master: "local[2]", ...contextOptions, batchInterval: Seconds(1) });
  if (checkpoint) ssc.checkpoint(checkpoint);

  // Create a ReceiverInputDStream on target host:port; its lines become PageViews below
  const lines = ssc.socketTextStream(host, port);
  pageViewMetric(ssc, lines, metric, contextOptions.log);

  ssc.start();
  return ssc;
}

/**
 * Everything of the original after `socketTextStream`: the lines into PageViews, every metric,
 * and the output of the one `metric` names. `println` stands for Scala's `println` (default
 * `console.log`).
 */
export function pageViewMetric(
  ssc: StreamingContext,
  lines: DStream<string>,
  metric: string,
  println: (text: string) => void = (text) => console.log(text),
): void {
  const pageViews = lines.flatMap((line) => line.split("\n")).map((line) => PageView.fromString(line));

  // Every metric is built, as in the original; only the chosen one gets an output, and only the
  // streams an output reads run, need a checkpoint store, or are checkpointed.

  // Return a count of views per URL seen in each batch
  const pageCounts = pageViews.map((view) => view.url).countByValue();

  // Return a sliding window of page views per URL in the last ten seconds
  const slidingPageCounts = pageViews.map((view) => view.url).countByValueAndWindow(Seconds(10), Seconds(2));

  // Return the rate of error pages (a non 200 status) in each zip code over the last 30 seconds
  const statusesPerZipCode = pageViews
    .window(Seconds(30), Seconds(2))
    .map((view) => [view.zipCode, view.status] as const)
    .groupByKey();
  const errorRatePerZipCode = statusesPerZipCode.map(([zip, statuses]) => {
    const normalCount = statuses.filter((s) => s === 200).length;
    const errorCount = statuses.length - normalCount;
    // Scala's `errorCount.toFloat / statuses.size` is a Float: 1 error in 20 is 0.05f, which is
    // above the Double 0.05 it is compared with, so Spark marks it.
    const errorRatio = Math.fround(errorCount / statuses.length);
    if (errorRatio > 0.05) {
      return `${zip}: **${floatToString(errorRatio)}**`;
    } else {
      return `${zip}: ${floatToString(errorRatio)}`;
    }
  });

  // Return the number unique users in last 15 seconds
  const activeUserCount = pageViews
    .window(Seconds(15), Seconds(2))
    .map((view) => [view.userID, 1] as const)
    .groupByKey()
    .count()
    .map((n) => "Unique active users: " + n);

  // An external dataset we want to join to this stream
  const userList = ssc.parallelize<[number, string]>([
    [1, "Patrick Wendell"],
    [2, "Reynold Xin"],
    [3, "Matei Zaharia"],
  ]);

  switch (metric) {
    case "pageCounts":
      pageCounts.print();
      break;
    case "slidingPageCounts":
      slidingPageCounts.print();
      break;
    case "errorRatePerZipCode":
      errorRatePerZipCode.print();
      break;
    case "activeUserCount":
      activeUserCount.print();
      break;
    case "popularUsersSeen":
      // Look for users in our existing dataset and print it out if we have a match
      pageViews
        .map((view) => [view.userID, 1] as const)
        .foreachRDD(async (rdd, time) =>
          (
            await rdd
              .join(userList)
              .map(([, [, name]]) => name)
              .take(10)
          ).forEach((u) => println(`Saw user ${u} at time ${time} ms`)),
        );
      break;
    default:
      println("Invalid metric entered: " + metric);
  }
}

/**
 * Java's `Float.toString`, which Scala's `"%s".format` prints a Float with: the shortest decimal
 * that reads back as the same float, with ".0" on whole numbers, and in E notation below 10^-3.
 * A JS number would print 1/3 as 0.3333333333333333 and 0 as 0.
 */
function floatToString(f: number): string {
  if (f === 0) return "0.0";
  let digits = 1;
  while (Math.fround(Number(f.toPrecision(digits))) !== f) digits++;
  const shortest = Number(f.toPrecision(digits));
  if (Math.abs(f) >= 1e-3 && Math.abs(f) < 1e7) {
    const plain = String(shortest);
    return plain.includes(".") ? plain : `${plain}.0`;
  }
  const [mantissa, exponent] = shortest.toExponential().split("e") as [string, string];
  return `${mantissa.includes(".") ? mantissa : `${mantissa}.0`}E${Number(exponent)}`;
}
