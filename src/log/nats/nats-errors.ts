// Turns what the nats client throws into classified LogErrors (CONVENTIONS.md rule 4): timeouts,
// missing responders and a lost connection may pass, so they are retryable; the rest are not.
import { ErrorCode, NatsError } from 'nats';
import { errorMessage } from '../../core/index.js';
import { LogError } from '../errors.js';

export interface NatsErrorContext {
  /** What was being done, e.g. `publish` or `create the read consumer`. */
  action: string;
  partition?: number;
  offset?: number;
}

const retryableCodes: ReadonlySet<string> = new Set([
  ErrorCode.Timeout,
  ErrorCode.NoResponders,
  ErrorCode.Disconnect,
  ErrorCode.ConnectionRefused,
  ErrorCode.ConnectionTimeout,
]);

interface ApiErrorShape {
  code?: number;
  err_code?: number;
  description?: string;
}

function apiErrorOf(error: NatsError): ApiErrorShape | undefined {
  return (error as NatsError & { api_error?: ApiErrorShape }).api_error;
}

/** True for a JetStream API error with the given HTTP-like code (e.g. 404 for "not found"). */
export function isApiError(error: unknown, code: number): boolean {
  return error instanceof NatsError && apiErrorOf(error)?.code === code;
}

export function isRetryableNatsError(error: unknown): boolean {
  if (!(error instanceof NatsError)) return false;
  // 503 from the JetStream API: "JetStream system temporarily unavailable" (no leader yet).
  return retryableCodes.has(error.code) || apiErrorOf(error)?.code === 503;
}

/** A LogError for anything thrown while talking to NATS; LogErrors pass through unchanged. */
export function natsLogError(error: unknown, context: NatsErrorContext): LogError {
  if (error instanceof LogError) return error;
  const retryable = isRetryableNatsError(error);
  const where = context.partition === undefined ? '' : `partition ${context.partition}: `;
  return new LogError(`${where}${context.action} failed: ${errorMessage(error)}`, {
    domain: 'external',
    retryable,
    cause: error,
    code: retryable ? 'nats_unavailable' : 'nats_error',
    partition: context.partition,
    offset: context.offset,
  });
}

/** Runs `operation`, classifying whatever it throws. */
export async function classified<T>(context: NatsErrorContext, operation: () => Promise<T>): Promise<T> {
  try {
    return await operation();
  } catch (error) {
    throw natsLogError(error, context);
  }
}
