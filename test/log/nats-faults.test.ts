// Proves the JetStream log under faults: a publish whose ack is lost is retried and stored once,
// records packed into many messages read back in order at their offsets, and a server killed
// (SIGKILL) and restarted on the same store loses no acknowledged record.
import net from 'node:net';
import { connect } from 'nats';
import { afterEach, describe, expect, it } from 'vitest';
import { createSilentLogger, createSystemClock } from '../../src/core/index.js';
import { createNatsLog, type EventLog, type LogRecord, type NatsLogOptions } from '../../src/log/index.js';
import { freePort, startNatsServer, type NatsServer } from '../helpers/nats-server.js';

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const records = (prefix: string, count: number, padBytes = 0) =>
  Array.from({ length: count }, (_, i) => encoder.encode(`${prefix}-${i}${'x'.repeat(padBytes)}`));
const texts = (batch: readonly LogRecord[]) => batch.map((record) => decoder.decode(record.value));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
});

async function server(): Promise<NatsServer> {
  const started = await startNatsServer();
  cleanups.push(() => started.stop());
  return started;
}

async function open(options: NatsLogOptions): Promise<EventLog> {
  const log = await createNatsLog({ clock: createSystemClock(), logger: createSilentLogger() }, { requestTimeoutMs: 1_000, ...options });
  cleanups.push(() => log.close());
  return log;
}

async function readAll(log: EventLog, partition: number, fromOffset: number, maxRecords = 1_000): Promise<LogRecord[]> {
  const out: LogRecord[] = [];
  for (let offset = fromOffset; ; ) {
    const batch = await log.read(partition, offset, { maxRecords });
    if (batch.records.length === 0) return out;
    out.push(...batch.records);
    offset = batch.nextOffset;
  }
}

async function storedMessages(url: string, stream: string): Promise<number> {
  const nc = await connect({ servers: url });
  try {
    return (await (await nc.jetstreamManager()).streams.info(stream)).state.messages;
  } finally {
    await nc.close();
  }
}

/**
 * A TCP proxy in front of the server that, once armed, lets the next publish on a subject reach
 * the server and then cuts the connection before the server's answer (the ack) gets back.
 */
async function startAckDroppingProxy(targetPort: number) {
  const sockets = new Set<net.Socket>();
  let armed: { subject: string; dropped: () => void } | undefined;
  const proxy = net.createServer((client) => {
    const upstream = net.connect(targetPort, '127.0.0.1');
    sockets.add(client).add(upstream);
    let swallow = false;
    client.on('data', (chunk) => {
      if (armed && chunk.toString('latin1').includes(`PUB ${armed.subject} `)) swallow = true;
      upstream.write(chunk);
    });
    upstream.on('data', (chunk) => {
      if (!swallow) return void client.write(chunk);
      armed?.dropped();
      armed = undefined;
      client.destroy();
      upstream.destroy();
    });
    const closeBoth = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('close', closeBoth).on('error', closeBoth);
    upstream.on('close', closeBoth).on('error', closeBoth);
  });
  const port = await freePort();
  await new Promise<void>((resolve) => proxy.listen(port, '127.0.0.1', resolve));
  return {
    url: `nats://127.0.0.1:${port}`,
    dropNextAck: (subject: string) => new Promise<void>((dropped) => (armed = { subject, dropped })),
    close: () => {
      for (const socket of sockets) socket.destroy();
      return new Promise<void>((resolve) => proxy.close(() => resolve()));
    },
  };
}

describe('NATS JetStream log under faults', () => {
  it('retries a publish whose ack was lost with the connection, and stores it once', async () => {
    const nats = await server();
    const proxy = await startAckDroppingProxy(nats.port);
    cleanups.push(() => proxy.close());
    const names = { stream: 'ack-lost', subjectPrefix: 'ack.lost', offsetsBucket: 'ack-lost-offsets', partitions: 1 };
    const log = await open({ servers: proxy.url, ...names });

    const dropped = proxy.dropNextAck('ack.lost.p.0');
    const plain = await log.append(0, records('plain', 30));
    await dropped;
    // The caller's records were stored by the first attempt: not a duplicate from its point of view.
    expect(plain.duplicate).toBe(false);
    expect(await storedMessages(nats.url, 'ack-lost')).toBe(1);

    const droppedAgain = proxy.dropNextAck('ack.lost.p.0');
    const keyed = await log.append(0, records('keyed', 5), { idempotencyKey: 'import-7' });
    await droppedAgain;
    const repeated = await log.append(0, records('keyed', 5), { idempotencyKey: 'import-7' });
    expect(repeated).toEqual({ ...keyed, duplicate: true });
    expect(await storedMessages(nats.url, 'ack-lost')).toBe(2);

    const all = await readAll(log, 0, 0);
    expect(texts(all)).toEqual([...records('plain', 30), ...records('keyed', 5)].map((r) => decoder.decode(r)));
    expect(all.map((r) => r.offset)).toEqual([...plain.offsets, ...keyed.offsets]);
  });

  it('packs records into many messages and reads them back in order at their offsets', async () => {
    const nats = await server();
    const log = await open({ servers: nats.url, partitions: 2, messageBytesMax: 4 * 1024, recordsPerMessageMax: 50 });
    const appended = await Promise.all([log.append(0, records('a', 3_000, 60)), log.append(1, records('b', 500)), log.append(0, records('c', 1_000))]);
    const [a, , c] = appended;
    const offsets = [...a!.offsets, ...c!.offsets];
    // Offsets name (message sequence, index): indexes count from 0 within each message, at most 50.
    const bySequence = new Map<number, number[]>();
    for (const offset of offsets) bySequence.set(Math.floor(offset / 65_536), [...(bySequence.get(Math.floor(offset / 65_536)) ?? []), offset % 65_536]);
    expect(bySequence.size).toBeGreaterThan(60);
    for (const indexes of bySequence.values()) expect(indexes).toEqual(indexes.map((_, i) => i).slice(0, 50));

    for (const maxRecords of [1, 7, 333, 10_000]) {
      const all = await readAll(log, 0, 0, maxRecords);
      expect(all.map((r) => r.offset).sort((x, y) => x - y)).toEqual(all.map((r) => r.offset));
      expect(new Set(texts(all))).toEqual(new Set([...records('a', 3_000, 60), ...records('c', 1_000)].map((r) => decoder.decode(r))));
      expect(all.map((r) => r.offset).sort((x, y) => x - y)).toEqual([...offsets].sort((x, y) => x - y));
    }
    // Resuming at any record's offset, mid-message included, yields exactly what follows it.
    const all = await readAll(log, 0, 0);
    for (const at of [1, 49, 50, 51, 1_234, 3_999]) expect(texts(await readAll(log, 0, all[at]!.offset, 97))).toEqual(texts(all.slice(at)));
    expect(texts(await readAll(log, 1, 0))).toEqual(records('b', 500).map((r) => decoder.decode(r)));
  });

  it('loses no acknowledged record when the server is killed and restarted on the same store', async () => {
    const first = await startNatsServer();
    let current = first;
    cleanups.push(() => current.stop());
    const log = await open({ servers: first.url, partitions: 2 });
    const acked: Array<{ partition: number; values: string[]; offsets: readonly number[] }> = [];
    let writing = true;
    const writer = async (partition: number) => {
      for (let i = 0; writing; i++) {
        const batch = records(`p${partition}-${i}`, 40);
        const result = await log.append(partition, batch);
        acked.push({ partition, values: batch.map((r) => decoder.decode(r)), offsets: result.offsets });
      }
    };
    const writers = [writer(0), writer(1)];
    await sleep(300);
    const beforeKill = acked.length;
    await first.kill();
    current = await startNatsServer({ port: first.port, storeDir: first.storeDir, removeStoreOnStop: true });
    await sleep(500);
    writing = false;
    await Promise.all(writers);
    expect(beforeKill).toBeGreaterThan(0);
    expect(acked.length).toBeGreaterThan(beforeKill);

    for (const partition of [0, 1]) {
      const stored = await readAll(log, partition, 0, 5_000);
      const expected = acked.filter((entry) => entry.partition === partition);
      // Every acknowledged record is there exactly once, at the offset its append returned.
      expect(texts(stored)).toEqual(expected.flatMap((entry) => entry.values));
      expect(stored.map((r) => r.offset)).toEqual(expected.flatMap((entry) => entry.offsets));
    }
    const ends = await log.endOffsets();
    expect(ends[0]).toBeGreaterThan(acked.filter((e) => e.partition === 0).at(-1)!.offsets.at(-1)!);
  });
});
