// Shared by the log backends. Tracks the log's calls in progress so that close() can wait for them (appends above all), and
// refuses calls once closing has begun.
import { logClosedError } from './errors.js';

export interface Lifecycle {
  readonly closing: boolean;
  /** Runs `operation` unless closing, counting it as in progress until it settles. */
  run<T>(operation: () => Promise<T>): Promise<T>;
  /** Stops new calls; resolves once the calls in progress have settled. */
  close(): Promise<void>;
}

export function createLifecycle(): Lifecycle {
  let closing = false;
  let inProgress = 0;
  const idle: Array<() => void> = [];

  return {
    get closing() {
      return closing;
    },
    async run(operation) {
      if (closing) throw logClosedError();
      inProgress++;
      try {
        return await operation();
      } finally {
        inProgress--;
        if (inProgress === 0) idle.splice(0).forEach((resolve) => resolve());
      }
    },
    close() {
      closing = true;
      if (inProgress === 0) return Promise.resolve();
      return new Promise((resolve) => idle.push(resolve));
    },
  };
}
