// Errors of the store layer (CONVENTIONS.md rule 4). User errors name the entity and field they
// concern so an API answer or a CLI message can say what to fix; a busy database is a retryable
// external error, so callers retry it and nothing else.
import { ClickflowError, type ErrorDomain } from '../core/index.js';

/**
 * `not_found`, `conflict`, `invalid`: the caller's fault (domain `user`).
 * `busy`: the database is locked by another writer for longer than the busy timeout (retryable).
 * `unavailable`: the database cannot be opened, read or written (disk full, I/O error).
 * `closed`: the store was used after `close()`, a bug in the caller.
 * `internal`: anything else the backend raised, a bug here.
 */
export type StoreErrorCode = 'not_found' | 'conflict' | 'invalid' | 'busy' | 'unavailable' | 'closed' | 'internal';

const domains: Record<StoreErrorCode, ErrorDomain> = {
  not_found: 'user',
  conflict: 'user',
  invalid: 'user',
  busy: 'external',
  unavailable: 'external',
  closed: 'internal',
  internal: 'internal',
};

export class StoreError extends ClickflowError {
  override name = 'StoreError';
  declare readonly code: StoreErrorCode;
  /** The entity concerned, e.g. `link`, when there is one. */
  readonly entity: string | undefined;
  /** The input field concerned, e.g. `slug`, when there is one. */
  readonly field: string | undefined;

  constructor(
    code: StoreErrorCode,
    message: string,
    options: { entity?: string; field?: string; cause?: unknown; retryable?: boolean } = {},
  ) {
    super(message, { domain: domains[code], code, cause: options.cause, retryable: options.retryable ?? code === 'busy' });
    this.entity = options.entity;
    this.field = options.field;
  }
}

/** A field failed validation; the message says which and what to do. */
export function invalidField(field: string, problem: string, entity?: string): StoreError {
  return new StoreError('invalid', `${field}: ${problem}`, { field, entity });
}

/** No `entity` with this id (within the given account, for account-scoped lookups). */
export function notFound(entity: string, id: string, field?: string): StoreError {
  return new StoreError('not_found', `${field ? `${field}: ` : ''}no ${entity} ${JSON.stringify(id)}`, { entity, field });
}

/** A unique value is already taken. */
export function conflict(entity: string, field: string, problem: string): StoreError {
  return new StoreError('conflict', `${field}: ${problem}`, { entity, field });
}

/** True for a store error of the given code. */
export function isStoreError(error: unknown, code?: StoreErrorCode): error is StoreError {
  return error instanceof StoreError && (code === undefined || error.code === code);
}
