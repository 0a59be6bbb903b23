// The archiver, log to committed Parquet: a stream worker reads a pre-filled segmented log of
// real encoded clicks (4 partitions, two hours of event time), decodes every field, spools CSV per
// hour and partition, and writes the lake files with DuckDB on its writer thread, committing its
// checkpoints to SQLite; timed from start until the last checkpoint (all files written, renamed,
// committed). CPU time per event counts every thread of the process (DuckDB's too), which on this
// shared machine predicts throughput better than the wall clock. Then how rows get into DuckDB:
// the appender row by row, data chunks, a CSV spool of decoded clicks, and the CSV spool written
// straight from the records, which the lake uses; each read by one COPY to Parquet.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBDataChunkWriter, DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { createSilentLogger, createSystemClock, limits } from '../src/core/index.js';
import { ClickRecordLine, clickEventLine, clickSpanSlots, createCsvSpool, loadSql, parquetCopyOptions, readClickSpans, renderSql, sqlString } from '../src/batch/index.js';
import { decodeClick, encodeClick, sampleClickEvent, type ClickEvent } from '../src/events/index.js';
import { archiverWorkerOptions, createArchiverJob } from '../src/jobs/archiver/index.js';
import { createSegmentedLog } from '../src/log/index.js';
import { createSqliteStore } from '../src/store/index.js';
import { runStreamWorker } from '../src/stream/index.js';
import type { BenchContext, Benchmark, Measurement } from './harness.js';

const partitions = 4;
const lakeMethod = 'csv spool straight from the records + COPY (the lake)';
const rawFromCsv = loadSql(new URL('../src/batch/parquet-writer.ts', import.meta.url).href, 'raw-from-csv.sql');

function makeClicks(count: number, startMs: number): Uint8Array[][] {
  const distinct = Array.from({ length: 10_000 }, (_, index) => sampleClickEvent(index));
  const byPartition: Uint8Array[][] = Array.from({ length: partitions }, () => []);
  for (let index = 0; index < count; index++) {
    const eventTimeMs = startMs + Math.floor((index * 2 * 3_600_000) / count);
    byPartition[index % partitions]!.push(encodeClick({ ...distinct[index % distinct.length]!, id: `c${index}`, eventTimeMs, ingestTimeMs: eventTimeMs + 3 }));
  }
  return byPartition;
}

interface ArchiverRun {
  rate: number;
  cpuNsPerEvent: number;
  files: number;
}

async function archiveOnce(count: number, checkpointIntervalMs: number): Promise<ArchiverRun> {
  const folder = await mkdtemp(join(tmpdir(), 'clickflow-bench-archiver-'));
  const clock = createSystemClock();
  const logger = createSilentLogger();
  try {
    const log = await createSegmentedLog({ clock, logger }, { dir: join(folder, 'log'), partitions });
    for (const [partition, records] of makeClicks(count, clock.nowMs() - 3 * 3_600_000).entries()) {
      for (let start = 0; start < records.length; start += 10_000) await log.append(partition, records.slice(start, start + 10_000));
    }
    const store = createSqliteStore({ clock, logger }, { path: join(folder, 'store.sqlite') });
    const job = createArchiverJob({ lakeDir: join(folder, 'lake') });
    const cpuBefore = process.cpuUsage();
    const began = performance.now();
    const worker = runStreamWorker({ log, checkpoints: store.streamCheckpoints, clock, logger, job }, { ...archiverWorkerOptions, checkpointIntervalMs, partitions: [0, 1, 2, 3] });
    await worker.started;
    while ((worker.metrics()?.eventsProcessed ?? 0) < count) await clock.sleep(5);
    await worker.stop();
    const seconds = (performance.now() - began) / 1000;
    const cpu = process.cpuUsage(cpuBefore);
    const files = (await store.views.list('lake_files', { limit: limits.storeListMax })).items.length;
    await log.close();
    await store.close();
    return { rate: count / seconds, cpuNsPerEvent: ((cpu.user + cpu.system) * 1000) / count, files };
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
}

async function benchArchiver(ctx: BenchContext, count: number, checkpointIntervalMs: number): Promise<Measurement> {
  const cpu: number[] = [];
  const measurement = await ctx.measure(`archiver, log → committed Parquet (checkpoint every ${checkpointIntervalMs / 1000} s)`, 'events/s', 'higher', async () => {
    const run = await archiveOnce(count, checkpointIntervalMs);
    cpu.push(run.cpuNsPerEvent);
    ctx.progress(`${run.files} files, ${Math.round(run.cpuNsPerEvent)} ns CPU per event`);
    return run.rate;
  });
  ctx.record({ case: `archiver CPU per event, all threads (checkpoint every ${checkpointIntervalMs / 1000} s)`, unit: 'ns', runs: cpu, better: 'lower' });
  return measurement;
}

const stagingColumns = `event_time_ms DOUBLE, ingest_time_ms DOUBLE, id VARCHAR, link_id VARCHAR, slug VARCHAR, user_id VARCHAR, account_id VARCHAR, ip VARCHAR,
  user_agent VARCHAR, referrer VARCHAR, country VARCHAR, device VARCHAR, browser VARCHAR, os VARCHAR, bot BOOLEAN, head BOOLEAN, source VARCHAR,
  log_partition INTEGER, log_offset DOUBLE`;
const fromStaging = `SELECT CAST(event_time_ms AS BIGINT) AS event_time_ms, CAST(ingest_time_ms AS BIGINT) AS ingest_time_ms, id, link_id, slug, user_id,
  account_id, ip, user_agent, referrer, country, device, browser, os, bot, head, source, log_partition, CAST(log_offset AS BIGINT) AS log_offset
  FROM staging ORDER BY event_time_ms, id, log_partition, log_offset`;

function row(event: ClickEvent, offset: number): (string | number | boolean)[] {
  return [event.eventTimeMs, event.ingestTimeMs, event.id, event.linkId, event.slug, event.userId, event.accountId, event.ip, event.userAgent, event.referrer,
    event.country, event.device, event.browser, event.os, event.bot, event.head, event.source, 0, offset];
}

/** Decodes `records` and writes them as one Parquet file by `method`; returns CPU ns per event (all threads) and events/s. */
async function ingestOnce(connection: DuckDBConnection, folder: string, records: readonly Uint8Array[], method: string): Promise<{ cpuNs: number; rate: number }> {
  const target = sqlString(join(folder, `${method}.parquet`));
  const cpuBefore = process.cpuUsage();
  const began = performance.now();
  if (method.startsWith('csv spool')) {
    const spool = createCsvSpool(join(folder, 'spool.csv'), limits.archiverSpoolBufferBytes);
    if (method === lakeMethod) {
      const spans = new Int32Array(clickSpanSlots);
      const line = new ClickRecordLine();
      records.forEach((record, offset) => {
        const times = readClickSpans(record, spans, 0);
        spool.append(line.set(record, spans, 0, times.eventTimeMs, times.ingestTimeMs, 0, offset));
      });
    } else {
      records.forEach((record, offset) => spool.append(clickEventLine(decodeClick(record), 0, offset)));
    }
    spool.finish();
    await connection.run(`COPY (${renderSql(rawFromCsv, { csv: sqlString(spool.path) })}) TO ${target} ${parquetCopyOptions()}`);
  } else {
    await connection.run(`CREATE OR REPLACE TABLE staging (${stagingColumns})`);
    const appender = await connection.createAppender('staging');
    if (method === 'appender, row by row') {
      records.forEach((record, offset) => {
        for (const value of row(decodeClick(record), offset)) {
          if (typeof value === 'string') appender.appendVarchar(value);
          else if (typeof value === 'boolean') appender.appendBoolean(value);
          else appender.appendDouble(value);
        }
        appender.endRow();
      });
    } else {
      const writer = DuckDBDataChunkWriter.forAppender(appender);
      records.forEach((record, offset) => writer.appendRow(row(decodeClick(record), offset)));
      writer.flush();
    }
    appender.closeSync();
    await connection.run(`COPY (${fromStaging}) TO ${target} ${parquetCopyOptions()}`);
  }
  const rate = records.length / ((performance.now() - began) / 1000);
  const cpu = process.cpuUsage(cpuBefore);
  return { cpuNs: ((cpu.user + cpu.system) * 1000) / records.length, rate };
}

async function benchIngestion(ctx: BenchContext, count: number): Promise<Map<string, Measurement>> {
  const folder = await mkdtemp(join(tmpdir(), 'clickflow-bench-ingest-'));
  const records = makeClicks(count, Date.UTC(2026, 0, 1)).flat();
  const connection = await (await DuckDBInstance.create(':memory:', { threads: String(limits.archiverDuckdbThreadsDefault) })).connect();
  const results = new Map<string, Measurement>();
  try {
    for (const method of ['appender, row by row', 'data chunks (DuckDBDataChunkWriter)', 'csv spool from decoded clicks + COPY', lakeMethod]) {
      const rates: number[] = [];
      results.set(
        method,
        await ctx.measure(`decoded clicks → one Parquet file, CPU per event: ${method}`, 'ns', 'lower', async () => {
          const run = await ingestOnce(connection, folder, records, method);
          rates.push(run.rate);
          return run.cpuNs;
        }),
      );
      ctx.record({ case: `decoded clicks → one Parquet file, wall: ${method}`, unit: 'events/s', runs: rates, better: 'higher' });
    }
    return results;
  } finally {
    connection.closeSync();
    await rm(folder, { recursive: true, force: true });
  }
}

const benchmark: Benchmark = {
  name: 'archiver',
  description: 'archiver: log to committed Parquet files, and ways of getting rows into DuckDB',
  async run(ctx) {
    const count = Math.round(2_000_000 * ctx.scale);
    ctx.progress(`${count} clicks over ${partitions} partitions`);
    const archiver = await benchArchiver(ctx, count, archiverWorkerOptions.checkpointIntervalMs!);
    await benchArchiver(ctx, count, 2_000);
    const ingestion = await benchIngestion(ctx, Math.round(200_000 * ctx.scale));
    const lake = ingestion.get(lakeMethod)!;
    ctx.ratio('CPU per event: appender / the lake (csv from records)', ingestion.get('appender, row by row')!, lake);
    ctx.ratio('CPU per event: data chunks / the lake', ingestion.get('data chunks (DuckDBDataChunkWriter)')!, lake);
    ctx.ratio('CPU per event: csv from decoded clicks / the lake', ingestion.get('csv spool from decoded clicks + COPY')!, lake);
    ctx.target('archiver >= 200,000 events/s, log to committed Parquet', archiver.median >= 200_000, `${Math.round(archiver.median)} events/s`);
  },
};

export default benchmark;
