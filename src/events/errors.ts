// Errors of the events layer. A click record that does not decode is never a user's fault: the
// log checksums every frame, so a bad record means a bug, a writer newer than this reader, or
// corruption that slipped past the checksum; all are internal and none is helped by a retry.
import { ClickflowError } from '../core/index.js';

/** Why a click record did not decode. */
export type ClickRecordProblem =
  | 'version'
  | 'truncated'
  | 'flags'
  | 'device'
  | 'country'
  | 'time'
  | 'varint'
  | 'field-length'
  | 'utf8'
  | 'trailing-bytes';

export class ClickRecordError extends ClickflowError {
  override name = 'ClickRecordError';
  readonly reason: ClickRecordProblem;
  /** Byte offset within the record where the problem was found. */
  readonly position: number;

  constructor(reason: ClickRecordProblem, position: number, detail: string, cause?: unknown) {
    super(`click record ${reason === 'version' ? 'of an unknown version' : 'is corrupt'} (${reason} at byte ${position}): ${detail}`, {
      domain: 'internal',
      retryable: false,
      code: reason === 'version' ? 'click_record_version' : 'click_record_corrupt',
      cause,
    });
    this.reason = reason;
    this.position = position;
  }
}
