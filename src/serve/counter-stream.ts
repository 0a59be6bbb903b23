// The live counters of one link as server-sent events: the report at once, then again shortly
// after every commit that changed the link (commits come every 100 ms while it is clicked, so at
// least once a second, within `coalesceMs` of the commit), and a heartbeat comment after a quiet
// spell. Bounded: one stream more than `clientsMax` is answered 503.
import type { Context } from 'hono';
import { streamSSE } from 'hono/streaming';
import type { Clock, Logger, TimerHandle } from '../core/index.js';
import type { ServeEnv } from './app-env.js';
import type { CounterReport } from './counter-report.js';
import type { CounterViews } from './counter-views.js';
import { HttpError } from './http-error.js';

export interface CounterStreamOptions {
  clientsMax: number;
  coalesceMs: number;
  heartbeatMs: number;
}

export interface CounterStreams {
  /** Answers with the stream; `report` builds the link's current report. */
  open(c: Context<ServeEnv>, linkId: string, report: () => Promise<CounterReport>): Response;
  clients(): number;
}

export function createCounterStreams(deps: { counterViews: CounterViews; clock: Clock; logger: Logger }, options: CounterStreamOptions): CounterStreams {
  let clients = 0;
  return {
    clients: () => clients,
    open(c, linkId, report) {
      if (clients >= options.clientsMax) throw new HttpError(503, 'unavailable', `${options.clientsMax} live counter streams are open; retry later`);
      clients++;
      return streamSSE(c, async (stream) => {
        // Ends when the client goes away, or when a write fails.
        let end = (): void => undefined;
        const ended = new Promise<void>((resolve) => {
          end = resolve;
          stream.onAbort(resolve);
        });
        let closed = false;
        let sequence = 0;
        let pushTimer: TimerHandle | undefined;
        let heartbeatTimer: TimerHandle | undefined;
        // Writes go one after another; a failed one ends the stream.
        let writing = Promise.resolve();
        const enqueue = (write: () => Promise<void>): void => {
          writing = writing.then(async () => {
            if (closed) return;
            await write();
            armHeartbeat();
          });
          writing = writing.catch((error: unknown) => {
            deps.logger.warn({ err: error, linkId }, 'a live counter stream ended on a failed write');
            closed = true;
            end();
          });
        };
        const armHeartbeat = (): void => {
          heartbeatTimer?.cancel();
          heartbeatTimer = deps.clock.setTimer(options.heartbeatMs, () => enqueue(() => stream.write(': heartbeat\n\n').then(() => undefined)));
        };
        const push = (): void => {
          pushTimer = undefined;
          enqueue(async () => stream.writeSSE({ event: 'counters', id: String(++sequence), data: JSON.stringify(await report()) }));
        };
        const unsubscribe = deps.counterViews.subscribe(linkId, () => {
          if (!closed && pushTimer === undefined) pushTimer = deps.clock.setTimer(options.coalesceMs, push);
        });
        try {
          push();
          await ended;
        } finally {
          closed = true;
          unsubscribe();
          pushTimer?.cancel();
          heartbeatTimer?.cancel();
          clients--;
        }
      });
    },
  };
}
