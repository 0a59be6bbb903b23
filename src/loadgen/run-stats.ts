// Counters of a run: totals since the start and a window since the last progress line, with
// request latencies in both. Latency is measured from a request's start to its settling.
import { createLatencyHistogram, type LatencyHistogram } from './latency-histogram.js';
import type { RequestOutcome } from './types.js';

export interface RunTotals {
  /** Events in requests started. */
  sent: number;
  acknowledged: number;
  failed: number;
  requests: number;
  /** Requests that failed for good, or had lines rejected. */
  requestErrors: number;
  retries: number;
  serverAccepted: number;
  serverDuplicates: number;
}

export interface WindowSnapshot {
  elapsedMs: number;
  windowMs: number;
  totals: RunTotals;
  /** Acknowledged events per second over the window. */
  ratePerSecond: number;
  p50Ms: number;
  p99Ms: number;
  inFlight: number;
  lastError: string | undefined;
}

export interface RunStats {
  readonly totals: RunTotals;
  readonly latency: LatencyHistogram;
  inFlight: number;
  lastError: string | undefined;
  /** Starts the clock: elapsed time and the first window count from `nowMs`. */
  start(nowMs: number): void;
  requestStarted(events: number): void;
  requestSettled(outcome: RequestOutcome, latencyMs: number): void;
  /** The window since the previous call, which starts a new one. */
  takeWindow(nowMs: number): WindowSnapshot;
}

export function emptyTotals(): RunTotals {
  return { sent: 0, acknowledged: 0, failed: 0, requests: 0, requestErrors: 0, retries: 0, serverAccepted: 0, serverDuplicates: 0 };
}

export function createRunStats(): RunStats {
  let startMs = 0;
  const totals = emptyTotals();
  const latency = createLatencyHistogram();
  const window = createLatencyHistogram();
  let windowStartMs = 0;
  let windowStartAcknowledged = 0;
  const stats: RunStats = {
    totals,
    latency,
    inFlight: 0,
    lastError: undefined,
    start(nowMs) {
      startMs = nowMs;
      windowStartMs = nowMs;
    },
    requestStarted(events) {
      totals.sent += events;
      totals.requests++;
      stats.inFlight++;
    },
    requestSettled(outcome, latencyMs) {
      stats.inFlight--;
      totals.acknowledged += outcome.acknowledgedCount;
      totals.failed += outcome.failed;
      totals.retries += outcome.retries;
      totals.serverAccepted += outcome.serverAccepted ?? 0;
      totals.serverDuplicates += outcome.serverDuplicates ?? 0;
      if (outcome.error !== undefined) {
        totals.requestErrors++;
        stats.lastError = outcome.error;
      }
      latency.record(latencyMs);
      window.record(latencyMs);
    },
    takeWindow(nowMs) {
      const windowMs = Math.max(1, nowMs - windowStartMs);
      const snapshot: WindowSnapshot = {
        elapsedMs: nowMs - startMs,
        windowMs,
        totals: { ...totals },
        ratePerSecond: ((totals.acknowledged - windowStartAcknowledged) * 1000) / windowMs,
        p50Ms: window.quantileMs(0.5),
        p99Ms: window.quantileMs(0.99),
        inFlight: stats.inFlight,
        lastError: stats.lastError,
      };
      window.reset();
      windowStartMs = nowMs;
      windowStartAcknowledged = totals.acknowledged;
      return snapshot;
    },
  };
  return stats;
}
