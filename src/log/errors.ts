// Errors of the log layer carry the partition and offset they concern.
import { ClickflowError, type ErrorDomain } from '../core/index.js';

export class LogError extends ClickflowError {
  override name = 'LogError';
  readonly partition: number | undefined;
  readonly offset: number | undefined;

  constructor(
    message: string,
    options: { domain: ErrorDomain; retryable?: boolean; cause?: unknown; code: string; partition?: number; offset?: number },
  ) {
    super(message, options);
    this.partition = options.partition;
    this.offset = options.offset;
  }
}

/** The caller asked for something the log cannot do: a bad partition, an oversized record. */
export function logUsageError(message: string, partition?: number, offset?: number): LogError {
  return new LogError(message, { domain: 'user', code: 'log_usage', partition, offset });
}

/** The log is closed. */
export function logClosedError(): LogError {
  return new LogError('the event log is closed', { domain: 'internal', code: 'log_closed' });
}

/** An offset that retention already removed. */
export function offsetRemovedError(partition: number, offset: number, startOffset: number): LogError {
  return new LogError(
    `partition ${partition}: offset ${offset} was removed by retention; the first stored offset is ${startOffset}`,
    { domain: 'user', code: 'offset_out_of_range', partition, offset },
  );
}
