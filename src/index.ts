// The public API of Rivulet: explicit named exports only.

export { StreamingContext } from "./context.ts";
export { defineJob, runJob } from "./job.ts";
export type { Job, JobContext, JobSetup, RunJobOptions } from "./job.ts";
export type { ContextWorkerOptions, StopOptions, StreamingContextOptions, StreamingContextState } from "./context-options.ts";
export type { BackpressureOptions } from "./context-options.ts";
export type { PIDOptions } from "./sources/rate/pid-estimator.ts";

export { DStream } from "./dstream/dstream.ts";
export type { MapWithStateDStream, Widen } from "./dstream/dstream.ts";
export { State, StateSpec } from "./dstream/state-spec.ts";
export type { MappingFunction, TimedMappingFunction } from "./dstream/state-spec.ts";
export type {
  TimedUpdateStateFunction,
  TimedUpdateStateOptions,
  UpdateStateFunction,
  UpdateStateIteratorFunction,
  UpdateStateIteratorOptions,
  UpdateStateOptions,
} from "./dstream/stateful.ts";
export type { ReduceByKeyAndWindowOptions } from "./dstream/windowed.ts";
export type { TextFileSink } from "./dstream/output.ts";
export type { StreamOutputOptions, TimedBatch, WriteToOptions } from "./dstream/web-output.ts";
export type { StreamInputInfo } from "./dstream/graph.ts";

export { Accumulator } from "./core/accumulator.ts";
export { Broadcast } from "./core/broadcast.ts";
export { Batch } from "./core/batch.ts";
export type { StatCounter } from "./core/stat-counter.ts";
export type { Pair, Partitions } from "./core/executor.ts";
export type { Comparator, Orderable } from "./core/order.ts";
export { Duration, Milliseconds, Minutes, Seconds } from "./core/duration.ts";
export { RivuletError } from "./core/errors.ts";
export type { RivuletErrorCode } from "./core/errors.ts";
export { HashPartitioner } from "./core/partitioner.ts";
export type { Partitioner } from "./core/partitioner.ts";
export { max, min, sum } from "./core/reducers.ts";
export { words } from "./core/words.ts";
export type { ReducerTag, TaggedReducer } from "./core/reducers.ts";

export { ManualClock, SystemClock } from "./scheduler/clock.ts";
export type { Clock } from "./scheduler/clock.ts";
export type { BatchInfo, OutputOperationInfo, ReceiverInfo, StreamingListener } from "./scheduler/listener.ts";
export type { BatchStatistics, BatchStatus, ReceiverStatistics, StreamingStatistics } from "./scheduler/progress.ts";
export type { OriginLockGrant, OriginLockManager, OriginLockOptions, OriginLockRequestOptions } from "./scheduler/origin-lock.ts";

export { Receiver } from "./sources/receiver.ts";
export type { QueuedBatch, QueueStreamOptions } from "./sources/queue.ts";
export type { ReplayableByteSource, TextStreamOptions } from "./sources/text.ts";
export type { SocketConverter, SocketStreamOptions, SocketTextStreamOptions, TcpConnect } from "./sources/socket.ts";
export type { LineInput, StreamConnect } from "./sources/reconnecting.ts";
export type { Directory, DirectoryEntry, DirectoryInput } from "./sources/directory.ts";
export type { DirectoryHandle } from "./sources/handle-directory.ts";
export type { FileStreamOptions, TextFileStreamOptions } from "./sources/file-stream.ts";
export type { WebSocketEventLike, WebSocketEventType, WebSocketLike, WebSocketStreamOptions } from "./sources/web/websocket.ts";
export type { EventSourceEventLike, EventSourceLike, EventSourceStreamOptions, ServerSentEvent } from "./sources/web/event-source.ts";
export type { JsonLinesStreamOptions } from "./sources/web/json-lines.ts";
export type { MessageEventLike, MessageStreamOptions, MessageTargetLike } from "./sources/web/message.ts";
export type { EventStreamOptions, EventTargetLike } from "./sources/web/dom-event.ts";
export type { PushedSourceOptions } from "./sources/web/pushed-source.ts";

export type { Engine, EngineOptions, WorkerOptions } from "./engine/engine.ts";
export { TaskFailedError } from "./engine/workers/pool.ts";
export type { TaskAttempt } from "./engine/workers/pool.ts";
export type { InjectedFault } from "./engine/workers/protocol.ts";
export type { ShuffleMetrics, Transport } from "./engine/workers/shuffle.ts";
export type { StageMetrics } from "./engine/workers/stages.ts";
export type { Spawn, WorkerHandle } from "./engine/workers/spawn.ts";

export { MemoryCheckpointStore } from "./state/memory-store.ts";
export type { MemoryCheckpointStoreOptions, MemoryStoreOperation } from "./state/memory-store.ts";
export { FileCheckpointStore } from "#file-store";
export { IndexedDBCheckpointStore } from "./state/indexeddb-store.ts";
export { KeyValueCheckpointStore } from "./state/key-value-store.ts";
export type { KeyValueCheckpointStoreOptions } from "./state/key-value-store.ts";
export type { KeyValueBatch, KeyValueStorage, KeyValueStorageLimits } from "./state/key-value-storage.ts";
export { durableObjectStorage } from "./state/durable-object-storage.ts";
export type { DurableObjectStorageLike, DurableObjectTransactionLike } from "./state/durable-object-storage.ts";
export { denoKv } from "./state/deno-kv-storage.ts";
export type { DenoKvAtomicLike, DenoKvKey, DenoKvLike } from "./state/deno-kv-storage.ts";
export type { CheckpointStore } from "./state/store.ts";
export { registerCheckpointClass } from "./state/checkpoint-classes.ts";
export type { CheckpointClass } from "./state/checkpoint-classes.ts";
export type { CheckpointOptions, GetOrCreateOptions, RecoveryInfo } from "./context-options.ts";
