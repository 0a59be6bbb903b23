// Classified errors (CONVENTIONS.md rule 4): every error says whose fault it is and whether a retry
// can help. Retries happen only for retryable errors, and keep the cause.

/** `user`: bad input or a bad request; `external`: a dependency failed; `internal`: a bug here. */
export type ErrorDomain = 'user' | 'external' | 'internal';

export interface ClickflowErrorOptions {
  domain: ErrorDomain;
  retryable?: boolean;
  cause?: unknown;
  /** A stable, machine-readable code such as `invalid_event` or `log_corrupt`. */
  code?: string;
}

export class ClickflowError extends Error {
  override name = 'ClickflowError';
  readonly domain: ErrorDomain;
  readonly retryable: boolean;
  readonly code: string;

  constructor(message: string, options: ClickflowErrorOptions) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.domain = options.domain;
    this.retryable = options.retryable ?? false;
    this.code = options.code ?? 'error';
  }
}

/** Bad input from a user or client: never retried, answered with a 4xx. */
export class UserError extends ClickflowError {
  override name = 'UserError';
  constructor(message: string, options: { code?: string; cause?: unknown } = {}) {
    super(message, { domain: 'user', retryable: false, code: options.code ?? 'bad_request', cause: options.cause });
  }
}

/** A value that failed validation; `field` names it so the message can say what to fix. */
export class ValidationError extends UserError {
  override name = 'ValidationError';
  readonly field: string;
  constructor(field: string, problem: string) {
    super(`${field}: ${problem}`, { code: 'invalid' });
    this.field = field;
  }
}

/** Options that are bad or contradict each other; raised once, at construction. */
export class OptionsError extends UserError {
  override name = 'OptionsError';
  readonly component: string;
  readonly field: string;
  constructor(component: string, field: string, problem: string) {
    super(`${component} option ${field}: ${problem}`, { code: 'invalid_options' });
    this.component = component;
    this.field = field;
  }
}

/** A dependency (disk, network, server) failed; retryable unless said otherwise. */
export class ExternalError extends ClickflowError {
  override name = 'ExternalError';
  constructor(message: string, options: { retryable?: boolean; cause?: unknown; code?: string } = {}) {
    super(message, { domain: 'external', retryable: options.retryable ?? true, cause: options.cause, code: options.code ?? 'external' });
  }
}

/** A bug or an impossible state. Never retried. */
export class InternalError extends ClickflowError {
  override name = 'InternalError';
  constructor(message: string, options: { cause?: unknown; code?: string } = {}) {
    super(message, { domain: 'internal', retryable: false, cause: options.cause, code: options.code ?? 'internal' });
  }
}

/** True when a retry might succeed: only classified retryable errors are. */
export function isRetryable(error: unknown): boolean {
  return error instanceof ClickflowError && error.retryable;
}

/** The message of any thrown value, for logs and error responses. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
