// What recovery, the commit path, reads and retention share: options, clock and logger.
import type { Clock, Logger } from '../../core/index.js';
import type { ParsedSegmentedLogOptions } from './options.js';

export interface LogContext {
  options: ParsedSegmentedLogOptions;
  clock: Clock;
  logger: Logger;
}
