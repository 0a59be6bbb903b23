// Errors of the stream engine carry the job, and where known the operator, partition and offset
// they concern (CONVENTIONS.md rule 4), so a crash report says where to look.
import { ClickflowError, type ErrorDomain } from '../core/index.js';

/**
 * `state_full`: a state declared `whenFull: 'fail'` reached its key bound.
 * `state_bound`: a job's states together declare more keys than `limits.streamStateKeysPerJobMax`.
 * `too_large`: a key or an encoded value is over its bound.
 * `declaration`: state, views or timers used wrongly (declared twice, outside onStart).
 * `commit_conflict`: another worker moved a partition of this job (fencing).
 * `commit_failed`, `read_failed`: the store or the log failed; retryable ones were retried first.
 * `operator_failed`: an operator threw something other than a classified error (its bug).
 * `unknown_job`: a worker was asked to run a job no registry knows.
 * `worker_failed`: a worker process exited or could not start.
 */
export type StreamErrorCode =
  | 'state_full'
  | 'state_bound'
  | 'too_large'
  | 'declaration'
  | 'commit_conflict'
  | 'commit_failed'
  | 'read_failed'
  | 'operator_failed'
  | 'unknown_job'
  | 'worker_failed';

const domains: Record<StreamErrorCode, ErrorDomain> = {
  state_full: 'internal',
  state_bound: 'user',
  too_large: 'internal',
  declaration: 'internal',
  commit_conflict: 'internal',
  commit_failed: 'external',
  read_failed: 'external',
  operator_failed: 'internal',
  unknown_job: 'user',
  worker_failed: 'internal',
};

export interface StreamErrorContext {
  job: string;
  operator?: string;
  partition?: number;
  offset?: number;
  cause?: unknown;
  retryable?: boolean;
}

export class StreamError extends ClickflowError {
  override name = 'StreamError';
  declare readonly code: StreamErrorCode;
  readonly job: string;
  readonly operator: string | undefined;
  readonly partition: number | undefined;
  readonly offset: number | undefined;

  constructor(code: StreamErrorCode, message: string, context: StreamErrorContext) {
    const where = [
      `job ${context.job}`,
      context.operator === undefined ? '' : `operator ${context.operator}`,
      context.partition === undefined ? '' : `partition ${context.partition}`,
      context.offset === undefined ? '' : `offset ${context.offset}`,
    ].filter((part) => part !== '');
    super(`${where.join(', ')}: ${message}`, { domain: domains[code], code, cause: context.cause, retryable: context.retryable ?? false });
    this.job = context.job;
    this.operator = context.operator;
    this.partition = context.partition;
    this.offset = context.offset;
  }
}
