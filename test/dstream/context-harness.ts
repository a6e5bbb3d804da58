// A StreamingContext under a ManualClock, for tests that need the context itself (ssc.union,
// ssc.transform, ssc.parallelize, ssc.remember, DStream.slice). Stopped afterwards, always.
import { type Batch, type DStream, ManualClock, MemoryCheckpointStore, Seconds, StreamingContext } from "../../src/index.ts";
import { testKernels } from "../support/spark-suite.ts";

export interface Harness {
  readonly ssc: StreamingContext;
  readonly clock: ManualClock;
  /** Registers a foreachRDD output collecting every batch of `stream` into the returned array. */
  collect<T>(stream: DStream<T>): T[][];
  /** Starts the context and runs `n` batches (times 1000, 2000, …, n * 1000). */
  run(n: number): Promise<void>;
}

export async function withContext<R>(body: (h: Harness) => Promise<R>, parallelism = 2): Promise<R> {
  const clock = new ManualClock();
  const ssc = new StreamingContext({ batchInterval: Seconds(1), clock, parallelism, kernels: testKernels() });
  ssc.checkpoint(new MemoryCheckpointStore());
  const harness: Harness = {
    ssc,
    clock,
    collect<T>(stream: DStream<T>): T[][] {
      const out: T[][] = [];
      stream.foreachRDD(async (batch: Batch<T>) => {
        out.push(await batch.collect());
      });
      return out;
    },
    async run(n: number): Promise<void> {
      ssc.start();
      await clock.advance(n * 1000);
    },
  };
  try {
    return await body(harness);
  } finally {
    await ssc.stop();
  }
}
