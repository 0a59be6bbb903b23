// The event log, side by side in one run: the segmented log (group commit, fsync before ack),
// SQLite through better-sqlite3 (WAL, synchronous=FULL, batched transactions: the usual embedded
// alternative, equally durable), the JetStream backend (records packed into messages), and the raw
// `nats` client publishing one record per message (what a naive JetStream producer does).
// Records are real encoded clicks (about 200 bytes: a browser user agent alone is 70-140).
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { connect, headers as natsHeaders } from 'nats';
import { createSilentLogger, createSystemClock } from '../src/core/index.js';
import { encodeClick, sampleClickEvent } from '../src/events/index.js';
import { createNatsLog, createSegmentedLog, type EventLog } from '../src/log/index.js';
import { startNatsServer, type NatsServer } from '../test/helpers/nats-server.js';
import type { BenchContext, Benchmark } from './harness.js';

const partitions = 8;
const batchRecords = 1_000;
const appenders = 16;

function makeRecords(count: number): Uint8Array[] {
  const distinct = Array.from({ length: 1_000 }, (_, i) => encodeClick(sampleClickEvent(i)));
  return Array.from({ length: count }, (_, i) => distinct[i % distinct.length]!);
}

/** Appends `records` in batches from several concurrent appenders; returns records/s. */
async function appendAll(log: EventLog, records: readonly Uint8Array[]): Promise<number> {
  const startedMs = performance.now();
  let next = 0;
  const appender = async (id: number): Promise<void> => {
    for (;;) {
      const start = next;
      if (start >= records.length) return;
      next += batchRecords;
      await log.append((id + start / batchRecords) % partitions, records.slice(start, start + batchRecords));
    }
  };
  await Promise.all(Array.from({ length: appenders }, (_, id) => appender(id)));
  return records.length / ((performance.now() - startedMs) / 1000);
}

/** Reads every partition from its start to its end; returns records/s. */
async function readAll(log: EventLog, expected: number): Promise<number> {
  const startedMs = performance.now();
  const starts = await log.startOffsets();
  const ends = await log.endOffsets();
  let total = 0;
  await Promise.all(
    starts.map(async (start, partition) => {
      for (let offset = start; offset < ends[partition]!; ) {
        const batch = await log.read(partition, offset, { maxRecords: 10_000 });
        total += batch.records.length;
        offset = batch.nextOffset;
      }
    }),
  );
  if (total !== expected) throw new Error(`read ${total} records, expected ${expected}`);
  return total / ((performance.now() - startedMs) / 1000);
}

async function benchSegmented(ctx: BenchContext, records: Uint8Array[]) {
  const reads: number[] = [];
  const appendMeasure = await ctx.measure('segmented log append (group commit, fsync every 5 ms)', 'events/s', 'higher', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'bench-segmented-'));
    const log = await createSegmentedLog({ clock: createSystemClock(), logger: createSilentLogger() }, { dir, partitions, groupCommitIntervalMs: 5 });
    try {
      const rate = await appendAll(log, records);
      reads.push(await readAll(log, records.length));
      return rate;
    } finally {
      await log.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
  return { append: appendMeasure, read: ctx.record({ case: 'segmented log read', unit: 'events/s', runs: reads, better: 'higher' }) };
}

/**
 * SQLite with `synchronous`: FULL fsyncs every commit (as durable as the segmented log's ack);
 * NORMAL is the common WAL setting, which fsyncs only at checkpoints (a power loss can lose commits).
 */
async function benchSqlite(ctx: BenchContext, records: Uint8Array[], synchronous: 'FULL' | 'NORMAL') {
  const reads: number[] = [];
  const append = await ctx.measure(`SQLite append (WAL, synchronous=${synchronous}, 1,000 rows per transaction)`, 'events/s', 'higher', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'bench-sqlite-'));
    const db = new Database(path.join(dir, 'log.sqlite'));
    try {
      db.pragma('journal_mode = WAL');
      db.pragma(`synchronous = ${synchronous}`);
      db.exec('CREATE TABLE events (partition INTEGER NOT NULL, offset INTEGER NOT NULL, value BLOB NOT NULL, PRIMARY KEY (partition, offset)) WITHOUT ROWID');
      const insert = db.prepare('INSERT INTO events (partition, offset, value) VALUES (?, ?, ?)');
      const nextOffset = new Array<number>(partitions).fill(0);
      const appendBatch = db.transaction((partition: number, batch: readonly Uint8Array[]) => {
        for (const value of batch) insert.run(partition, nextOffset[partition]!++, value);
      });
      const startedMs = performance.now();
      for (let start = 0; start < records.length; start += batchRecords) {
        appendBatch((start / batchRecords) % partitions, records.slice(start, start + batchRecords));
      }
      const rate = records.length / ((performance.now() - startedMs) / 1000);
      reads.push(readSqlite(db, records.length));
      return rate;
    } finally {
      db.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
  return { append, read: ctx.record({ case: `SQLite read (synchronous=${synchronous})`, unit: 'events/s', runs: reads, better: 'higher' }) };
}

function readSqlite(db: Database.Database, expected: number): number {
  const select = db.prepare('SELECT offset, value FROM events WHERE partition = ? AND offset >= ? ORDER BY offset LIMIT 10000');
  const startedMs = performance.now();
  let total = 0;
  for (let partition = 0; partition < partitions; partition++) {
    for (let offset = 0; ; ) {
      const rows = select.all(partition, offset) as { offset: number; value: Buffer }[];
      if (rows.length === 0) break;
      total += rows.length;
      offset = rows[rows.length - 1]!.offset + 1;
    }
  }
  if (total !== expected) throw new Error(`SQLite read ${total}, expected ${expected}`);
  return total / ((performance.now() - startedMs) / 1000);
}

async function benchJetStream(ctx: BenchContext, server: NatsServer, records: Uint8Array[]) {
  const reads: number[] = [];
  let run = 0;
  const append = await ctx.measure('JetStream backend append (records packed per message)', 'events/s', 'higher', async () => {
    const log = await createNatsLog(
      { clock: createSystemClock(), logger: createSilentLogger() },
      { servers: server.url, partitions, stream: `bench-${run}`, subjectPrefix: `bench.${run}`, offsetsBucket: `bench-offsets-${run}` },
    );
    run++;
    try {
      const rate = await appendAll(log, records);
      reads.push(await readAll(log, records.length));
      return rate;
    } finally {
      await log.close();
    }
  });
  return { append, read: ctx.record({ case: 'JetStream backend read', unit: 'events/s', runs: reads, better: 'higher' }) };
}

async function benchRawNats(ctx: BenchContext, server: NatsServer, records: Uint8Array[]) {
  let run = 0;
  return ctx.measure('raw nats client, one record per message (256 in flight)', 'events/s', 'higher', async () => {
    const connection = await connect({ servers: server.url });
    const manager = await connection.jetstreamManager();
    const stream = `raw-${run++}`;
    await manager.streams.add({ name: stream, subjects: [`${stream}.>`] });
    const js = connection.jetstream();
    try {
      const startedMs = performance.now();
      let next = 0;
      const publisher = async (): Promise<void> => {
        while (next < records.length) {
          const i = next++;
          const h = natsHeaders();
          h.set('Nats-Msg-Id', `${stream}-${i}`);
          await js.publish(`${stream}.p.${i % partitions}`, records[i], { headers: h });
        }
      };
      await Promise.all(Array.from({ length: 256 }, publisher));
      return records.length / ((performance.now() - startedMs) / 1000);
    } finally {
      await connection.drain();
    }
  });
}

const benchmark: Benchmark = {
  name: 'log',
  description: 'event log append and read: segmented vs SQLite, JetStream backend vs raw nats client',
  async run(ctx) {
    const records = makeRecords(Math.round(1_000_000 * ctx.scale));
    ctx.progress(`${records.length} records of ${records[0]!.length} bytes`);
    const segmented = await benchSegmented(ctx, records);
    const sqliteFull = await benchSqlite(ctx, records, 'FULL');
    const sqlite = await benchSqlite(ctx, records, 'NORMAL');
    ctx.ratio('segmented append / SQLite append (FULL, equally durable)', segmented.append, sqliteFull.append);
    ctx.ratio('segmented append / SQLite append (NORMAL)', segmented.append, sqlite.append);
    ctx.ratio('segmented read / SQLite read', segmented.read, sqlite.read);
    ctx.target('segmented append >= 1,000,000 events/s', segmented.append.median >= 1_000_000, `${Math.round(segmented.append.median)} events/s`);
    // Judged against the faster SQLite setting, which does not even fsync each commit.
    ctx.target('segmented append >= 3x SQLite (NORMAL)', segmented.append.median >= 3 * sqlite.append.median, `${(segmented.append.median / sqlite.append.median).toFixed(2)}x`);

    const server = await startNatsServer();
    try {
      const jet = await benchJetStream(ctx, server, records);
      const raw = await benchRawNats(ctx, server, records.slice(0, Math.round(100_000 * ctx.scale)));
      ctx.ratio('JetStream backend append / raw client', jet.append, raw);
      ctx.target('JetStream backend >= 300,000 events/s appended', jet.append.median >= 300_000, `${Math.round(jet.append.median)} events/s`);
      ctx.target('JetStream backend >= 300,000 events/s read back', jet.read.median >= 300_000, `${Math.round(jet.read.median)} events/s`);
      ctx.target('JetStream backend >= 4x raw client', jet.append.median >= 4 * raw.median, `${(jet.append.median / raw.median).toFixed(2)}x`);
    } finally {
      await server.stop();
    }
  },
};

export default benchmark;
