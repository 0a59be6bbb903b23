// Failure alerts go three ways: the log (always), the store's alert feed (the dashboard lists it),
// and an optional sender such as a webhook. A sender's failure is logged, never thrown: an alert
// that cannot be pushed must not stop the batch layer.
import { ClickflowError, errorMessage, type Logger } from '../core/index.js';
import type { BatchAlert, BatchRunError, Store } from '../store/index.js';
import type { AlertSender } from './types.js';

export interface AlertDeps {
  store: Store;
  logger: Logger;
  sender: AlertSender | undefined;
  /** Deliveries in flight, so that stop() can wait for them. */
  inFlight: Set<Promise<void>>;
}

/** Logs, stores and sends one alert. Resolves once it is logged and stored; sending goes on behind. */
export async function raiseAlert(deps: AlertDeps, alert: Omit<BatchAlert, 'id'>): Promise<void> {
  deps.logger.error({ job: alert.job, partition: alert.partition, runId: alert.runId, kind: alert.kind }, alert.message);
  let stored: BatchAlert;
  try {
    stored = await deps.store.batchAlerts.add(alert);
  } catch (error) {
    deps.logger.error({ err: error, kind: alert.kind }, 'could not store a batch alert; it was logged above');
    stored = { id: 0, ...alert };
  }
  if (!deps.sender) return;
  const delivery = deps.sender.send(stored).then(
    () => undefined,
    (error: unknown) => {
      deps.logger.error({ err: error, alertId: stored.id }, `could not deliver a batch alert: ${errorMessage(error)}`);
    },
  );
  deps.inFlight.add(delivery);
  void delivery.finally(() => deps.inFlight.delete(delivery));
}

/** The causes of an error, one per line, and for a bug (internal or unclassified) its stack. */
function errorDetail(error: unknown): string | undefined {
  const lines: string[] = [];
  let cause = error instanceof Error ? error.cause : undefined;
  for (let depth = 0; cause !== undefined && depth < 10; depth++) {
    lines.push(`caused by: ${cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause)}`);
    cause = cause instanceof Error ? cause.cause : undefined;
  }
  const isBug = !(error instanceof ClickflowError) || error.domain === 'internal';
  if (isBug && error instanceof Error && error.stack) lines.push(error.stack);
  return lines.length > 0 ? lines.join('\n') : undefined;
}

/** An error as run history records it; anything unclassified is a bug in the job (internal). */
export function describeError(error: unknown): BatchRunError {
  const classified = error instanceof ClickflowError;
  return {
    message: errorMessage(error) || (error instanceof Error ? error.name : 'failed without a message'),
    domain: classified ? error.domain : 'internal',
    code: classified && /^[\x21-\x7e]{1,64}$/.test(error.code) ? error.code : 'job_failed',
    detail: errorDetail(error),
  };
}
