// A logger whose lines are kept in memory as parsed objects, for tests that check what was logged.
import { pino } from 'pino';
import type { Logger } from '../../src/core/index.js';

export interface CapturedLine {
  level: number;
  msg: string;
  [field: string]: unknown;
}

export interface CaptureLogger {
  logger: Logger;
  lines: CapturedLine[];
  /** Lines at warning level or above. */
  warnings(): CapturedLine[];
}

export function createCaptureLogger(): CaptureLogger {
  const lines: CapturedLine[] = [];
  const logger = pino({ level: 'debug', base: undefined }, { write: (line: string) => lines.push(JSON.parse(line) as CapturedLine) });
  return { logger, lines, warnings: () => lines.filter((line) => line.level >= 40) };
}
