// What recovery, the commit path, reads and retention share: options, clock and logger.
import type { Clock, Logger } from '../../core/index.js';
import { dataSyncFlag } from './file-io.js';
import type { ParsedSegmentedLogOptions } from './options.js';

export interface LogContext {
  options: ParsedSegmentedLogOptions;
  clock: Clock;
  logger: Logger;
}

/**
 * Flags the active segment's data file is opened with: O_DSYNC under `fsync: batch`, so a commit
 * costs one write on the thread pool instead of a write then an fdatasync; none otherwise.
 */
export function dataFileFlags(context: LogContext): number {
  return context.options.fsync === 'batch' ? dataSyncFlag : 0;
}
