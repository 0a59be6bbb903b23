// Fraud alerts to a webhook: verdict changes are queued (bounded: when full, the oldest is dropped
// and counted) and POSTed as JSON, up to `alertsPerPost` at a time, one POST in flight, signed so
// the receiver can tell they came from here:
//
//   X-Clickflow-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>" with the secret>
//
// A 5xx, a 429, a network error or a timeout is retried with exponential backoff (the same body,
// signed afresh); another 4xx is the receiver refusing the alerts, which are dropped and counted.
// After `attempts` tries the alerts are dropped and counted too. All waiting uses the injected clock.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { errorMessage, limits, OptionsError, parseOptions, type Clock, type Logger, type OptionsInput, type TimerHandle } from '../core/index.js';
import type { FraudVerdictChange } from '../jobs/fraud/index.js';

export const fraudWebhookOptionsSpec = {
  url: { kind: 'optional-string', default: undefined, doc: 'where alerts are POSTed (http or https); unset: no webhook' },
  secret: { kind: 'string', default: '', doc: 'the HMAC-SHA256 key of the X-Clickflow-Signature header (required with a url)' },
  queueAlertsMax: { kind: 'integer', default: limits.fraudWebhookQueueAlertsDefault, min: 1, max: limits.fraudWebhookQueueAlertsMax, doc: 'alerts waiting at most; when full the oldest is dropped and counted' },
  alertsPerPost: { kind: 'integer', default: limits.fraudWebhookAlertsPerPostDefault, min: 1, max: 10_000, doc: 'alerts in one POST at most' },
  attempts: { kind: 'integer', default: limits.fraudWebhookAttemptsDefault, min: 1, max: 100, doc: 'tries of one POST, the first included' },
  retryDelayMs: { kind: 'integer', default: limits.fraudWebhookRetryDelayMsDefault, min: 1, max: 3_600_000, doc: 'wait before the first retry, in ms; doubled for each next one' },
  retryDelayMsMax: { kind: 'integer', default: limits.fraudWebhookRetryDelayMsMaxDefault, min: 1, max: 3_600_000, doc: 'longest wait between tries, in ms' },
  timeoutMs: { kind: 'integer', default: limits.fraudWebhookTimeoutMsDefault, min: 1, max: 600_000, doc: 'wait for an answer to one POST, in ms' },
} as const;

export type FraudWebhookOptionsInput = OptionsInput<typeof fraudWebhookOptionsSpec>;

export const fraudSignatureHeader = 'x-clickflow-signature';

export interface FraudWebhookStats {
  queued: number;
  /** Alerts in POSTs answered 2xx. */
  delivered: number;
  /** Alerts dropped: queue full, refused with a 4xx, or out of attempts. */
  droppedQueueFull: number;
  droppedRefused: number;
  droppedAttempts: number;
  /** POSTs tried again after a 5xx, 429, network error or timeout. */
  retries: number;
}

export interface FraudWebhook {
  enqueue(change: FraudVerdictChange): void;
  stats(): FraudWebhookStats;
  /** Resolves when every queued alert was delivered or dropped (for tests and shutdown). */
  idle(): Promise<void>;
  /** Stops: a waiting retry is abandoned and what is queued is dropped (counted as out of attempts). */
  close(): Promise<void>;
}

/** The signature header value for `body` at `unixSeconds`. */
export function signFraudWebhook(body: string, secret: string, unixSeconds: number): string {
  const digest = createHmac('sha256', secret).update(`${unixSeconds}.${body}`).digest('hex');
  return `t=${unixSeconds},v1=${digest}`;
}

/** True when `header` signs `body` with `secret` and its time is within `toleranceSeconds` of `nowMs`. */
export function verifyFraudWebhookSignature(header: string | undefined, body: string, secret: string, nowMs: number, toleranceSeconds = 300): boolean {
  const match = header === undefined ? null : /^t=(\d+),v1=([0-9a-f]{64})$/.exec(header);
  if (match === null) return false;
  const unixSeconds = Number(match[1]);
  if (Math.abs(nowMs / 1_000 - unixSeconds) > toleranceSeconds) return false;
  const expected = Buffer.from(signFraudWebhook(body, secret, unixSeconds).slice(-64), 'hex');
  return timingSafeEqual(expected, Buffer.from(match[2]!, 'hex'));
}

type Outcome = 'delivered' | 'retry' | 'refused';

export function parseFraudWebhookOptions(input: FraudWebhookOptionsInput = {}) {
  return parseOptions('fraud webhook', fraudWebhookOptionsSpec, input, (options) => {
    if (options.url === undefined) return;
    if (!/^https?:\/\//.test(options.url)) throw new OptionsError('fraud webhook', 'url', `must be an http or https URL, got ${JSON.stringify(options.url)}`);
    if (options.secret.length < 16) throw new OptionsError('fraud webhook', 'secret', 'must be at least 16 characters when a url is set');
    if (options.retryDelayMsMax < options.retryDelayMs) throw new OptionsError('fraud webhook', 'retryDelayMsMax', `must be at least retryDelayMs (${options.retryDelayMs})`);
  });
}

export interface FraudWebhookDeps {
  clock: Clock;
  logger: Logger;
  /** Default: the global fetch. */
  fetch?: typeof fetch;
}

export function createFraudWebhook(deps: FraudWebhookDeps, input: FraudWebhookOptionsInput): FraudWebhook {
  const options = parseFraudWebhookOptions(input);
  if (options.url === undefined) throw new OptionsError('fraud webhook', 'url', 'is required to create a webhook sender');
  const url = options.url;
  const send = deps.fetch ?? fetch;
  const queue: FraudVerdictChange[] = [];
  const stats: Omit<FraudWebhookStats, 'queued'> = { delivered: 0, droppedQueueFull: 0, droppedRefused: 0, droppedAttempts: 0, retries: 0 };
  let pumping: Promise<void> | undefined;
  let closed = false;
  let waiting: { timer: TimerHandle; resolve: () => void } | undefined;

  const wait = (delayMs: number): Promise<void> =>
    new Promise((resolve) => {
      waiting = { timer: deps.clock.setTimer(delayMs, () => resolve()), resolve };
    });

  const post = async (body: string): Promise<Outcome> => {
    const abort = new AbortController();
    const timer = deps.clock.setTimer(options.timeoutMs, () => abort.abort());
    try {
      const signature = signFraudWebhook(body, options.secret, Math.floor(deps.clock.nowMs() / 1_000));
      const response = await send(url, { method: 'POST', body, signal: abort.signal, headers: { 'content-type': 'application/json', [fraudSignatureHeader]: signature } });
      await response.arrayBuffer().catch(() => undefined);
      if (response.ok) return 'delivered';
      deps.logger.warn({ status: response.status }, 'the fraud webhook answered with an error');
      return response.status >= 500 || response.status === 429 ? 'retry' : 'refused';
    } catch (error) {
      deps.logger.warn({ err: errorMessage(error) }, 'the fraud webhook could not be reached');
      return 'retry';
    } finally {
      timer.cancel();
    }
  };

  /** One POST of `alerts`, retried with backoff; returns how it ended. */
  const deliver = async (alerts: FraudVerdictChange[]): Promise<Outcome> => {
    const body = JSON.stringify({ alerts });
    for (let attempt = 1; ; attempt++) {
      const outcome = await post(body);
      if (outcome !== 'retry') return outcome;
      if (attempt >= options.attempts || closed) return 'retry';
      stats.retries++;
      await wait(Math.min(options.retryDelayMsMax, options.retryDelayMs * 2 ** (attempt - 1)));
      if (closed) return 'retry';
    }
  };

  const pump = async (): Promise<void> => {
    while (queue.length > 0 && !closed) {
      const alerts = queue.splice(0, options.alertsPerPost);
      const outcome = await deliver(alerts);
      if (outcome === 'delivered') stats.delivered += alerts.length;
      else if (outcome === 'refused') stats.droppedRefused += alerts.length;
      else stats.droppedAttempts += alerts.length;
    }
    pumping = undefined;
  };

  return {
    enqueue(change) {
      if (closed) return;
      if (queue.length >= options.queueAlertsMax) {
        queue.shift();
        stats.droppedQueueFull++;
      }
      queue.push(change);
      pumping ??= pump();
    },
    stats: () => ({ queued: queue.length, ...stats }),
    idle: async () => {
      while (pumping !== undefined) await pumping;
    },
    async close() {
      closed = true;
      stats.droppedAttempts += queue.length;
      queue.length = 0;
      if (waiting !== undefined) {
        waiting.timer.cancel();
        waiting.resolve();
      }
      await pumping;
    },
  };
}
