// Proves the NATS JetStream backend keeps the EventLog contract, against a real nats-server with
// JetStream started for this file; every case gets its own stream, subjects and KV bucket.
import { afterAll, beforeAll } from 'vitest';
import { connect } from 'nats';
import { createSilentLogger, createSystemClock } from '../../src/core/index.js';
import { runEventLogConformance, type ConformanceHarness } from '../../src/log/conformance.js';
import { createNatsLog } from '../../src/log/index.js';
import { startNatsServer, type NatsServer } from '../helpers/nats-server.js';

let server: NatsServer | undefined;
let cases = 0;

beforeAll(async () => {
  server = await startNatsServer();
});

afterAll(async () => {
  await server?.stop();
});

/** Deletes a case's stream and bucket so the server's store stays small across cases. */
async function removeCase(url: string, stream: string, bucket: string): Promise<void> {
  const nc = await connect({ servers: url });
  try {
    const jsm = await nc.jetstreamManager();
    await jsm.streams.delete(stream).catch(() => undefined);
    await jsm.streams.delete(`KV_${bucket}`).catch(() => undefined);
  } finally {
    await nc.close();
  }
}

async function createHarness(): Promise<ConformanceHarness> {
  if (!server) throw new Error('nats-server did not start; see the error of beforeAll');
  const url = server.url;
  const id = ++cases;
  const names = { stream: `conformance-${id}`, subjectPrefix: `conformance${id}.events`, offsetsBucket: `conformance-${id}-offsets` };
  return {
    open: (options = {}) =>
      createNatsLog(
        { clock: createSystemClock(), logger: createSilentLogger() },
        {
          servers: url,
          ...names,
          partitions: options.partitions ?? 4,
          retentionMs: options.retentionMs ?? 0,
          retentionBytes: options.retentionBytes ?? 0,
          // Small messages, so that retention has several whole messages to remove.
          ...(options.smallUnits ? { messageBytesMax: 4 * 1024 } : {}),
        },
      ),
    cleanup: () => removeCase(url, names.stream, names.offsetsBucket),
  };
}

runEventLogConformance('nats', createHarness);
