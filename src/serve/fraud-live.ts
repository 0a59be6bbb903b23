// Where the fraud operator's live messages land in the serving process: the verdict table takes
// the numbers and the changes, the alert feed and the webhook take the changes. The lead calls
// `apply` with each live message a stream worker sends (`{ type: 'live', messages }` over IPC).
import type { Clock, Logger } from '../core/index.js';
import { fraudLiveChannels, isFraudChangesPayload, isFraudIpNumbersPayload } from '../jobs/fraud/index.js';
import type { LiveMessage } from '../stream/index.js';
import type { FraudAlertHub } from './fraud-alerts.js';
import type { VerdictTable } from './fraud-verdict-table.js';
import type { FraudWebhook } from './fraud-webhook.js';

export interface FraudLiveDeps {
  table: VerdictTable;
  alerts?: FraudAlertHub;
  webhook?: FraudWebhook;
  clock: Clock;
  logger: Logger;
}

export interface FraudLive {
  /** Takes one live message; returns false for one that is not the fraud operator's. */
  apply(message: LiveMessage): boolean;
}

export function createFraudLive(deps: FraudLiveDeps): FraudLive {
  let malformed = 0;
  const refuse = (message: LiveMessage): boolean => {
    // A worker of another version, or a bug: say so once in a while, never crash the server.
    if (malformed++ % 1_000 === 0) deps.logger.error({ job: message.job, channel: message.channel, malformed }, 'a fraud live message had an unexpected shape and was ignored');
    return true;
  };
  return {
    apply(message) {
      if (message.channel === fraudLiveChannels.ipNumbers) {
        if (!isFraudIpNumbersPayload(message.payload)) return refuse(message);
        deps.table.applyNumbers(message.payload, deps.clock.nowMs());
        return true;
      }
      if (message.channel !== fraudLiveChannels.changes) return false;
      if (!isFraudChangesPayload(message.payload)) return refuse(message);
      const nowMs = deps.clock.nowMs();
      for (const change of message.payload.changes) {
        deps.table.applyChange(change, nowMs);
        deps.alerts?.publish(change);
        deps.webhook?.enqueue(change);
      }
      return true;
    },
  };
}
