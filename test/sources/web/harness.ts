// A started context with one input under test, recording its batches, input metadata and the
// receiver events its source reports.
import { afterEach, vi } from "vitest";
import { type DStream, ManualClock, type ReceiverInfo, Seconds, StreamingContext, type StreamingContextOptions, type StreamInputInfo } from "../../../src/index.ts";

const contexts: StreamingContext[] = [];
afterEach(async () => {
  for (const ssc of contexts.splice(0)) await ssc.stop();
  vi.restoreAllMocks();
  vi.unstubAllGlobals();
});

export interface Run<T> {
  clock: ManualClock;
  ssc: StreamingContext;
  stream: DStream<T>;
  /** Each batch's records, with its time. */
  out: [number, T[]][];
  /** The input's info (record count, metadata) per completed batch. */
  infos: StreamInputInfo[];
  /** "started", "error <message>", "stopped <message>", in order. */
  events: string[];
  errors: ReceiverInfo[];
  stopped: ReceiverInfo[];
}

/** Lets a source's start (a microtask after ssc.start()) run. */
export const tick = (): Promise<void> => new Promise((r) => setTimeout(r, 0));

/** Builds the input with `make`, collects it, and starts the context (unless `start` is false). */
export function run<T>(
  make: (ssc: StreamingContext) => DStream<T>,
  options: { start?: boolean; context?: Partial<StreamingContextOptions>; clock?: ManualClock } = {},
): Run<T> {
  const clock = options.clock ?? new ManualClock();
  const ssc = new StreamingContext({ batchInterval: Seconds(1), clock, parallelism: 2, ...options.context });
  contexts.push(ssc);
  const stream = make(ssc);
  const r: Run<T> = { clock, ssc, stream, out: [], infos: [], events: [], errors: [], stopped: [] };
  ssc.addStreamingListener({
    onReceiverStarted: () => void r.events.push("started"),
    onReceiverError: (e) => {
      r.events.push(`error ${e.receiverInfo.lastErrorMessage}`);
      r.errors.push(e.receiverInfo);
    },
    onReceiverStopped: (e) => {
      r.events.push(`stopped ${e.receiverInfo.lastErrorMessage}`);
      r.stopped.push(e.receiverInfo);
    },
    onBatchCompleted: (e) => {
      const info = e.batchInfo.streamIdToInputInfo.get(stream.id);
      if (info) r.infos.push(info);
    },
  });
  stream.foreachRDD(async (b, t) => void r.out.push([t, await b.collect()]));
  if (options.start !== false) ssc.start();
  return r;
}
