// Proves what the JetStream log adds to the contract: a clear error for a stream of another
// partition count, byte counts that match the server's, retention that fails a reader it passed
// but not one that was caught up, records as large as the server allows, and several readers of
// one partition each continuing where they stopped.
import { connect } from 'nats';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createSilentLogger, createSystemClock } from '../../src/core/index.js';
import { createNatsLog, type EventLog, type NatsLogOptions } from '../../src/log/index.js';
import { startNatsServer, type NatsServer } from '../helpers/nats-server.js';

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const records = (prefix: string, count: number, padBytes = 0) =>
  Array.from({ length: count }, (_, i) => encoder.encode(`${prefix}-${i}${'x'.repeat(padBytes)}`));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let server: NatsServer;
let cases = 0;
const logs: EventLog[] = [];

beforeAll(async () => {
  server = await startNatsServer();
});
afterAll(async () => {
  await server?.stop();
});
afterEach(async () => {
  for (const log of logs.splice(0)) await log.close().catch(() => undefined);
});

/** A fresh stream, subjects and bucket per call of `names()`. */
function names() {
  const id = ++cases;
  return { stream: `behaviour-${id}`, subjectPrefix: `behaviour${id}.events`, offsetsBucket: `behaviour-${id}-offsets` };
}

async function open(options: NatsLogOptions, url = server.url): Promise<EventLog> {
  const log = await createNatsLog({ clock: createSystemClock(), logger: createSilentLogger() }, { servers: url, ...options });
  logs.push(log);
  return log;
}

async function streamState(stream: string) {
  const nc = await connect({ servers: server.url });
  try {
    return (await (await nc.jetstreamManager()).streams.info(stream)).state;
  } finally {
    await nc.close();
  }
}

async function purge(stream: string, subject: string): Promise<void> {
  const nc = await connect({ servers: server.url });
  try {
    await (await nc.jetstreamManager()).streams.purge(stream, { filter: subject });
  } finally {
    await nc.close();
  }
}

describe('NATS JetStream log', () => {
  it('refuses to open a stream with another partition count, naming both', async () => {
    const where = names();
    await (await open({ ...where, partitions: 4 })).close();
    const failure = open({ ...where, partitions: 8 });
    await expect(failure).rejects.toThrow(/has 4 partitions but the options say 8/);
    await expect(failure).rejects.toMatchObject({ domain: 'user', code: 'log_partitions_mismatch' });
  });

  it('counts records and stored bytes per partition as the server does', async () => {
    const where = names();
    const log = await open({ ...where, partitions: 3, messageBytesMax: 2 * 1024 });
    await log.append(0, records('a', 100, 50));
    await log.append(2, records('c', 7));
    await log.append(0, records('b', 1), { idempotencyKey: 'one' });
    const stats = await log.stats();
    expect(stats.map((s) => s.records)).toEqual([101, 0, 7]);
    const state = await streamState(where.stream);
    expect(stats.reduce((sum, s) => sum + s.bytes, 0)).toBe(state.bytes);
    expect(stats[1]!.bytes).toBe(0);
    // A second process sees the same counts, from the first one's snapshot and its own scan.
    const other = await open({ ...where, partitions: 3 });
    expect(await other.stats()).toEqual(stats);
    await other.append(1, records('d', 3));
    // Data removed behind the log's back (here an operator's purge) is noticed, and recounted.
    await purge(where.stream, `${where.subjectPrefix}.p.2`);
    for (const process of [log, other, await open({ ...where, partitions: 3 })]) {
      const recounted = await process.stats();
      expect(recounted.map((s) => s.records)).toEqual([101, 3, 0]);
      expect(recounted.reduce((sum, s) => sum + s.bytes, 0)).toBe((await streamState(where.stream)).bytes);
    }
  });

  it('fails a reader that retention passed, but not a caught-up reader of a quiet partition', async () => {
    const log = await open({ ...names(), partitions: 2, retentionMs: 500 });
    const quiet = await log.append(1, records('quiet', 3));
    const quietEnd = (await log.read(1, 0, { maxRecords: 10 })).nextOffset;
    expect(quietEnd).toBeGreaterThan(quiet.offsets[2]!);
    await log.append(0, records('old0', 10));
    await log.append(0, records('old1', 10));
    let position = 0;
    for (let batch = await log.read(0, 0); batch.records.length > 0; batch = await log.read(0, position)) position = batch.nextOffset;
    for (let i = 2; i < 5; i++) await log.append(0, records(`old${i}`, 10));
    await sleep(600);
    for (let i = 0; i < 5; i++) await log.append(0, records(`new${i}`, 10));
    // Age retention removes every old message: partition 0's reader had not read three of them,
    // partition 1's reader had read all of its partition.
    expect(await log.applyRetention()).toEqual({ removedUnits: 6, removedRecords: 53, removedBytes: expect.any(Number) });
    await expect(log.read(0, position)).rejects.toThrow(/removed by retention/);
    const start = (await log.startOffsets())[0]!;
    expect(decoder.decode((await log.read(0, start)).records[0]!.value)).toBe('new0-0');
    expect((await log.read(1, quietEnd)).records).toEqual([]);
    expect((await log.endOffsets())[1]).toBe(quietEnd);
    await log.append(1, records('later', 1));
    expect((await log.read(1, quietEnd)).records.map((r) => decoder.decode(r.value))).toEqual(['later-0']);
    expect((await log.stats()).map((s) => s.records)).toEqual([50, 1]);
  });

  it('stores a record as large as the contract allows when the server takes it, and says why when not', async () => {
    const roomy = await startNatsServer({ maxPayloadBytes: 2 * 1024 * 1024 });
    try {
      const large = new Uint8Array(1024 * 1024).fill(7);
      const log = await open({ ...names(), partitions: 1 }, roomy.url);
      const result = await log.append(0, [encoder.encode('small'), large]);
      const back = await log.read(0, result.offsets[1]!);
      // Compared as one buffer: a deep equality over a million elements takes seconds.
      expect(Buffer.compare(back.records[0]!.value, large)).toBe(0);
      await log.close();
      const strict = await open({ ...names(), partitions: 1 });
      await expect(strict.append(0, [large])).rejects.toThrow(/raise the server's max_payload/);
    } finally {
      await roomy.stop();
    }
  });

  it('keeps a cursor per reader, so readers at different offsets of a partition each continue', async () => {
    const log = await open({ ...names(), partitions: 1, messageBytesMax: 1024 });
    const appended = await log.append(0, records('r', 2_000));
    const readers = [0, 500, 1_500].map((start) => ({ next: appended.offsets[start]!, seen: [] as string[] }));
    for (let round = 0; round < 40; round++) {
      await Promise.all(
        readers.map(async (reader) => {
          const batch = await log.read(0, reader.next, { maxRecords: 17 });
          reader.seen.push(...batch.records.map((r) => decoder.decode(r.value)));
          reader.next = batch.nextOffset;
        }),
      );
    }
    const expected = records('r', 2_000).map((r) => decoder.decode(r));
    expect(readers.map((reader) => reader.seen)).toEqual([expected.slice(0, 680), expected.slice(500, 1_180), expected.slice(1_500, 2_000)]);
  });

  it('long-polls: a read at the end waits for an append, and answers empty when the wait ends', async () => {
    const log = await open({ ...names(), partitions: 1 });
    const end = (await log.endOffsets())[0]!;
    const started = Date.now();
    const empty = await log.read(0, end, { waitMs: 300 });
    expect(empty.records).toEqual([]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(280);
    const waiting = log.read(0, end, { waitMs: 5_000 });
    await sleep(100);
    await log.append(0, records('w', 1));
    expect((await waiting).records.map((r) => decoder.decode(r.value))).toEqual(['w-0']);
  });

  it('refuses an offset past the end, and ends a long poll when the log closes', async () => {
    const log = await open({ ...names(), partitions: 1 });
    const appended = await log.append(0, records('e', 2));
    const end = (await log.endOffsets())[0]!;
    await expect(log.read(0, end + 65_536)).rejects.toThrow(/past the end of partition 0/);
    expect((await log.read(0, appended.offsets[1]!)).records).toHaveLength(1);
    const waiting = log.read(0, end, { waitMs: 10_000 });
    await sleep(100);
    const started = Date.now();
    await log.close();
    expect((await waiting).records).toEqual([]);
    expect(Date.now() - started).toBeLessThan(2_000);
    await expect(log.read(0, end)).rejects.toThrow(/closed/);
  });
});
