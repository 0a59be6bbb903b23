// Starts a target's queued requests, at most `inFlightMax` at once, and books each settled one:
// into the run's stats and, for acknowledged events, into the ground truth. A fatal outcome (a
// refused key, a missing link) is kept so the run can stop and say why.
import type { Clock } from '../core/index.js';
import type { GroundTruth } from './ground-truth.js';
import type { RunStats } from './run-stats.js';
import type { LoadTarget, RequestOutcome } from './types.js';

export interface RequestPump {
  /** Starts queued requests while there is room. */
  pump(): void;
  /** Resolves when the next in-flight request settles (at once when none is in flight). */
  nextSettle(): Promise<void>;
  /** Resolves when nothing is queued or in flight. */
  drain(): Promise<void>;
  /** The first fatal outcome's error, if any. */
  readonly fatalError: string | undefined;
}

export function createRequestPump(deps: { clock: Clock; target: LoadTarget; stats: RunStats; truth: GroundTruth | undefined }, inFlightMax: number): RequestPump {
  const { clock, target, stats, truth } = deps;
  let waiters: (() => void)[] = [];
  let fatalError: string | undefined;

  const settle = (outcome: RequestOutcome, startedMs: number): void => {
    stats.requestSettled(outcome, clock.monotonicMs() - startedMs);
    if (truth) {
      for (const acknowledged of outcome.acknowledged) truth.addAcknowledged(acknowledged.batch, acknowledged.indexes, acknowledged.eventTimeMs);
      truth.noteFailed(outcome.failed);
    }
    if (outcome.fatal && fatalError === undefined) fatalError = outcome.error ?? 'a request failed';
    const woken = waiters;
    waiters = [];
    for (const wake of woken) wake();
    pump();
  };

  const pump = (): void => {
    while (stats.inFlight < inFlightMax && target.queuedRequests > 0 && fatalError === undefined) {
      const startedMs = clock.monotonicMs();
      const request = target.startNext();
      stats.requestStarted(request.events);
      void request.outcome.then((outcome) => settle(outcome, startedMs));
    }
  };

  const nextSettle = (): Promise<void> => (stats.inFlight === 0 ? Promise.resolve() : new Promise((resolve) => waiters.push(resolve)));

  return {
    pump,
    nextSettle,
    async drain() {
      pump();
      while (stats.inFlight > 0 || (target.queuedRequests > 0 && fatalError === undefined)) {
        await nextSettle();
        pump();
      }
    },
    get fatalError() {
      return fatalError;
    },
  };
}
