// Errors of the lake (CONVENTIONS.md rule 4): each names the file or hour it concerns, so a failed
// archiver or sealer run says where to look.
import { ClickflowError, type ErrorDomain } from '../core/index.js';

/**
 * `write_failed`: DuckDB or the file system failed to write a lake file (retryable: the archiver
 * restarts from its checkpoint and writes it again).
 * `writer_failed`: the writer thread died or stopped answering.
 * `bad_layout`: a file or folder in the lake does not follow the layout (a bug or a hand edit).
 * `invalid`: a caller passed a bad argument (an hour not on an hour boundary, a bad file name).
 */
export type LakeErrorCode = 'write_failed' | 'writer_failed' | 'bad_layout' | 'invalid';

const domains: Record<LakeErrorCode, ErrorDomain> = {
  write_failed: 'external',
  writer_failed: 'internal',
  bad_layout: 'internal',
  invalid: 'user',
};

export class LakeError extends ClickflowError {
  override name = 'LakeError';
  declare readonly code: LakeErrorCode;
  /** The file or folder concerned, relative to the lake folder, when there is one. */
  readonly path: string | undefined;

  constructor(code: LakeErrorCode, message: string, options: { path?: string; cause?: unknown } = {}) {
    super(options.path === undefined ? message : `${options.path}: ${message}`, {
      domain: domains[code],
      code,
      cause: options.cause,
      retryable: code === 'write_failed',
    });
    this.path = options.path;
  }
}
