// The stream layer's public names: the engine's contracts, the helpers jobs are built from, the
// operator test harness, the worker runner and the worker supervisor. docs/stream.md explains them.
export type {
  BatchColumns,
  BatchDecoder,
  StreamMessage,
  TimeDomain,
  StateCodec,
  WhenFull,
  StateOptions,
  PartitionState,
  KeyedState,
  WindowAssigner,
  WindowAggregate,
  WindowFiring,
  WindowResult,
  WindowStateOptions,
  WindowState,
  FiredTimer,
  TimerService,
  ViewWriter,
  LateLedger,
  LiveMessage,
  CommitInfo,
  OperatorContext,
  Operator,
  JobDefinition,
  JobRegistry,
  CheckpointMetrics,
  PartitionMetrics,
  StreamMetrics,
  CommittedUpdate,
} from './types.js';
export type { ViewStoredCodec } from './state-table.js';
export { noWatermarkMs } from './types.js';
export { StreamError } from './errors.js';
export { startCommitThread } from './commit-thread.js';
export type { ThreadedCheckpoints, CommitThreadData } from './commit-thread.js';
export type { StreamErrorCode, StreamErrorContext } from './errors.js';
export { deliver } from './messages.js';
export { createBatchColumns } from './batch-columns.js';
export { clickHeaderDecoder, clickTimeDecoder, ipText } from './click-batch.js';
export type { ClickBatch, ClickHeaderDecoderOptions } from './click-batch.js';
export { encodeKeyedRecord, keyedRecordDecoder } from './keyed-records.js';
export type { KeyedRecord, KeyedBatch } from './keyed-records.js';
export { jsonCodec, float64Codec, float64ArrayCodec, bytesCodec } from './codecs.js';
export { tumblingWindows, slidingWindows, lastWindowStartMs } from './window-assigners.js';
export { windowLateReasons } from './window-state.js';
export { createWindowAggregateOperator, windowViewKey } from './window-aggregate-operator.js';
export type { WindowAggregateOperatorOptions } from './window-aggregate-operator.js';
export { createJobEngine } from './job-engine.js';
export type { JobEngine, JobEngineDeps, JobEngineOptions } from './job-engine.js';
export { createOperatorHarness } from './harness.js';
export type { OperatorHarness, OperatorHarnessOptions } from './harness.js';
export { createMemoryCheckpointStore } from './memory-checkpoint-store.js';
export type { MemoryCheckpointStore } from './memory-checkpoint-store.js';
export { streamWorkerOptionsSpec, parseStreamWorkerOptions } from './options.js';
export type { StreamWorkerOptions, StreamWorkerOptionsInput } from './options.js';
export { runStreamWorker } from './run-stream-worker.js';
export type { StreamWorker, StreamWorkerDeps, RunStreamWorkerOptions } from './run-stream-worker.js';
export { buildJob, loadJobRegistry } from './job-registry.js';
export { assignPartitions, defaultStreamWorkerCount } from './partition-assignment.js';
export { startStreamWorkers, streamSupervisorOptionsSpec } from './supervisor.js';
export type { StartStreamWorkersOptions, StreamSupervisor, StreamSupervisorDeps, WorkerStatus } from './supervisor.js';
export { workerConfigVariable } from './worker-protocol.js';
export type { StreamWorkerConfig, WorkerLogConfig, WorkerToParent, ParentToWorker } from './worker-protocol.js';
