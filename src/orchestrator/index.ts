// The orchestrator layer's public names: the orchestrator, partition kinds, job declaration types,
// alert senders and the atomic output helper for jobs. docs/orchestrator.md explains them.
export { createOrchestrator } from './orchestrator.js';
export type { CreateOrchestratorOptions } from './orchestrator.js';
export type {
  PartitionBounds,
  PartitionKind,
  PartitionRef,
  JobSchedule,
  UpstreamDependency,
  ReadyAnswer,
  JobRetryPolicy,
  UpstreamOutput,
  JobRunContext,
  JobRunResult,
  JobDefinition,
  AlertSender,
  OrchestratorDeps,
  JobInfo,
  DueReport,
  RunPartitionOptions,
  BackfillOptions,
  BackfillProgress,
  BackfillReport,
  PartitionStatus,
  Orchestrator,
} from './types.js';
export {
  hourPartitions,
  dayPartitions,
  monthPartitions,
  partitionContains,
  previousPartition,
  latestEndedPartition,
  partitionsCovering,
  partitionRange,
} from './partitions.js';
export { zonedDayPartitions } from './zoned-day-partitions.js';
export { OrchestratorError } from './errors.js';
export type { OrchestratorErrorCode, OrchestratorErrorContext } from './errors.js';
export { orchestratorOptionsSpec, parseOrchestratorOptions, defaultBatchConcurrency } from './options.js';
export type { OrchestratorOptions, OrchestratorOptionsInput } from './options.js';
export { createWebhookAlertSender, webhookAlertSenderOptionsSpec } from './webhook-alert-sender.js';
export type { WebhookAlertSenderOptionsInput, WebhookAlertBody } from './webhook-alert-sender.js';
export { writeOutputAtomically, removeAbandonedOutputs, hashFile, combineHashes, temporaryOutputPath, fsyncPath } from './atomic-output.js';
export type { AtomicOutput, AtomicWriteOptions } from './atomic-output.js';
