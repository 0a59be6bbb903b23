// Pushes batch alerts to a webhook: one JSON POST per alert, retried with backoff on network
// errors, timeouts and 5xx/408/429 answers; other 4xx answers are the receiver refusing it for good.
import { ExternalError, limits, namespaced, parseOptions, retry, type Clock, type Logger, type OptionsInput } from '../core/index.js';
import type { BatchAlert } from '../store/index.js';
import type { AlertSender } from './types.js';

export const webhookAlertSenderOptionsSpec = {
  url: { kind: 'string', default: '', pattern: /^https?:\/\/\S+$/, doc: 'the http:// or https:// URL alerts are POSTed to' },
  attempts: { kind: 'integer', default: limits.alertWebhookAttemptsDefault, min: 1, max: 20, doc: 'tries per alert, the first included' },
  retryDelayMs: { kind: 'integer', default: limits.alertWebhookRetryDelayMsDefault, min: 0, max: 60 * 60 * 1000, doc: 'wait before the first retry, in ms, doubled for each further one' },
  timeoutMs: { kind: 'integer', default: limits.alertWebhookTimeoutMsDefault, min: 1, max: 10 * 60 * 1000, doc: 'longest wait for an answer, in ms' },
} as const;

export type WebhookAlertSenderOptionsInput = OptionsInput<typeof webhookAlertSenderOptionsSpec>;

/** What the webhook receives. */
export interface WebhookAlertBody {
  source: 'clickflow';
  type: 'batch_alert';
  alert: BatchAlert;
}

async function post(url: string, body: string, timeoutMs: number, clock: Clock): Promise<void> {
  const controller = new AbortController();
  const timer = clock.setTimer(timeoutMs, () => controller.abort());
  let status: number;
  try {
    const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body, signal: controller.signal });
    status = response.status;
    await response.body?.cancel();
  } catch (error) {
    const what = controller.signal.aborted ? `no answer within ${timeoutMs} ms` : 'the request failed';
    throw new ExternalError(`alert webhook ${url}: ${what}`, { cause: error, code: 'webhook_unreachable' });
  } finally {
    timer.cancel();
  }
  if (status >= 200 && status < 300) return;
  const retryable = status >= 500 || status === 408 || status === 429;
  throw new ExternalError(`alert webhook ${url} answered ${status}`, { retryable, code: 'webhook_refused' });
}

export function createWebhookAlertSender(deps: { clock: Clock; logger: Logger }, input: WebhookAlertSenderOptionsInput): AlertSender {
  const options = parseOptions('webhook alert sender', webhookAlertSenderOptionsSpec, input);
  const logger = namespaced(deps.logger, 'orchestrator.webhook');
  const policy = { retries: options.attempts - 1, initialDelayMs: options.retryDelayMs, maxDelayMs: options.retryDelayMs * 32 };
  return {
    async send(alert) {
      const body = JSON.stringify({ source: 'clickflow', type: 'batch_alert', alert } satisfies WebhookAlertBody);
      await retry(
        async (attempt) => {
          if (attempt > 0) logger.warn({ alertId: alert.id, attempt: attempt + 1 }, 'retrying an alert webhook delivery');
          await post(options.url, body, options.timeoutMs, deps.clock);
        },
        deps.clock,
        policy,
      );
    },
  };
}
