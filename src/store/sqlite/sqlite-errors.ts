// Maps what better-sqlite3 throws to classified store errors: a lock held past the busy timeout is
// retryable, a broken disk or file is an external failure, anything else is a bug here.
import { AssertionFailure, ClickflowError } from '../../core/index.js';
import { StoreError } from '../errors.js';

interface SqliteLikeError {
  code: string;
  message: string;
}

function isSqliteError(error: unknown): error is SqliteLikeError {
  if (!(error instanceof Error)) return false;
  const code: unknown = (error as { code?: unknown }).code;
  return typeof code === 'string' && code.startsWith('SQLITE_');
}

const unavailableCodes = ['SQLITE_IOERR', 'SQLITE_FULL', 'SQLITE_CANTOPEN', 'SQLITE_READONLY', 'SQLITE_CORRUPT', 'SQLITE_NOTADB', 'SQLITE_PERM'];

export function toStoreError(error: unknown): Error {
  // Classified errors pass through; a broken invariant must crash as itself.
  if (error instanceof ClickflowError || error instanceof AssertionFailure) return error;
  if (isSqliteError(error)) {
    const code = error.code;
    if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) {
      return new StoreError('busy', `the database is busy (another writer holds the lock): ${error.message}`, { cause: error });
    }
    if (unavailableCodes.some((prefix) => code.startsWith(prefix))) {
      return new StoreError('unavailable', `the database cannot be used: ${error.message} (${code})`, { cause: error });
    }
  }
  const message = error instanceof Error ? error.message : String(error);
  return new StoreError('internal', `unexpected store failure: ${message}`, { cause: error });
}

/** True when `error` is SQLite refusing a duplicate for the named unique column list. */
export function isUniqueViolation(error: unknown, columns: string): boolean {
  return isSqliteError(error) && error.code === 'SQLITE_CONSTRAINT_UNIQUE' && error.message.endsWith(columns);
}
