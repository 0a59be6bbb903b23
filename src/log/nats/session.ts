// One connection to NATS and what every part of the log shares: the JetStream handles, the KV
// bucket, the clock, the parsed options and the server's limits.
import { connect, type JetStreamClient, type JetStreamManager, type KV, type NatsConnection } from 'nats';
import { limits, type Clock, type Logger } from '../../core/index.js';
import { classified } from './nats-errors.js';
import type { ParsedNatsLogOptions } from './options.js';
import { ensureStream } from './stream-setup.js';

export interface NatsSession {
  nc: NatsConnection;
  js: JetStreamClient;
  jsm: JetStreamManager;
  kv: KV;
  clock: Clock;
  logger: Logger;
  options: ParsedNatsLogOptions;
  /** The server's largest message (payload and headers), from its INFO. */
  maxPayloadBytes: number;
  /** How long the server keeps an unused read consumer. */
  cursorIdleMs: number;
}

function serverList(servers: string): string[] {
  return servers.split(',').map((server) => server.trim()).filter((server) => server.length > 0);
}

/** Logs connection trouble, which the client rides out by reconnecting (publishes retry meanwhile). */
async function logStatus(nc: NatsConnection, logger: Logger): Promise<void> {
  for await (const status of nc.status()) {
    if (status.type === 'disconnect' || status.type === 'reconnect' || status.type === 'error') {
      logger.warn({ status: status.type, data: String(status.data) }, 'nats connection status changed');
    }
  }
}

export async function openSession(clock: Clock, logger: Logger, options: ParsedNatsLogOptions): Promise<NatsSession> {
  const nc = await classified({ action: `connect to ${options.servers}` }, () =>
    connect({
      servers: serverList(options.servers),
      name: `clickflow log ${options.stream}`,
      timeout: options.requestTimeoutMs,
      // Never give up: appends retry through an outage instead of failing the process.
      maxReconnectAttempts: -1,
      reconnectTimeWait: 250,
    }),
  );
  try {
    void logStatus(nc, logger).catch(() => undefined);
    const jsm = await classified({ action: 'open JetStream (is the server started with -js?)' }, () => nc.jetstreamManager({ timeout: options.requestTimeoutMs }));
    const js = nc.jetstream({ timeout: options.requestTimeoutMs });
    await ensureStream(jsm, options, logger);
    const kv = await classified({ action: `open the KV bucket ${options.offsetsBucket}` }, () =>
      js.views.kv(options.offsetsBucket, { history: 1, replicas: options.replicas }),
    );
    const maxPayloadBytes = nc.info?.max_payload ?? 1024 * 1024;
    return { nc, js, jsm, kv, clock, logger, options, maxPayloadBytes, cursorIdleMs: limits.natsCursorIdleMs };
  } catch (error) {
    await nc.close().catch(() => undefined);
    throw error;
  }
}

/** Drains the connection (flushing what is buffered), or closes it if the server does not answer in time. */
export async function closeSession(session: NatsSession): Promise<void> {
  const { nc, clock, options } = session;
  await new Promise<void>((resolve) => {
    const timer = clock.setTimer(options.requestTimeoutMs, resolve);
    void nc
      .drain()
      .catch(() => undefined)
      .then(() => {
        timer.cancel();
        resolve();
      });
  });
  if (!nc.isClosed()) await nc.close();
}
