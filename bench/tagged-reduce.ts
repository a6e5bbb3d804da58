// reduceByKey(sum) (the tagged built-in) against reduceByKey((a, b) => a + b) over pre-built
// [string, number] pairs, 10k keys, 4M pairs, through the public API.

import { ManualClock, Seconds, StreamingContext, sum } from "../src/index.ts";
import { prng } from "./corpus.ts";

async function reduce(pairs: [string, number][], fn: (a: number, b: number) => number, parallelism: number): Promise<number> {
  const clock = new ManualClock();
  const ssc = new StreamingContext({ batchInterval: Seconds(1), clock, parallelism });
  let keys = 0;
  ssc
    .queueStream([pairs])
    .reduceByKey(fn)
    .foreachRDD(async (b) => void (keys = await b.count()));
  ssc.start();
  const t = performance.now();
  await clock.advance(1000);
  const ms = performance.now() - t;
  await ssc.stop();
  if (keys === 0) throw new Error("nothing reduced");
  return ms;
}

export async function benchTaggedReduce(keys = 10_000, pairs = 4_000_000, rounds = 3): Promise<{ taggedMs: number; jsMs: number }> {
  const random = prng(5);
  const names = Array.from({ length: keys }, (_, i) => `key${i}`);
  const data: [string, number][] = Array.from({ length: pairs }, () => [names[Math.floor(random() * keys)]!, 1]);
  const tagged: number[] = [];
  const js: number[] = [];
  await reduce(data.slice(0, 100_000), sum, 1);
  for (let r = 0; r < rounds; r++) {
    tagged.push(await reduce(data, sum, 1));
    js.push(await reduce(data, (a, b) => a + b, 1));
  }
  return { taggedMs: Math.min(...tagged), jsMs: Math.min(...js) };
}
