// Validation of what the orchestrator hands the store (run transitions, lineage, alerts), shared
// by every backend so that each accepts and rejects the same values. Names, hashes and lineage
// over their bounds are refused; messages and error details are cut to their bounds instead (an
// error message is worth keeping even when it is long).
import { limits } from '../core/index.js';
import { invalidField } from './errors.js';
import {
  batchRunStatuses,
  batchRunTriggers,
  type BatchRunCreate,
  type BatchRunError,
  type BatchRunFinish,
  type BatchRunListOptions,
  type BatchRunOutput,
  type BatchRunStart,
  type BatchRunUpstream,
} from './types.js';
import { cutUtf8, utf8Bytes, validateListLimit } from './validate.js';

// Printable ASCII without spaces: ids that go into file paths, URLs and command lines unquoted.
const namePattern = /^[\x21-\x7e]+$/;
const errorDomains = ['user', 'external', 'internal'];

function checkToken(value: unknown, field: string, bytesMax: number): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > bytesMax || !namePattern.test(value)) {
    throw invalidField(field, `must be 1 to ${bytesMax} printable ASCII characters without spaces (got ${JSON.stringify(value)})`);
  }
  return value;
}

export function validateBatchJob(value: unknown, field = 'job'): string {
  return checkToken(value, field, limits.batchJobNameBytesMax);
}

export function validateBatchPartition(value: unknown, field = 'partition'): string {
  return checkToken(value, field, limits.batchPartitionBytesMax);
}

function checkHash(value: unknown, field: string): string {
  return checkToken(value, field, limits.batchHashBytesMax);
}

export function validateRunId(value: unknown, field = 'id'): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) {
    throw invalidField(field, `must be a run id, a whole number of at least 1 (got ${JSON.stringify(value)})`);
  }
  return value;
}

export function validateTime(value: unknown, field: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) {
    throw invalidField(field, `must be a time in epoch milliseconds (got ${JSON.stringify(value)})`);
  }
  return value;
}

function checkCount(value: unknown, field: string, min = 0): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) {
    throw invalidField(field, `must be a whole number of at least ${min} (got ${JSON.stringify(value)})`);
  }
  return value;
}

/** A message as stored: cut to its bound on a character boundary. */
export function boundedMessage(text: string, bytesMax: number = limits.batchRunMessageBytesMax): string {
  return utf8Bytes(text) <= bytesMax ? text : `${cutUtf8(text, bytesMax - 3)}...`;
}

export function validateBatchRunCreate(input: BatchRunCreate): BatchRunCreate {
  validateBatchJob(input.job);
  validateBatchPartition(input.partition);
  if (!batchRunTriggers.includes(input.trigger)) throw invalidField('trigger', `must be one of ${batchRunTriggers.join(', ')}`);
  validateTime(input.queuedAtMs, 'queuedAtMs');
  const status = input.status ?? 'queued';
  if (status !== 'queued' && status !== 'skipped') throw invalidField('status', 'a new run is queued or skipped');
  if (status === 'skipped' && !input.message) throw invalidField('message', 'a skipped run says why');
  return { ...input, status, message: input.message === undefined ? undefined : boundedMessage(input.message) };
}

export function validateBatchRunStart(start: BatchRunStart): void {
  checkCount(start.attempt, 'attempt', 1);
  validateTime(start.startedAtMs, 'startedAtMs');
  checkCount(start.partitionVersion, 'partitionVersion');
}

export function validateBatchRunError(error: BatchRunError, field = 'error'): BatchRunError {
  if (typeof error.message !== 'string') throw invalidField(`${field}.message`, 'must be a string');
  if (!errorDomains.includes(error.domain)) throw invalidField(`${field}.domain`, `must be one of ${errorDomains.join(', ')}`);
  checkToken(error.code, `${field}.code`, limits.batchJobNameBytesMax);
  return {
    message: boundedMessage(error.message),
    domain: error.domain,
    code: error.code,
    detail: error.detail === undefined ? undefined : boundedMessage(error.detail, limits.batchRunErrorDetailBytesMax),
  };
}

function checkUpstream(upstream: readonly BatchRunUpstream[]): void {
  if (upstream.length > limits.orchestratorUpstreamPartitionsMax) {
    throw invalidField('upstream', `at most ${limits.orchestratorUpstreamPartitionsMax} upstream partitions`);
  }
  upstream.forEach((entry, index) => {
    validateBatchJob(entry.job, `upstream[${index}].job`);
    validateBatchPartition(entry.partition, `upstream[${index}].partition`);
    validateRunId(entry.runId, `upstream[${index}].runId`);
    checkHash(entry.outputHash, `upstream[${index}].outputHash`);
  });
}

function checkInputHashes(inputHashes: Record<string, string>): void {
  const entries = Object.entries(inputHashes);
  if (entries.length > limits.batchRunInputsMax) throw invalidField('inputHashes', `at most ${limits.batchRunInputsMax} inputs`);
  for (const [name, hash] of entries) {
    if (name.length === 0 || utf8Bytes(name) > limits.batchOutputLocationBytesMax) {
      throw invalidField('inputHashes', `input names must be 1 to ${limits.batchOutputLocationBytesMax} bytes (got ${JSON.stringify(name)})`);
    }
    checkHash(hash, `inputHashes[${JSON.stringify(name)}]`);
  }
}

function checkOutputs(outputs: readonly BatchRunOutput[]): void {
  if (outputs.length > limits.batchRunOutputsMax) throw invalidField('outputs', `at most ${limits.batchRunOutputsMax} outputs`);
  outputs.forEach((output, index) => {
    if (typeof output.location !== 'string' || output.location.length === 0 || utf8Bytes(output.location) > limits.batchOutputLocationBytesMax) {
      throw invalidField(`outputs[${index}].location`, `must be 1 to ${limits.batchOutputLocationBytesMax} bytes`);
    }
    if (output.rows !== undefined) checkCount(output.rows, `outputs[${index}].rows`);
    if (output.bytes !== undefined) checkCount(output.bytes, `outputs[${index}].bytes`);
  });
}

export function validateBatchRunFinish(finish: BatchRunFinish): BatchRunFinish {
  if (!['succeeded', 'failed', 'timed_out', 'skipped'].includes(finish.status)) {
    throw invalidField('status', 'a run finishes as succeeded, failed, timed_out or skipped');
  }
  validateTime(finish.finishedAtMs, 'finishedAtMs');
  if (finish.status === 'succeeded') checkHash(finish.outputHash, 'outputHash');
  else if (finish.outputHash !== undefined) throw invalidField('outputHash', 'only a success has an output hash');
  if ((finish.status === 'failed' || finish.status === 'timed_out') && finish.error === undefined) {
    throw invalidField('error', `a ${finish.status} run says what went wrong`);
  }
  checkUpstream(finish.upstream ?? []);
  checkInputHashes(finish.inputHashes ?? {});
  checkOutputs(finish.outputs ?? []);
  return {
    ...finish,
    message: finish.message === undefined ? undefined : boundedMessage(finish.message),
    error: finish.error === undefined ? undefined : validateBatchRunError(finish.error),
  };
}

export function validateBatchRunList(options: BatchRunListOptions): Required<Pick<BatchRunListOptions, 'limit' | 'beforeId'>> {
  if (options.job !== undefined) validateBatchJob(options.job);
  if (options.partition !== undefined) validateBatchPartition(options.partition);
  if (options.status !== undefined && !batchRunStatuses.includes(options.status)) {
    throw invalidField('status', `must be one of ${batchRunStatuses.join(', ')} (got ${JSON.stringify(options.status)})`);
  }
  const beforeId = options.beforeId ?? Number.MAX_SAFE_INTEGER;
  validateRunId(beforeId, 'beforeId');
  return { limit: validateListLimit(options.limit), beforeId };
}

export function validatePartitionList(partitions: readonly string[]): void {
  if (partitions.length > limits.orchestratorUpstreamPartitionsMax) {
    throw invalidField('partitions', `at most ${limits.orchestratorUpstreamPartitionsMax} partitions at once`);
  }
  partitions.forEach((partition, index) => validateBatchPartition(partition, `partitions[${index}]`));
}
