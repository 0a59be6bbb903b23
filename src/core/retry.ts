// Retries with exponential backoff and jitter, only for retryable errors; the last error is thrown
// with its cause kept (CONVENTIONS.md rule 4).
import type { Clock } from './clock.js';
import { isRetryable } from './errors.js';

export interface RetryPolicy {
  /** Attempts after the first (0: no retry). */
  retries: number;
  /** Delay before the first retry, in ms; doubled each time. */
  initialDelayMs: number;
  /** Longest delay between attempts, in ms. */
  maxDelayMs: number;
}

export const defaultRetryPolicy: RetryPolicy = { retries: 5, initialDelayMs: 50, maxDelayMs: 5_000 };

export async function retry<T>(
  attempt: (attemptNumber: number) => Promise<T>,
  clock: Clock,
  policy: RetryPolicy = defaultRetryPolicy,
  shouldRetry: (error: unknown) => boolean = isRetryable,
): Promise<T> {
  for (let attemptNumber = 0; ; attemptNumber++) {
    try {
      return await attempt(attemptNumber);
    } catch (error) {
      if (attemptNumber >= policy.retries || !shouldRetry(error)) throw error;
      const delayMs = Math.min(policy.maxDelayMs, policy.initialDelayMs * 2 ** attemptNumber);
      await clock.sleep(delayMs / 2 + Math.random() * (delayMs / 2));
    }
  }
}
