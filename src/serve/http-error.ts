// HTTP errors in one place (CONVENTIONS.md rule 12): handlers throw; `errorResponse` maps the
// error's domain and code to a status and one JSON shape: { "error": { "code", "message", ... } }.
import { ClickflowError, errorMessage } from '../core/index.js';

/** An error a handler throws to answer with a specific status. */
export class HttpError extends ClickflowError {
  override name = 'HttpError';
  readonly status: number;
  readonly details: Record<string, unknown> | undefined;

  constructor(status: number, code: string, message: string, details?: Record<string, unknown>) {
    super(message, { domain: status >= 500 ? (status === 503 ? 'external' : 'internal') : 'user', code, retryable: status === 503 });
    this.status = status;
    this.details = details;
  }
}

export const unauthorized = (message = 'send an API key as "Authorization: Bearer <key>"'): HttpError =>
  new HttpError(401, 'unauthorized', message);
export const forbidden = (message: string): HttpError => new HttpError(403, 'forbidden', message);
export const notFound = (what: string): HttpError => new HttpError(404, 'not_found', `${what} not found`);
export const badRequest = (message: string, details?: Record<string, unknown>): HttpError =>
  new HttpError(400, 'bad_request', message, details);

/** Status codes for user errors that carry a code but no status of their own. */
const statusByCode: Record<string, number> = {
  not_found: 404,
  conflict: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  unauthorized: 401,
  forbidden: 403,
};

export interface ErrorBody {
  error: { code: string; message: string; [detail: string]: unknown };
}

/** The status and body for any thrown value. Internal errors never leak their message. */
export function errorResponse(error: unknown): { status: number; body: ErrorBody } {
  if (error instanceof HttpError) {
    return { status: error.status, body: { error: { code: error.code, message: error.message, ...error.details } } };
  }
  if (error instanceof ClickflowError) {
    if (error.domain === 'user') {
      return { status: statusByCode[error.code] ?? 400, body: { error: { code: error.code, message: error.message } } };
    }
    if (error.domain === 'external') {
      return { status: 503, body: { error: { code: 'unavailable', message: `a dependency is unavailable; retry later (${error.message})` } } };
    }
  }
  return { status: 500, body: { error: { code: 'internal', message: 'internal error; see the server log' } } };
}

/** True when the error should be logged as a server fault. */
export function isServerFault(error: unknown): boolean {
  return errorResponse(error).status >= 500;
}

export { errorMessage };
