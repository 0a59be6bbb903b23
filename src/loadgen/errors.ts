// Errors of the load generator. Whose fault each is decides its domain: bad options or a world
// that clashes with the server's (user), a server that fails or refuses (external, retried when
// a retry can help), a broken invariant here (internal).
import { ClickflowError, type ErrorDomain } from '../core/index.js';

export class LoadgenError extends ClickflowError {
  override name = 'LoadgenError';
  constructor(message: string, code: string, options: { domain?: ErrorDomain; retryable?: boolean; cause?: unknown } = {}) {
    super(message, { domain: options.domain ?? 'user', retryable: options.retryable ?? false, code, cause: options.cause });
  }
}

/** A request to the server failed; `status` is the HTTP status, or 0 when no answer came. */
export class LoadgenRequestError extends ClickflowError {
  override name = 'LoadgenRequestError';
  readonly status: number;
  constructor(message: string, status: number, options: { cause?: unknown } = {}) {
    const retryable = status === 0 || status === 429 || status >= 500;
    super(message, { domain: status >= 400 && status < 500 && status !== 429 ? 'user' : 'external', retryable, code: `http_${status}`, cause: options.cause });
    this.status = status;
  }
}
