import { defaultFileSink, defaultSpawner, hardwareConcurrency, onShutdown } from "#platform";
import { Accumulator, applyUpdates } from "./core/accumulator.ts";
import { Broadcast } from "./core/broadcast.ts";
import { Batch } from "./core/batch.ts";
import { Duration, Milliseconds, Seconds } from "./core/duration.ts";
import { RivuletError } from "./core/errors.ts";
import { DStream, type StreamEnvironment } from "./dstream/dstream.ts";
import { DStreamGraph } from "./dstream/graph.ts";
import { InputComputation, type InputSource, type SourceContext } from "./dstream/input.ts";
import { transformedAll } from "./dstream/transformed.ts";
import { unioned } from "./dstream/union.ts";
import type { Executor, ShuffleStage } from "./core/executor.ts";
import { createEngine, defaultParallelism, type Engine } from "./engine/engine.ts";
import type { JobSpec } from "./engine/workers/protocol.ts";
import { type Clock, type ManualClock, SystemClock } from "./scheduler/clock.ts";
import { JobGenerator } from "./scheduler/job-generator.ts";
import { JobScheduler } from "./scheduler/job-scheduler.ts";
import { asCheckpointContent, type CheckpointContent, Checkpointer } from "./scheduler/checkpointer.ts";
import { readReplayPositions, type RecoveredPositions, type ReplayPositions } from "./scheduler/batch-positions.ts";
import { awaitReplayInputs, REPLAY_WAIT_MS, type ReplayWait, type ShortInput } from "./scheduler/replay-wait.ts";
import { ListenerBus, type StreamingListener } from "./scheduler/listener.ts";
import { type BatchStatistics, type ReceiverStatistics, type StreamingStatistics, StreamingProgress } from "./scheduler/progress.ts";
import { acquireOriginLock, heldElsewhere, OriginLock } from "./scheduler/origin-lock.ts";
import { readLatestCheckpoint } from "./state/checkpoint.ts";
import type { CheckpointStore } from "./state/store.ts";
import { type QueuedBatch, QueueSource, type QueueStreamOptions } from "./sources/queue.ts";
import { type Receiver, ReceiverSource } from "./sources/receiver.ts";
import { ReadableSource } from "./sources/stream-source.ts";
import { TextSource, type TextStreamOptions } from "./sources/text.ts";
import type { LineInput } from "./sources/reconnecting.ts";
import { localDirectory, tcpConnect } from "#platform";
import { type DirectoryInput, toDirectory } from "./sources/directory.ts";
import { fileLines, fixedLengthRecords, recordsOf } from "./sources/file-records.ts";
import { FileSource, type FileStreamOptions, type TextFileStreamOptions } from "./sources/file-stream.ts";
import { WriteAheadLog } from "./sources/write-ahead-log.ts";
import { type SocketConverter, SocketRecordsSource, SocketSource, type SocketStreamOptions, type SocketTextStreamOptions } from "./sources/socket.ts";
import { EventSourceSource, type EventSourceLike, type EventSourceStreamOptions, type ServerSentEvent } from "./sources/web/event-source.ts";
import { JsonLinesSource, type JsonLinesStreamOptions } from "./sources/web/json-lines.ts";
import { MessageSource, type MessageStreamOptions, type MessageTargetLike } from "./sources/web/message.ts";
import { type EventStreamOptions, type EventTargetLike, EventTargetSource } from "./sources/web/dom-event.ts";
import { WebSocketSource, type WebSocketLike, type WebSocketStreamOptions } from "./sources/web/websocket.ts";
import { PIDRateEstimator } from "./sources/rate/pid-estimator.ts";
import { RateController } from "./sources/rate/rate-controller.ts";
import { RateLimiter } from "./sources/rate/rate-limiter.ts";
import {
  type CheckpointOptions,
  type GetOrCreateOptions,
  parseMaster,
  type RecoveryInfo,
  type StopOptions,
  type StreamingContextOptions,
  type StreamingContextState,
} from "./context-options.ts";

/** The job module a context was built from (`runJob`), so its stages can run in workers. */
interface JobRun {
  readonly run: string;
  readonly url: string;
  readonly params: unknown;
}

const jobRuns = new WeakMap<StreamingContext, JobRun>();
let nextRun = 0;

/** @internal Marks `ssc` as built by the job module at `url` (before its setup runs). */
export function attachJob(ssc: StreamingContext, url: string, params: unknown): void {
  const random = Math.floor(Math.random() * 0x100000000).toString(16);
  jobRuns.set(ssc, { run: `${nextRun++}-${random}`, url, params });
}

/** @internal The graph of `ssc` (a worker runs stages on its copy). */
export function graphOf(ssc: StreamingContext): DStreamGraph {
  return ssc["graph"];
}

/** @internal The accumulators of `ssc`, by id (a worker reports what its tasks added to its copies). */
export function accumulatorsOf(ssc: StreamingContext): readonly Accumulator[] {
  return ssc["accumulators"];
}

/** @internal The broadcasts of `ssc`, by id (a worker's copies take the driver's values). */
export function broadcastsOf(ssc: StreamingContext): readonly Broadcast<unknown>[] {
  return ssc["broadcasts"];
}

let activeContext: StreamingContext | undefined;

/**
 * The entry point, Spark's StreamingContext: creates input streams, runs the graph every batch
 * interval once started, and stops. One context is active per JavaScript realm at a time.
 */
export class StreamingContext {
  /** The engine partitions run on; pass it to a new context after `stop({ stopEngine: false })`. */
  readonly engine: Engine;
  readonly batchInterval: Duration;
  private readonly clock: Clock;
  private readonly graph: DStreamGraph;
  private readonly bus = new ListenerBus();
  private readonly progress: StreamingProgress;
  private readonly accumulators: Accumulator[] = [];
  /** How many accumulators the job's setup made: those at start, which workers' copies also have. */
  private sharedAccumulators = 0;
  private readonly broadcasts: Broadcast<unknown>[] = [];
  /** How many broadcasts the job's setup made: those whose values stage tasks carry to workers. */
  private sharedBroadcasts = 0;
  private readonly scheduler: JobScheduler;
  private readonly generator: JobGenerator;
  private readonly env: StreamEnvironment;
  private readonly sources: { source: InputSource<unknown>; streamId: number }[] = [];
  private currentState: StreamingContextState = "initialized";
  private error: { error: unknown } | undefined;
  private stopping: Promise<void> | undefined;
  private sourcesStarting: Promise<void> = Promise.resolve();
  private readonly waiters = new Set<{ resolve: () => void; reject: (e: unknown) => void }>();
  private checkpointStore: CheckpointStore | undefined;
  private writeAheadLog = false;
  private removeSettleHook: (() => void) | undefined;
  private recovered: CheckpointContent | undefined;
  /** After a restart: where the inputs stood once they first took the batches to be made again. */
  private replayPositions: ReplayPositions | undefined;
  /** Set while a restart waits for its inputs before making those batches; settles once they are scheduled. */
  private replaying: Promise<void> | undefined;
  private replayWait: ReplayWait | undefined;
  private readonly rates: Pick<StreamingContextOptions, "maxRate" | "backpressure">;
  private readonly gracefulOnShutdown: boolean;
  private readonly gracefulStopTimeout: Duration;
  private removeShutdownHook: (() => void) | undefined;
  private originLock: OriginLock | undefined;
  /** Sources started and batches generated: at `start()`, or once the origin's lock is held. */
  private begun = false;

  constructor(options: StreamingContextOptions) {
    if (!(options.batchInterval instanceof Duration) || options.batchInterval.milliseconds <= 0) {
      throw new RivuletError("INVALID_ARGUMENT", "batchInterval must be a positive Duration, e.g. Seconds(1)");
    }
    this.batchInterval = options.batchInterval;
    this.clock = options.clock ?? new SystemClock();
    this.progress = new StreamingProgress(this.batchInterval.milliseconds, options.retainedBatches ?? 1000, () => this.clock.now());
    this.bus.add(this.progress);
    this.rates = { maxRate: options.maxRate, backpressure: options.backpressure };
    this.gracefulOnShutdown = options.stopGracefullyOnShutdown ?? false;
    this.gracefulStopTimeout = options.gracefulStopTimeout ?? Milliseconds(10 * this.batchInterval.milliseconds);
    checkStopTimeout(this.gracefulStopTimeout, "gracefulStopTimeout");
    // Bad settings fail here, not when the sources start.
    this.rateLimiter(undefined);
    this.originLock = options.originLock ? new OriginLock(options.originLock) : undefined;
    const parallelism = options.parallelism ?? parseMaster(options.master) ?? defaultParallelism(hardwareConcurrency());
    if (options.engine) {
      if (options.engine.closed) throw new RivuletError("ILLEGAL_STATE", "the engine passed to StreamingContext has been closed");
      this.engine = options.engine;
    } else {
      const spawn = options.workers === false ? undefined : (options.workers?.spawn ?? defaultSpawner(options.workers?.url));
      this.engine = createEngine({
        parallelism,
        kernels: options.kernels,
        kernelsModule: options.kernelsModule,
        maxKernelMemoryBytes: options.maxKernelMemoryBytes,
        workers: spawn && options.workers !== false ? { ...options.workers, spawn } : undefined,
      });
    }
    this.graph = new DStreamGraph(this.batchInterval, this.executor(), { assertModifiable: (what) => this.assertModifiable(what) });
    const fileSink = options.fileSink;
    this.env = {
      graph: this.graph,
      log: options.log ?? ((text) => console.log(text)),
      fileSink: () => fileSink ?? defaultFileSink(),
    };
    const report = (e: unknown) => this.reportError(e);
    this.scheduler = new JobScheduler(this.clock, this.bus, report);
    this.generator = new JobGenerator(this.graph, this.clock, this.scheduler, report);
  }

  /**
   * Spark's `getOrCreate`: with a checkpoint in `store`, rebuilds the graph with `factory` (it
   * always runs, since functions cannot be restored; it is told it is recovering), checks that the
   * graph is the one the checkpoint was written by, and restores its state and source positions,
   * so `start()` resumes at the batch after the checkpoint. Without one, `factory` makes a new
   * context. Either way the context checkpoints to `store`. A checkpoint that cannot be used
   * (another graph or batch interval, unreadable, a store failing to read) is refused with its
   * error, or with `createOnError` gives a new context from `factory(undefined)`. With
   * `originLock` the store is read only once this tab or worker holds the origin's lock, which the
   * context then keeps until `stop()`: a standby takes over from its predecessor's last checkpoint.
   */
  static async getOrCreate(
    store: CheckpointStore,
    factory: (recovery: RecoveryInfo | undefined) => StreamingContext | Promise<StreamingContext>,
    options: GetOrCreateOptions = {},
  ): Promise<StreamingContext> {
    if (!options.originLock) return StreamingContext.recoverOrCreate(store, factory, options);
    const lock = await acquireOriginLock(options.originLock, options.signal);
    let ssc: StreamingContext | undefined;
    try {
      ssc = await StreamingContext.recoverOrCreate(store, factory, options);
      ssc.holdOriginLock(lock);
      return ssc;
    } catch (error) {
      if (ssc) await ssc.stop();
      await lock.release();
      throw error;
    }
  }

  private static async recoverOrCreate(
    store: CheckpointStore,
    factory: (recovery: RecoveryInfo | undefined) => StreamingContext | Promise<StreamingContext>,
    options: GetOrCreateOptions,
  ): Promise<StreamingContext> {
    let ssc: StreamingContext | undefined;
    try {
      const latest = await readLatestCheckpoint(store, true);
      const content = latest ? asCheckpointContent(latest.value) : undefined;
      const replay = content ? await readReplayPositions(content, store) : undefined;
      for (const { name, reason } of replay?.skipped ?? []) {
        console.warn(`Rivulet: ${name} cannot be used (${reason}): that batch is made again from what its inputs hold then, which may differ from what it first had`);
      }
      ssc = await factory(content && latest ? { checkpointTime: content.checkpointTime, skipped: [...latest.skipped, ...(replay?.skipped ?? [])] } : undefined);
      if (!ssc.checkpointStore) ssc.checkpoint(store);
      if (content) ssc.recover(content, replay);
      return ssc;
    } catch (error) {
      if (!options.createOnError || !isCheckpointError(error)) throw error;
      // The context built for the checkpoint is dropped; its engine too, unless the new one runs on it.
      await ssc?.stop({ stopEngine: false });
      const fresh = await factory(undefined);
      if (!fresh.checkpointStore) fresh.checkpoint(store);
      if (ssc && ssc.engine !== fresh.engine) await ssc.engine.close();
      return fresh;
    }
  }

  /** The active context of this realm, if any. */
  static getActive(): StreamingContext | undefined {
    return activeContext;
  }

  /** The active context, or a new one from `factory`. */
  static getActiveOrCreate(factory: () => StreamingContext): StreamingContext;
  /**
   * The active context, or `getOrCreate(store, factory, options)`: Spark's
   * `getActiveOrCreate(checkpointPath, creatingFunc)`.
   */
  static getActiveOrCreate(
    store: CheckpointStore,
    factory: (recovery: RecoveryInfo | undefined) => StreamingContext | Promise<StreamingContext>,
    options?: GetOrCreateOptions,
  ): Promise<StreamingContext>;
  static getActiveOrCreate(
    storeOrFactory: CheckpointStore | (() => StreamingContext),
    factory?: (recovery: RecoveryInfo | undefined) => StreamingContext | Promise<StreamingContext>,
    options?: GetOrCreateOptions,
  ): StreamingContext | Promise<StreamingContext> {
    if (typeof storeOrFactory === "function") return activeContext ?? storeOrFactory();
    if (typeof factory !== "function") throw new RivuletError("INVALID_ARGUMENT", "getActiveOrCreate(store, factory): factory must be a function that makes the context");
    return activeContext ? Promise.resolve(activeContext) : StreamingContext.getOrCreate(storeOrFactory, factory, options);
  }

  /** `"initialized"` until started, `"active"` while running, `"stopped"` after `stop()`. */
  get state(): StreamingContextState {
    return this.currentState;
  }

  // ---- inputs --------------------------------------------------------------------------------

  /**
   * Spark's `queueStream(queue, oneAtATime, defaultRDD)`: batches from an array used as a queue;
   * the caller may push more while running. An entry is an array of records, cut into the
   * context's parallelism, or a `Batch` such as `ssc.parallelize(records, numSlices)`, which
   * keeps its partitions.
   */
  queueStream<T>(queue: QueuedBatch<T>[], options: QueueStreamOptions<T> = {}): DStream<T> {
    return this.input(new QueueSource(queue, options));
  }

  /** Records from a `ReadableStream`, one record a chunk, each in the batch of the interval it arrived in. */
  readableStream<T>(stream: ReadableStream<T>): DStream<T> {
    return this.input(new ReadableSource(stream));
  }

  /**
   * Lines from a stream of UTF-8 bytes or strings (a `fetch` body, `File.stream()`, a socket); from
   * a `ReplayableByteSource` (`{ open(offset) }`), which checkpoints resume at the byte offset
   * reached, for exactly-once processing; or from a connect function (`() => fetch(url).then((r)
   * => r.body!)`), opened again `reconnectDelay` after each end, as Spark restarts a receiver.
   */
  textStream(stream: LineInput, options: TextStreamOptions = {}): DStream<string> {
    return this.input(new TextSource(stream, options, this.engine.transferSegmentBytes, this.engine.sharedBatches));
  }

  /**
   * Spark's `socketTextStream(hostname, port)`: the lines a TCP server sends (UTF-8, cut as
   * `textStream` cuts them). A refused or lost connection is reported to listeners and tried again
   * after `reconnectDelay` (2 s, Spark's receiver restart delay). Node and Deno connect on their
   * own; elsewhere pass `connect` (workerd's `cloudflare:sockets`); browsers have no TCP sockets
   * (`webSocketStream` is the web's socket stream).
   */
  socketTextStream(hostname: string, port: number, options: SocketTextStreamOptions = {}): DStream<string> {
    return this.input(new SocketSource(hostname, port, options, tcpConnect, this.engine.transferSegmentBytes, this.engine.sharedBatches));
  }

  /**
   * Spark's `socketStream(hostname, port, converter)`: the records `converter` makes of each
   * connection's bytes (a `ReadableStream<Uint8Array>`), for protocols other than lines. It gives
   * a stream or an (async) iterable, e.g. an async generator of length-prefixed frames. A refused
   * or lost connection, or a converter that throws, is reported and the connection opened again
   * after `reconnectDelay` (2 s). Connecting is as for `socketTextStream`.
   */
  socketStream<T>(hostname: string, port: number, converter: SocketConverter<T>, options: SocketStreamOptions = {}): DStream<T> {
    return this.input(new SocketRecordsSource(hostname, port, converter, options, tcpConnect));
  }

  /**
   * Spark's `textFileStream`: the lines of the files that appear in `directory`, each file whole
   * in the first batch at or after its modification time, never twice (see `TextFileStreamOptions`).
   * `directory` is a path or `file:` URL (Node), a `FileSystemDirectoryHandle` (browsers: the
   * origin private file system, a picked folder), or any object with `list()` and `read(name)`.
   * Files must be moved or renamed into the directory once complete, and not changed after.
   * Checkpoints remember which files were taken, so a restart takes only the ones left.
   */
  textFileStream(directory: DirectoryInput, options: TextFileStreamOptions = {}): DStream<string> {
    return this.input(new FileSource(toDirectory(directory, localDirectory), options, this.batchInterval, fileLines(options)));
  }

  /**
   * Spark's `fileStream` with an `InputFormat`: the files that appear in `directory` (as
   * `textFileStream` finds them), each made into records by `read(bytes, name)`, e.g.
   * `(bytes) => JSON.parse(new TextDecoder().decode(bytes))` for files of JSON arrays. A file
   * `read` throws on is dropped, counted (`unreadableRecords`) and reported; the job goes on.
   */
  fileStream<T>(directory: DirectoryInput, read: (bytes: Uint8Array, name: string) => Iterable<T>, options: FileStreamOptions = {}): DStream<T> {
    return this.input(new FileSource(toDirectory(directory, localDirectory), options, this.batchInterval, recordsOf(read), "fileStream"));
  }

  /**
   * Spark's `binaryRecordsStream`: the files that appear in `directory` (as `textFileStream`
   * finds them) cut into records of `recordLength` bytes each. A file whose length is not a
   * multiple of it has its trailing bytes dropped, counted (`partialRecords`) and reported.
   */
  binaryRecordsStream(directory: DirectoryInput, recordLength: number, options: FileStreamOptions = {}): DStream<Uint8Array> {
    const records = fixedLengthRecords(recordLength);
    return this.input(new FileSource(toDirectory(directory, localDirectory), options, this.batchInterval, records, "binaryRecordsStream"));
  }

  /**
   * The messages of a WebSocket, Spark's `socketTextStream` for the web: text messages as strings,
   * binary ones as `Uint8Array`s, or with `lines: true` their data cut into lines (strings). Give
   * a URL (opened with the global `WebSocket` on `start()`, closed on `stop()`) or a WebSocket-like
   * object (not closed on `stop()` unless `closeOnStop`). A WebSocket cannot be paused: at most
   * `maxBuffered` records wait for a batch, and messages past that are dropped and counted
   * (`droppedMessages`) and reported. A close or error is reported; the context runs on.
   */
  webSocketStream(socket: string | URL | WebSocketLike, options: WebSocketStreamOptions & { lines: true }): DStream<string>;
  webSocketStream(socket: string | URL | WebSocketLike, options?: WebSocketStreamOptions): DStream<string | Uint8Array>;
  webSocketStream(socket: string | URL | WebSocketLike, options: WebSocketStreamOptions = {}): DStream<string | Uint8Array> {
    return this.input(new WebSocketSource(socket, options));
  }

  /**
   * Server-sent events: each event's `data` (or with `format: "event"` a `ServerSentEvent` with its
   * type and last event id), for the event types in `events` (default `["message"]`). Give a URL
   * (opened with the global `EventSource` on `start()`, closed on `stop()`) or an EventSource-like
   * object. Events wait in a bounded buffer as a WebSocket's messages do; the EventSource's own
   * reconnections are reported as receiver errors and the stream goes on.
   */
  eventSourceStream(source: string | URL | EventSourceLike, options: EventSourceStreamOptions & { format: "event" }): DStream<ServerSentEvent>;
  eventSourceStream(source: string | URL | EventSourceLike, options?: EventSourceStreamOptions): DStream<string>;
  eventSourceStream(source: string | URL | EventSourceLike, options: EventSourceStreamOptions = {}): DStream<string> | DStream<ServerSentEvent> {
    return this.input(new EventSourceSource(source, options)) as DStream<string> | DStream<ServerSentEvent>;
  }

  /**
   * The `data` of each message a `BroadcastChannel`, `MessagePort`, worker or window receives, one
   * record each (the type `T` is not checked): how the tabs and workers of an origin feed the one
   * context that runs the job. A channel name opens `new BroadcastChannel(name)`, closed on stop.
   * Messages that cannot be deserialized are dropped and counted (`unreadableMessages`).
   */
  messageStream<T = unknown>(target: string | MessageTargetLike, options: MessageStreamOptions = {}): DStream<T> {
    return this.input(new MessageSource<T>(target, options));
  }

  /**
   * The events `target` dispatches (an element, `document`, `window`, any `EventTarget`) of the
   * given types, each made into a record by `select(event)` when it fires, e.g.
   * `(e: MouseEvent) => ({ x: e.clientX, y: e.clientY })`; `undefined` skips an event. In-page
   * analytics: clicks, inputs or scrolls per batch, windowed like any stream. Stopping the
   * context removes the listeners.
   */
  eventStream<E extends Event, T>(target: EventTargetLike, types: string | readonly string[], select: (event: E) => T | undefined, options: EventStreamOptions = {}): DStream<T> {
    return this.input(new EventTargetSource<E, T>(target, types, select, options));
  }

  /**
   * Newline-delimited JSON (a `fetch` body, `File.stream()`): one record per line, parsed with
   * `JSON.parse` (the type `T` is not checked). Blank lines are skipped; lines that are not JSON
   * are dropped, counted (`invalidJson`) and the first few reported. Over a `ReplayableByteSource`,
   * a restart resumes after the last checkpointed line; a connect function is opened again after
   * each end (`reconnectDelay`), for a live endpoint that closes now and then.
   */
  jsonLinesStream<T = unknown>(stream: LineInput, options: JsonLinesStreamOptions = {}): DStream<T> {
    return this.input(new JsonLinesSource<T>(stream, options));
  }

  /** Records from a custom `Receiver`, started with the context and stopped with it. */
  receiverStream<T>(receiver: Receiver<T>): DStream<T> {
    return this.input(new ReceiverSource(receiver));
  }

  /**
   * The records of all `streams`, batch by batch, in the order given: `ssc.union(a, b)`, or
   * Spark's `ssc.union(streams)` with an array. The streams must slide together.
   */
  union<T>(streams: readonly DStream<T>[]): DStream<T>;
  union<T>(...streams: DStream<T>[]): DStream<T>;
  union<T>(...args: DStream<T>[] | [readonly DStream<T>[]]): DStream<T> {
    const streams = args.length === 1 && Array.isArray(args[0]) ? (args[0] as readonly DStream<T>[]) : (args as DStream<T>[]);
    return new DStream(this.env, unioned(streams), "union");
  }

  /** The batches of several streams at each time through `fn`. */
  transform<R>(streams: readonly DStream<unknown>[], fn: (batches: Batch<unknown>[], time: number) => Batch<R>): DStream<R> {
    return new DStream(this.env, transformedAll(streams, fn), "transform");
  }

  /** A static data set on this context's engine (Spark's `sc.parallelize`), e.g. to join with. */
  parallelize<T>(records: readonly T[], numSlices = this.engine.parallelism): Batch<T> {
    return Batch.fromRecords(records, numSlices, this.engine);
  }

  /**
   * Turns checkpointing on: after the batches at which one is due, the state of stateful and
   * windowed streams and the inputs' positions are written to `store` (one atomic write each), so
   * `StreamingContext.getOrCreate(store, factory)` can resume after a reload or a crash.
   */
  checkpoint(store: CheckpointStore, options: CheckpointOptions = {}): void {
    this.assertModifiable("a checkpoint store");
    this.checkpointStore = store;
    this.writeAheadLog = options.writeAheadLog ?? false;
  }

  /** Keeps every stream's batches at least `duration` (for `DStream.slice`). */
  remember(duration: Duration): void {
    this.graph.remember(duration);
  }

  /**
   * A number accumulator, Spark's `longAccumulator(name)` / `doubleAccumulator(name)`: the job's
   * functions `add` to it wherever they run, and the driver reads the sum (`value`), `count` and
   * `avg`. In a job module, make it in the setup (every thread makes the same ones, in the same
   * order); what workers add reaches the driver's copy once their stage succeeds, each successful
   * task once. One made after `start()` is the driver's only.
   */
  accumulator(name?: string): Accumulator {
    const acc = new Accumulator(this.accumulators.length, name);
    this.accumulators.push(acc);
    return acc;
  }

  /**
   * A read-only value for the job's functions, Spark's `sc.broadcast(value)`: read it with
   * `.value`, release it with `.destroy()`. In a job module, make it in the setup (every thread
   * makes the same ones, in the same order): stage tasks carry the driver's values to the
   * workers' copies, so the value must be structured-cloneable (data, not functions). One made
   * after `start()` is for the driver's functions only (`foreachRDD` and what runs there).
   */
  broadcast<T>(value: T): Broadcast<T> {
    const b = new Broadcast(this.broadcasts.length, value);
    this.broadcasts.push(b as Broadcast<unknown>);
    return b;
  }

  /**
   * Registers `listener` for the context's events (Spark's `addStreamingListener`): batches
   * submitted, started and completed, output operations, receivers, checkpoints. It may be added
   * before or after `start()`; each event reaches the listeners registered when it is posted.
   */
  addStreamingListener(listener: StreamingListener): void {
    this.bus.add(listener);
  }

  /** Spark's `removeStreamingListener`: `listener` gets no more events (the same object that was added). */
  removeStreamingListener(listener: StreamingListener): void {
    this.bus.remove(listener);
  }

  /**
   * Totals since the start and averages over the retained batches: records received and
   * processed, input rate, scheduling delay, processing time, receivers. Spark's Streaming tab
   * and its `/streaming/statistics` endpoint; read it at any time (a page's status panel, a
   * health check).
   */
  statistics(): StreamingStatistics {
    return this.progress.statistics();
  }

  /**
   * The retained batches, newest first: queued, processing, then the last `retainedBatches`
   * completed ones, with their delays and output operations (Spark's `/streaming/batches`).
   */
  batchStatistics(): BatchStatistics[] {
    return this.progress.batchStatistics();
  }

  /**
   * Each input stream's records per second over the retained batches, and for receivers
   * (connections, `Receiver`s) whether they are active and their last error (Spark's
   * `/streaming/receivers`).
   */
  receiverStatistics(): ReceiverStatistics[] {
    return this.progress.receiverStatistics();
  }

  // ---- lifecycle -----------------------------------------------------------------------------

  /**
   * Starts receiving and generating batches. The first batch is one interval after now, aligned.
   * With `originLock`, the context begins once it holds the origin's lock (see there).
   */
  start(): void {
    if (this.currentState === "active") {
      console.warn("StreamingContext.start(): the context has already been started");
      return;
    }
    if (this.currentState === "stopped") {
      throw new RivuletError("ILLEGAL_STATE", "StreamingContext.start(): the context has already been stopped and cannot be restarted; create a new one");
    }
    if (activeContext) {
      throw new RivuletError("ANOTHER_CONTEXT_ACTIVE", "another StreamingContext is active in this realm; stop it before starting a new one");
    }
    const invalid = this.startError();
    if (invalid) {
      // As Spark's start(), a context that fails to start is marked stopped.
      this.currentState = "stopped";
      throw invalid;
    }
    activeContext = this;
    this.currentState = "active";
    this.sharedAccumulators = this.accumulators.length;
    this.sharedBroadcasts = this.broadcasts.length;
    if (this.gracefulOnShutdown) this.removeShutdownHook = onShutdown(() => this.stop({ graceful: true }));
    const lock = this.originLock;
    const standby = lock !== undefined && lock.wait && !lock.granted;
    const interval = this.batchInterval.milliseconds;
    const alignedNow = () => Math.floor(this.clock.now() / interval) * interval;
    // A standby's batch times count from when it takes over, not from when it began to wait.
    const zeroTime = this.recovered?.zeroTime ?? (standby ? undefined : alignedNow());
    const answered = lock ? this.takeOriginLock(lock, () => zeroTime ?? alignedNow()) : Promise.resolve();
    const clock = this.clock as Partial<ManualClock>;
    if (typeof clock.addSettleHook === "function") {
      // A manual clock's advance waits for the lock's answer, so that the first batches do not
      // depend on how fast the lock manager answers; but not for a standby, which may wait forever.
      const ready = standby ? Promise.resolve() : answered;
      // It waits for a restart's inputs too, so that the batches made again run within the advance.
      this.removeSettleHook = clock.addSettleHook(() =>
        ready.then(() => this.replaying).then(() => Promise.all(this.sources.map(({ source }) => source.settle?.()))),
      );
    }
    if (!lock) this.begin(zeroTime ?? alignedNow());
  }

  /** Why this context cannot start (Spark's `validate()`), if it cannot. */
  private startError(): RivuletError | undefined {
    if (this.graph.numOutputs === 0) {
      return new RivuletError(
        "NO_OUTPUT_OPERATIONS",
        "No output operations registered, so nothing to execute: call print(), foreachRDD() or saveAsTextFiles() on a stream before start()",
      );
    }
    if (this.engine.closed) return new RivuletError("ILLEGAL_STATE", "the engine of this context has been closed");
    const needing = this.graph.streamsNeedingCheckpoint();
    if (needing.length > 0 && !this.checkpointStore) {
      return new RivuletError(
        "CHECKPOINT_REQUIRED",
        `${[...new Set(needing)].join(", ")} needs checkpointing: call ssc.checkpoint(store) before start() (a MemoryCheckpointStore in tests, an IndexedDBCheckpointStore or FileCheckpointStore to survive restarts)`,
      );
    }
    // In a job module, stage tasks carry the broadcasts to the workers: found out now, not at the first stage.
    if (jobRuns.has(this)) {
      for (const b of this.broadcasts) {
        try {
          structuredClone(b.wire());
        } catch (error) {
          return new RivuletError(
            "INVALID_ARGUMENT",
            `${b} cannot be sent to the job's workers (${error instanceof Error ? error.message : String(error)}): a broadcast made in a job module's setup must hold structured-cloneable data`,
            { cause: error },
          );
        }
      }
    }
    return undefined;
  }

  /** Starts the graph, the sources and the batch clock: at `start()`, or once the origin's lock is held. */
  private begin(zeroTime: number): void {
    this.begun = true;
    this.graph.start(zeroTime);
    if (this.checkpointStore) {
      const fresh = this.recovered === undefined;
      const checkpointer = new Checkpointer(this.graph, this.checkpointStore, this.sources, this.bus, (e) => this.reportError(e), fresh);
      this.generator.onBatchCompleted((time, pending, failed) => checkpointer.afterBatch(time, pending, failed));
    }
    const starting: Promise<void>[] = [];
    for (const { source, streamId } of this.sources) {
      if (!source.start) continue;
      // A source that fails to start is reported; the other streams go on, as receivers do in Spark.
      // `starting` settles once start() has been called (not once it has finished), so that
      // stop() never stops a source before it was started.
      const report = (e: unknown) => this.reportSourceError(streamId, source.name, e);
      starting.push(
        Promise.resolve()
          .then(() => void Promise.resolve(source.start!(this.sourceContext(streamId, source.name))).catch(report))
          .catch(report),
      );
    }
    this.sourcesStarting = Promise.all(starting).then(() => undefined);
    const interval = this.batchInterval.milliseconds;
    const generate = () => this.generator.start(zeroTime, this.recovered ? this.recovered.checkpointTime + interval : undefined);
    if (this.replayPositions) {
      this.replaying = this.awaitInputsForReplay(this.replayPositions)
        .catch((error: unknown) => console.warn("Rivulet: the batches made again after the restart did not wait for their inputs:", error))
        .then(() => {
          if (this.currentState === "active") generate();
        });
    } else generate();
    this.bus.post("onStreamingStarted", { time: this.clock.now() });
  }

  /**
   * Before a restart makes the batches after its checkpoint again: waits (bounded) for the inputs
   * to hold what those batches first took, and warns of the batches that will have less.
   */
  private async awaitInputsForReplay(positions: ReplayPositions): Promise<void> {
    // `reach` is asked once every source's start() has been called.
    await this.sourcesStarting;
    if (this.currentState !== "active") return;
    const wait = awaitReplayInputs(this.sources, positions);
    if (!wait) return;
    this.replayWait = wait;
    const short = await wait.done;
    this.replayWait = undefined;
    if (this.currentState !== "active") return;
    for (const input of short) console.warn(`Rivulet: ${shortReplayMessage(input)}`);
  }

  /**
   * Begins once this context holds the origin's lock. When another context of the origin holds
   * it, or has written checkpoints this one did not resume from, reports why and stops.
   */
  private async takeOriginLock(lock: OriginLock, zeroTime: () => number): Promise<void> {
    try {
      const outcome = await lock.acquire();
      // Stopped meanwhile (or the request was withdrawn by stop()): shutdown releases the lock.
      if (this.currentState !== "active" || outcome === "cancelled") return;
      if (outcome === "unavailable") throw heldElsewhere(lock.name);
      if (this.checkpointStore) await this.assertResumedFromNewest(this.checkpointStore);
      if (this.currentState === "active") this.begin(zeroTime());
    } catch (error) {
      if (this.currentState !== "active") return;
      this.reportError(error);
      void this.stop();
    }
  }

  /** Keeps the lock `getOrCreate` took for this context, in place of a request of its own. */
  private holdOriginLock(lock: OriginLock): void {
    if (this.originLock && this.originLock.name !== lock.name) {
      throw new RivuletError(
        "INVALID_ARGUMENT",
        `getOrCreate took the origin's lock "${lock.name}", but the context the factory built asks for "${this.originLock.name}": give both the same name, or set originLock in one place`,
      );
    }
    this.originLock = lock;
  }

  /** Refuses to run on from a checkpoint older than the store's newest: that would overwrite another context's state. */
  private async assertResumedFromNewest(store: CheckpointStore): Promise<void> {
    const newest = await readLatestCheckpoint(store);
    const resumedFrom = this.recovered?.checkpointTime;
    if (newest && newest.time !== resumedFrom) {
      throw new RivuletError(
        "CHECKPOINT_MISMATCH",
        `the newest checkpoint in the store (batch ${newest.time}) is not the one this context resumed from (${resumedFrom === undefined ? "none" : `batch ${resumedFrom}`}): ` +
          "another context of this origin has written it, and running on would overwrite its state; " +
          "build the context again with StreamingContext.getOrCreate(store, factory) to resume from it " +
          "(a standby takes the lock there: getOrCreate(store, factory, { originLock: { wait: true } }))",
      );
    }
  }

  /**
   * Stops the context. By default no batch is generated any more, those already generated run
   * within the stop's bound (2 s), and the engine is released. Calling it again waits for the
   * first call, and releases the engine unless told not to.
   */
  stop(options: StopOptions = {}): Promise<void> {
    // As Spark's, a stop of a stopped context still stops the engine when asked to.
    if (this.stopping) return (options.stopEngine ?? true) ? this.stopping.then(() => this.engine.close()) : this.stopping;
    const graceful = options.graceful ?? false;
    const timeout = options.timeout ?? (graceful ? this.gracefulStopTimeout : NON_GRACEFUL_STOP_TIMEOUT);
    checkStopTimeout(timeout, "stop: timeout");
    const wasActive = this.currentState === "active" && this.begun;
    this.currentState = "stopped";
    this.replayWait?.cancel();
    this.graph.interruptOutputs();
    this.stopping = this.shutdown(wasActive, graceful, options.stopEngine ?? true, timeout.milliseconds);
    return this.stopping;
  }

  /**
   * Resolves when the context stops; rejects with the latest error a job (or the generation of a
   * batch, or taking the origin's lock) reported.
   */
  awaitTermination(): Promise<void> {
    return new Promise((resolve, reject) => {
      if (this.error) return reject(this.error.error);
      if (this.currentState === "stopped") return void (this.stopping ?? Promise.resolve()).then(resolve);
      this.waiters.add({ resolve, reject });
    });
  }

  /** Like `awaitTermination`, but gives up after `timeoutMs` (real time): true if stopped, false on timeout. */
  async awaitTerminationOrTimeout(timeoutMs: number): Promise<boolean> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs)));
    try {
      return await Promise.race([this.awaitTermination().then(() => true), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  // ---- internals -----------------------------------------------------------------------------

  /** The engine as this context's batches see it: with job stages when built from a job module. */
  private executor(): Executor {
    const engine = this.engine;
    let fingerprint: string | undefined;
    const jobSpec = (run: JobRun): JobSpec => ({
      run: run.run,
      url: run.url,
      params: run.params,
      fingerprint: (fingerprint ??= this.graph.fingerprint()),
      batchIntervalMs: this.batchInterval.milliseconds,
      parallelism: engine.parallelism,
      zeroTime: this.graph.startTime ?? 0,
      accumulators: this.sharedAccumulators,
      broadcasts: this.broadcasts.slice(0, this.sharedBroadcasts).map((b) => b.wire()),
    });
    return {
      parallelism: engine.parallelism,
      combineByKey: (input, aggregator, partitioner, mapSideCombine) => engine.combineByKey(input, aggregator, partitioner, mapSideCombine),
      cogroup: (inputs, partitioner, inPlace) => engine.cogroup(inputs, partitioner, inPlace),
      ...(engine.countWords ? { countWords: (bytes: Uint8Array, n: number, segments?: readonly Uint8Array[]) => engine.countWords!(bytes, n, segments) } : {}),
      runStage: <K, C>(stage: ShuffleStage) => {
        const run = jobRuns.get(this);
        if (!run) return Promise.resolve(undefined);
        return engine.runJobStage<K, C>(jobSpec(run), stage, (updates) => applyUpdates(this.accumulators, updates));
      },
    };
  }

  private input<T>(source: InputSource<T>): DStream<T> {
    const computation = new InputComputation(this.graph, source);
    const stream = new DStream(this.env, computation, source.name, "input streams");
    computation.streamId = stream.id;
    this.graph.addInput(stream);
    this.sources.push({ source: source as InputSource<unknown>, streamId: stream.id });
    return stream;
  }

  private recover(content: CheckpointContent, replay?: RecoveredPositions): void {
    if (this.currentState !== "initialized") throw new RivuletError("ILLEGAL_STATE", "a context can only be recovered before it starts");
    if (content.batchIntervalMs !== this.batchInterval.milliseconds) {
      throw new RivuletError(
        "CHECKPOINT_MISMATCH",
        `the checkpoint was written with a batch interval of ${content.batchIntervalMs} ms, this context has ${this.batchInterval}`,
      );
    }
    const fingerprint = this.graph.fingerprint();
    if (content.fingerprint !== fingerprint) {
      throw new RivuletError(
        "CHECKPOINT_MISMATCH",
        `the checkpoint was written by a different DStream graph (fingerprint ${content.fingerprint}, this graph ${fingerprint}); ` +
          "rebuild the same graph in the factory, or use a new checkpoint store",
      );
    }
    this.graph.restore(content.streams);
    for (const [streamId, position] of content.sources) {
      this.sources.find((s) => s.streamId === streamId)?.source.restore?.(position);
    }
    this.recovered = content;
    if (replay && replay.positions.size > 0) {
      this.graph.replayFrom(replay.positions);
      this.replayPositions = replay.positions;
    }
  }

  private async shutdown(wasActive: boolean, graceful: boolean, stopEngine: boolean, timeoutMs: number): Promise<void> {
    const deadline = realTimeout(timeoutMs);
    try {
      let outputFailure = this.error;
      let abandoned = false;
      if (wasActive) {
        let sourcesStopped: Promise<unknown> | undefined;
        const stopSources = () =>
          (sourcesStopped ??= this.sourcesStarting.then(() =>
            Promise.all(this.sources.map(({ source }) => Promise.resolve(source.stop?.(graceful)).catch(() => undefined))),
          ));
        const processed = graceful
          ? // Stop receiving first, then let one last batch take everything already received.
            stopSources().then(() => this.generator.stop(true)).then(() => this.scheduler.idle())
          : // As Spark's jobExecutor.shutdown(): no batch is generated any more, but those already
            // submitted run, within the stop's bound (2 s by default), before shutdownNow().
            this.generator.stop(false).then(() => this.scheduler.idle());
        if (!(await deadline.within(processed))) {
          abandoned = true;
          void this.generator.stop(false);
          const batch = this.scheduler.abandon();
          const what = batch === undefined ? "the batches still to run; they were" : `the batch at ${batch} ms; it was`;
          const message = `stop() waited ${timeoutMs} ms for processing and stopped without ${what} not checkpointed`;
          console.warn(`Rivulet: ${message}`);
          outputFailure ??= { error: new RivuletError("ILLEGAL_STATE", `the context stopped before its outputs were complete: ${message}`) };
          // A checkpoint write already begun lands before the lock goes, within a bound of its own.
          const writing = realTimeout(timeoutMs);
          if (!(await writing.within(this.scheduler.afterSettled()))) {
            console.warn(`Rivulet: stop() waited another ${timeoutMs} ms for a checkpoint write in progress and stopped without it`);
          }
          writing.cancel();
        }
        if (!(await deadline.within(stopSources())) && !abandoned) {
          console.warn(`Rivulet: stop() waited ${timeoutMs} ms and did not wait for the sources still stopping`);
        }
      }
      this.removeSettleHook?.();
      const ended = await deadline.within(this.graph.endOutputs(outputFailure, (e) => this.reportError(e)));
      if (!ended && !abandoned) {
        console.warn(`Rivulet: stop() waited ${timeoutMs} ms and did not wait for the outputs still closing (writeTo sinks)`);
      }
      if (stopEngine) await this.engine.close();
    } finally {
      deadline.cancel();
      this.removeShutdownHook?.();
      try {
        // Last, so that a context taking the lock next finds this one's work (its last checkpoint) done.
        await this.originLock?.release();
      } finally {
        // As in Spark, the context is the active one until it has stopped: another cannot start
        // while this one still runs its last batches.
        if (activeContext === this) activeContext = undefined;
      }
    }
    // As Spark's, listeners hear nothing once the context has stopped.
    this.bus.stop();
    for (const w of this.waiters) w.resolve();
    this.waiters.clear();
  }

  private assertModifiable(what: string): void {
    if (this.currentState === "active") {
      throw new RivuletError("ILLEGAL_STATE", `Setting up ${what} after the context was started is not supported`);
    }
    if (this.currentState === "stopped") {
      throw new RivuletError("ILLEGAL_STATE", `Setting up ${what} after the context was stopped is not supported`);
    }
  }

  private reportError(error: unknown): void {
    console.error("Rivulet: a streaming job failed:", error);
    // As Spark's ContextWaiter, the latest error is the one a later awaitTermination() throws.
    this.error = { error };
    for (const w of this.waiters) w.reject(error);
    this.waiters.clear();
  }

  private reportSourceError(streamId: number, name: string, error: unknown): void {
    const message = error instanceof Error ? error.message : String(error);
    this.bus.post("onReceiverError", {
      receiverInfo: { streamId, name, active: false, lastErrorMessage: message, lastError: error },
    });
  }

  /**
   * The input's rate limit, and with backpressure the controller that moves it after each batch
   * (listening to the batches of `streamId`; none without one).
   */
  private rateLimiter(streamId: number | undefined): RateLimiter {
    const { maxRate, backpressure } = this.rates;
    const options = backpressure === true ? {} : backpressure || undefined;
    const limiter = new RateLimiter(maxRate, options?.initialRate);
    const estimator = options && new PIDRateEstimator(this.batchInterval.milliseconds, options);
    if (estimator && streamId !== undefined) this.bus.add(new RateController(streamId, estimator, limiter));
    return limiter;
  }

  private sourceContext(streamId: number, name: string): SourceContext {
    const info = (active: boolean, lastErrorMessage = "", lastError: unknown = undefined) => ({
      streamId,
      name,
      active,
      lastErrorMessage,
      lastError,
    });
    const limiter = this.rateLimiter(streamId);
    const interval = this.batchInterval.milliseconds;
    let active = true;
    return {
      streamId,
      writeAheadLog: this.writeAheadLog && this.checkpointStore ? new WriteAheadLog(this.checkpointStore, streamId) : undefined,
      maxRecordsPerBatch: () => limiter.recordsPerBatch(interval),
      now: () => this.clock.now(),
      schedule: (time, fn) => this.clock.schedule(time, fn),
      reportStarted: () => {
        active = true;
        this.bus.post("onReceiverStarted", { receiverInfo: info(true) });
      },
      // As Spark's tracker, an error reported while the receiver is deregistered (waiting to
      // restart) shows it inactive.
      reportError: (message, error) => this.bus.post("onReceiverError", { receiverInfo: info(active, message, error) }),
      reportStopped: (message, error) => {
        // One stop per start, as Spark's tracker: a source already stopped for a restart is not
        // reported stopped again when the context stops during the delay.
        if (!active) return;
        active = false;
        this.bus.post("onReceiverStopped", { receiverInfo: info(false, message, error) });
      },
    };
  }
}

/** Spark's `jobExecutor.awaitTermination(2, SECONDS)` before `shutdownNow()` on a stop that is not graceful. */
const NON_GRACEFUL_STOP_TIMEOUT = Seconds(2);

function checkStopTimeout(timeout: Duration, name: string): void {
  if (!(timeout instanceof Duration)) {
    throw new RivuletError("INVALID_ARGUMENT", `${name} must be a Duration, e.g. Seconds(30)`);
  }
}

/**
 * A real-time bound on a stop (not the context's clock: it guards against outputs and sources
 * that never finish, whatever the clock does). `within(p)` is true when `p` settled in time.
 */
function realTimeout(ms: number): { within(p: Promise<unknown>): Promise<boolean>; cancel(): void } {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const expired = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  return {
    within: (p) => Promise.race([p.then(() => true), expired]),
    cancel: () => clearTimeout(timer),
  };
}

function shortReplayMessage({ streamId, name, times, reason }: ShortInput): string {
  const batches = times.length === 1 ? `batch ${times[0]} is` : `batches ${times.join(", ")} are`;
  const why = reason === "ended" ? "it ended, failed or was stopped before it held again" : `it did not hold again within ${REPLAY_WAIT_MS / 1000} s`;
  return `${name} (input stream ${streamId}): ${batches} made again after the restart with less input than the first time: ${why} what they took then`;
}

/** A checkpoint that cannot be used: unreadable, from another graph or interval, or a store that fails to read. */
function isCheckpointError(error: unknown): boolean {
  return error instanceof RivuletError && (error.code === "CHECKPOINT_MISMATCH" || error.code === "CHECKPOINT_CORRUPT" || error.code === "CHECKPOINT_FAILED");
}
