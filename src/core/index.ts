// The core layer's public names: clock, assertions, errors, limits, options, logger, retry.
export { createSystemClock, createTestClock } from './clock.js';
export type { Clock, TestClock, TimerHandle } from './clock.js';
export { assert, assertNever, AssertionFailure } from './assert.js';
export {
  ClickflowError,
  UserError,
  ValidationError,
  OptionsError,
  ExternalError,
  InternalError,
  isRetryable,
  errorMessage,
} from './errors.js';
export type { ErrorDomain, ClickflowErrorOptions } from './errors.js';
export { limits } from './limits.js';
export type { Limits } from './limits.js';
export { parseOptions, describeOptions, parseDurationMs } from './options.js';
export type { FieldSpec, OptionsSpec, OptionsOf, OptionsInput } from './options.js';
export { createLogger, createSilentLogger, namespaced } from './logger.js';
export type { Logger, LogLevel, LoggerOptions } from './logger.js';
export { retry, defaultRetryPolicy } from './retry.js';
export type { RetryPolicy } from './retry.js';
export { crc32c } from './crc32c.js';
export { LruCache } from './lru.js';
export { GenerationalCache } from './generational-cache.js';
