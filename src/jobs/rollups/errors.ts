// Errors of the rollup jobs (CONVENTIONS.md rule 4). A failed data check is an internal error: the
// inputs were sealed and read whole, so totals that do not add up mean a bug or damaged files, and
// a retry would read the same bytes. Inputs that changed under a run (a late file while it ran) are
// retryable: the next attempt reads the new version.
import { ClickflowError } from '../../core/index.js';

export type RollupErrorCode = 'data_check_failed' | 'input_changed' | 'input_missing' | 'input_invalid';

const retryableCodes: ReadonlySet<RollupErrorCode> = new Set(['input_changed', 'input_missing']);

export class RollupError extends ClickflowError {
  override name = 'RollupError';
  declare readonly code: RollupErrorCode;
  /** The partition concerned, e.g. `2026-11-25T08`. */
  readonly partition: string;
  /** For `data_check_failed`: the check's name. */
  readonly check: string | undefined;

  constructor(code: RollupErrorCode, partition: string, message: string, options: { check?: string; cause?: unknown } = {}) {
    super(`${partition}: ${message}`, { domain: code === 'data_check_failed' || code === 'input_invalid' ? 'internal' : 'external', retryable: retryableCodes.has(code), code, cause: options.cause });
    this.partition = partition;
    this.check = options.check;
  }
}
