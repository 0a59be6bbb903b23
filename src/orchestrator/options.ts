// The orchestrator's options: each field's default, unit and bounds (CONVENTIONS.md rule 10).
// Jobs may override the retry, timeout and ready-wait defaults; docs/orchestrator.md explains them.
import { availableParallelism } from 'node:os';
import { limits, OptionsError, parseOptions, type OptionsInput, type OptionsOf } from '../core/index.js';

/** Half the cores, at least one: batch runs share the machine with the stream layer and the server. */
export function defaultBatchConcurrency(cores = availableParallelism()): number {
  return Math.max(1, Math.min(limits.orchestratorConcurrencyMax, Math.floor(cores / 2)));
}

const dayMs = 24 * 60 * 60 * 1000;

export const orchestratorOptionsSpec = {
  concurrency: {
    kind: 'integer',
    default: defaultBatchConcurrency(),
    min: 1,
    max: limits.orchestratorConcurrencyMax,
    doc: 'partition runs at once (default half the cores, at least 1)',
  },
  catchUpHorizonMs: {
    kind: 'integer',
    default: limits.orchestratorCatchUpHorizonMsDefault,
    min: 0,
    max: limits.orchestratorCatchUpHorizonMsMax,
    doc: 'how far back, in ms, catch-up looks for schedule fires missed while the orchestrator was down',
  },
  pollIntervalMs: {
    kind: 'integer',
    default: limits.orchestratorPollIntervalMsDefault,
    min: 10,
    max: dayMs,
    doc: 'ms between looks at partitions waiting for their inputs and at partitions re-opened by other processes',
  },
  attemptTimeoutMs: {
    kind: 'integer',
    default: limits.orchestratorAttemptTimeoutMsDefault,
    min: 1,
    max: limits.orchestratorAttemptTimeoutMsMax,
    doc: 'longest attempt of a partition run, in ms, unless the job sets its own; then it is aborted and counts as timed out',
  },
  retries: {
    kind: 'integer',
    default: limits.orchestratorRetriesDefault,
    min: 0,
    max: limits.orchestratorRetriesMax,
    doc: 'retries of a failed attempt (retryable errors only), unless the job sets its own',
  },
  retryDelayMs: {
    kind: 'integer',
    default: limits.orchestratorRetryDelayMsDefault,
    min: 0,
    max: dayMs,
    doc: 'wait before the first retry, in ms, doubled for each further one',
  },
  retryDelayMsMax: {
    kind: 'integer',
    default: limits.orchestratorRetryDelayMsMaxDefault,
    min: 0,
    max: dayMs,
    doc: 'longest wait between two attempts, in ms',
  },
  readyWaitMs: {
    kind: 'integer',
    default: limits.orchestratorReadyWaitMsDefault,
    min: 0,
    max: limits.orchestratorCatchUpHorizonMsMax,
    doc: 'how long a due partition waits for its inputs before it fails with an alert, in ms, unless the job sets its own',
  },
  abortGraceMs: {
    kind: 'integer',
    default: limits.orchestratorAbortGraceMsDefault,
    min: 0,
    max: 10 * 60 * 1000,
    doc: 'how long an aborted attempt may take to settle before the orchestrator moves on without it, in ms',
  },
  runRetentionMs: {
    kind: 'integer',
    default: limits.batchRunRetentionMsDefault,
    min: dayMs,
    max: 10 * 366 * dayMs,
    doc: 'finished runs older than this are pruned (each partition keeps its latest success), in ms',
  },
} as const;

export type OrchestratorOptions = OptionsOf<typeof orchestratorOptionsSpec>;
export type OrchestratorOptionsInput = OptionsInput<typeof orchestratorOptionsSpec>;

export function parseOrchestratorOptions(input: OrchestratorOptionsInput = {}): OrchestratorOptions {
  return parseOptions('orchestrator', orchestratorOptionsSpec, input, (options) => {
    if (options.retryDelayMs > options.retryDelayMsMax) {
      throw new OptionsError('orchestrator', 'retryDelayMs', `must not exceed retryDelayMsMax (${options.retryDelayMs} > ${options.retryDelayMsMax})`);
    }
  });
}
