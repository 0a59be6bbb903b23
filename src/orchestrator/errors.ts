// Errors of the batch orchestrator carry the job, and where known the partition and run, they
// concern (CONVENTIONS.md rule 4), so a CLI message or an alert says where to look.
import { ClickflowError, type ErrorDomain } from '../core/index.js';

/**
 * `unknown_job`, `invalid_partition`, `invalid_range`: a caller named something that does not exist
 * or is malformed.
 * `timed_out`: an attempt ran past its timeout and was aborted (retryable).
 * `interrupted`: the orchestrator stopped or crashed during an attempt (retryable).
 * `inputs_not_ready`: a partition's inputs did not become ready in time.
 * `queue_full`: more partitions were asked for than the orchestrator holds at once (retryable).
 * `job_failed`: a job threw something other than a classified error (its bug).
 * `stopped`: work was asked of an orchestrator that is stopping.
 */
export type OrchestratorErrorCode =
  | 'unknown_job'
  | 'invalid_partition'
  | 'invalid_range'
  | 'timed_out'
  | 'interrupted'
  | 'inputs_not_ready'
  | 'queue_full'
  | 'job_failed'
  | 'stopped';

const domains: Record<OrchestratorErrorCode, ErrorDomain> = {
  unknown_job: 'user',
  invalid_partition: 'user',
  invalid_range: 'user',
  timed_out: 'external',
  interrupted: 'external',
  inputs_not_ready: 'external',
  queue_full: 'external',
  job_failed: 'internal',
  stopped: 'internal',
};

const retryableCodes: readonly OrchestratorErrorCode[] = ['timed_out', 'interrupted', 'queue_full'];

export interface OrchestratorErrorContext {
  job?: string;
  partition?: string;
  runId?: number;
  cause?: unknown;
}

export class OrchestratorError extends ClickflowError {
  override name = 'OrchestratorError';
  declare readonly code: OrchestratorErrorCode;
  readonly job: string | undefined;
  readonly partition: string | undefined;
  readonly runId: number | undefined;

  constructor(code: OrchestratorErrorCode, message: string, context: OrchestratorErrorContext = {}) {
    super(message, { domain: domains[code], code, cause: context.cause, retryable: retryableCodes.includes(code) });
    this.job = context.job;
    this.partition = context.partition;
    this.runId = context.runId;
  }
}
