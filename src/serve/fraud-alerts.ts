// The fraud alert feed as server-sent events: every verdict change the serving process hears is
// sent to every connected client as `event: verdict`, with heartbeat comments in between so
// proxies keep the connection open. Each client has a bounded queue: one that falls
// `clientBufferEvents` behind (a slow reader) is dropped, never allowed to grow memory; it may
// reconnect. Timers come from the injected clock.
import { limits, parseOptions, type Clock, type Logger, type OptionsInput, type TimerHandle } from '../core/index.js';
import type { FraudVerdictChange } from '../jobs/fraud/index.js';
import { HttpError } from './http-error.js';

export const fraudAlertsOptionsSpec = {
  clientsMax: { kind: 'integer', default: limits.fraudAlertClientsMax, min: 1, max: 10_000, doc: 'alert feed clients at once; one more is answered 503' },
  clientBufferEvents: { kind: 'integer', default: limits.fraudAlertClientBufferEventsDefault, min: 1, max: 1_000_000, doc: 'events queued for one client; a client this far behind is dropped' },
  heartbeatMs: { kind: 'integer', default: limits.fraudAlertHeartbeatMsDefault, min: 100, max: 600_000, doc: 'time between heartbeat comments, in ms' },
} as const;

export type FraudAlertsOptionsInput = OptionsInput<typeof fraudAlertsOptionsSpec>;

export interface FraudAlertStats {
  clients: number;
  /** Events queued to clients in all. */
  sent: number;
  /** Clients dropped for falling behind. */
  droppedClients: number;
  /** Connections refused because `clientsMax` were connected. */
  refused: number;
}

export interface FraudAlertHub {
  publish(change: FraudVerdictChange): void;
  /** A new client's event stream; throws a 503 HttpError when `clientsMax` are connected. */
  open(): ReadableStream<Uint8Array>;
  stats(): FraudAlertStats;
  /** Ends every client's stream and the heartbeat. */
  close(): void;
}

interface Client {
  controller: ReadableStreamDefaultController<Uint8Array>;
}

const encoder = new TextEncoder();

export function createFraudAlertHub(deps: { clock: Clock; logger: Logger }, input: FraudAlertsOptionsInput = {}): FraudAlertHub {
  const options = parseOptions('fraud alerts', fraudAlertsOptionsSpec, input);
  const clients = new Set<Client>();
  const stats = { sent: 0, droppedClients: 0, refused: 0 };
  let sequence = 0;
  let heartbeat: TimerHandle | undefined;

  const drop = (client: Client, reason: string): void => {
    if (!clients.delete(client)) return;
    try {
      client.controller.error(new Error(reason));
    } catch {
      // Already closed by the client.
    }
  };
  const send = (client: Client, bytes: Uint8Array): void => {
    // desiredSize is the room left in the client's queue: none left means it has fallen behind.
    if ((client.controller.desiredSize ?? 0) <= 0) {
      stats.droppedClients++;
      deps.logger.warn({ queued: options.clientBufferEvents }, 'a fraud alert client fell behind and was dropped');
      drop(client, 'the client fell behind the fraud alert feed');
      return;
    }
    client.controller.enqueue(bytes);
    stats.sent++;
  };
  const beat = (): void => {
    heartbeat = undefined;
    if (clients.size === 0) return;
    const bytes = encoder.encode(`: heartbeat ${new Date(deps.clock.nowMs()).toISOString()}\n\n`);
    for (const client of [...clients]) send(client, bytes);
    heartbeat = deps.clock.setTimer(options.heartbeatMs, beat);
  };
  const open = (): ReadableStream<Uint8Array> => {
    if (clients.size >= options.clientsMax) {
      stats.refused++;
      throw new HttpError(503, 'unavailable', `the fraud alert feed has ${options.clientsMax} clients, its bound; retry later`);
    }
    let client: Client | undefined;
    return new ReadableStream<Uint8Array>(
      {
        start(controller) {
          client = { controller };
          clients.add(client);
          controller.enqueue(encoder.encode(`retry: 5000\n: clickflow fraud alerts\n\n`));
          heartbeat ??= deps.clock.setTimer(options.heartbeatMs, beat);
        },
        cancel() {
          if (client !== undefined) clients.delete(client);
        },
      },
      new CountQueuingStrategy({ highWaterMark: options.clientBufferEvents }),
    );
  };
  return {
    publish(change) {
      if (clients.size === 0) return;
      const bytes = encoder.encode(`event: verdict\nid: ${++sequence}\ndata: ${JSON.stringify(change)}\n\n`);
      for (const client of [...clients]) send(client, bytes);
    },
    open,
    stats: () => ({ clients: clients.size, ...stats }),
    close() {
      heartbeat?.cancel();
      heartbeat = undefined;
      for (const client of [...clients]) {
        clients.delete(client);
        client.controller.close();
      }
    },
  };
}
