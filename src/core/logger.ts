// A namespaced structured logger (pino). Passed in as a dependency, never a module singleton
// (CONVENTIONS.md rule 11): `logger.child({ ns: 'log.segmented' })`.
import { pino, type Logger as PinoLogger, type LevelWithSilent } from 'pino';

export type Logger = PinoLogger;
export type LogLevel = LevelWithSilent;

export interface LoggerOptions {
  /** Minimum level written (default `info`; `silent` writes nothing). */
  level?: LogLevel;
  /** Where lines go: a file descriptor (default 2, standard error). */
  destinationFd?: number;
}

export function createLogger(options: LoggerOptions = {}): Logger {
  return pino(
    { level: options.level ?? 'info', base: undefined, timestamp: pino.stdTimeFunctions.isoTime },
    pino.destination({ fd: options.destinationFd ?? 2, sync: true }),
  );
}

/** A logger that writes nothing, for tests and benchmarks. */
export function createSilentLogger(): Logger {
  return pino({ level: 'silent' });
}

/** A child logger for one component. */
export function namespaced(logger: Logger, ns: string): Logger {
  return logger.child({ ns });
}
