// Proves lake files are deterministic and faithful: the same clicks, appended in any order and
// written with any number of DuckDB threads, directly or through the writer thread, make
// byte-identical files with the same SHA-256; every field reads back exactly as decoded from the
// log (quotes, commas, line breaks, NUL and non-ASCII text included); a row count that does not
// match fails the write and leaves no file.
import { readFileSync, readdirSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clickEventLine, createCsvSpool, createLakeWriter, loadSql, renderSql, sqlString, writeParquetFile, type LakeError } from '../../src/batch/index.js';
import { decodeClick, encodeClick, sampleClickEvent, type ClickEvent } from '../../src/events/index.js';
import { makeTempDir, type TempDir } from '../helpers/temp-dir.js';

const rows = 30_000;
const oddTexts = ['a"b', 'x,y', 'line\nbreak', 'cr\rlf\r\n', 'nul\u0000byte', 'emoji 🎉 ünï', '', '""', '\\', '\u2028', 'tab\there'];
const rawFromCsv = loadSql(new URL('../../src/batch/parquet-writer.ts', import.meta.url).href, 'raw-from-csv.sql');

function clicks(): ClickEvent[] {
  return Array.from({ length: rows }, (_, index) => {
    const odd = index % 37 === 0 ? { userAgent: oddTexts[index % oddTexts.length]!, referrer: oddTexts[(index + 4) % oddTexts.length]!, browser: oddTexts[(index + 7) % oddTexts.length]! } : {};
    // Many clicks share a millisecond, so the order leans on the id and the offset too.
    return decodeClick(encodeClick(sampleClickEvent(index, { eventTimeMs: Date.UTC(2026, 0, 1, 5) + Math.floor(index / 7), ...odd })));
  });
}

/** Spools `order` of `events` (offset = index) to `path`. */
function spool(path: string, events: readonly ClickEvent[], order: readonly number[]): string {
  const csv = createCsvSpool(path, 1024 * 1024);
  for (const index of order) csv.append(clickEventLine(events[index]!, index % 3, index));
  csv.finish();
  return path;
}

async function connect(threads: number): Promise<DuckDBConnection> {
  return (await DuckDBInstance.create(':memory:', { threads: String(threads) })).connect();
}

function sha256(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

describe('deterministic lake files', () => {
  let temp: TempDir;
  let events: ClickEvent[];
  let ascending: number[];
  let shuffled: number[];

  beforeAll(async () => {
    temp = await makeTempDir('clickflow-parquet-');
    events = clicks();
    ascending = events.map((_, index) => index);
    // Offsets must rise within a spool, so "any order" is any split: odd offsets, then even ones, in two spools.
    shuffled = [...ascending.filter((index) => index % 2 === 1), ...ascending.filter((index) => index % 2 === 0)];
  });
  afterAll(async () => temp.remove());

  it('writes the same bytes and hash for the same clicks, whatever the thread count or the order they were spooled in', async () => {
    const hashes = new Set<string>();
    for (const threads of [1, 4]) {
      const connection = await connect(threads);
      const csv = spool(join(temp.path, `in-${threads}.csv`), events, ascending);
      const file = await writeParquetFile(connection, renderSql(rawFromCsv, { csv: sqlString(csv) }), join(temp.path, `t${threads}.parquet`), { rowGroupRows: 8_192 });
      expect(file).toMatchObject({ rows, sha256: sha256(file.path) });
      hashes.add(file.sha256);
    }
    const connection = await connect(2);
    const odd = spool(join(temp.path, 'odd.csv'), events, shuffled.slice(0, rows / 2));
    const even = spool(join(temp.path, 'even.csv'), events, shuffled.slice(rows / 2));
    const union = `SELECT * FROM (${renderSql(rawFromCsv, { csv: sqlString(odd) })}\n) UNION ALL SELECT * FROM (${renderSql(rawFromCsv, { csv: sqlString(even) })}\n) ORDER BY event_time_ms, id, log_partition, log_offset`;
    hashes.add((await writeParquetFile(connection, union, join(temp.path, 'split.parquet'), { rowGroupRows: 8_192 })).sha256);
    expect(hashes.size).toBe(1);
  });

  it('writes the same file through the writer thread, and reads every field back as decoded', async () => {
    const direct = await writeParquetFile(await connect(1), renderSql(rawFromCsv, { csv: sqlString(spool(join(temp.path, 'direct.csv'), events, ascending)) }), join(temp.path, 'direct.parquet'));
    const writer = createLakeWriter({ tempDirectory: join(temp.path, 'duckdb'), duckdbThreads: 2, duckdbMemoryMib: 256, writesInFlightMax: 2 });
    try {
      writer.submit({ csvPath: spool(join(temp.path, 'thread.csv'), events, ascending), path: join(temp.path, 'thread.parquet'), rows });
      const [written] = writer.drain();
      expect(written?.file).toMatchObject({ rows, bytes: direct.bytes, sha256: direct.sha256 });
    } finally {
      await writer.close();
    }
    expect(readdirSync(temp.path).filter((name) => name === 'thread.csv')).toEqual([]);
    const connection = await connect(1);
    const result = await connection.runAndReadAll(`SELECT * FROM read_parquet(${sqlString(join(temp.path, 'thread.parquet'))}) ORDER BY log_offset`);
    const read = result.getRowObjectsJS();
    expect(read).toHaveLength(rows);
    read.forEach((row, index) => {
      const event = events[index]!;
      const expected = {
        event_time_ms: BigInt(event.eventTimeMs), ingest_time_ms: BigInt(event.ingestTimeMs), id: event.id, link_id: event.linkId, slug: event.slug,
        user_id: event.userId, account_id: event.accountId, ip: event.ip, user_agent: event.userAgent, referrer: event.referrer, country: event.country,
        device: event.device, browser: event.browser, os: event.os, bot: event.bot, head: event.head, source: event.source, log_partition: index % 3, log_offset: BigInt(index),
      };
      if (JSON.stringify(row, (_, value: unknown) => (typeof value === 'bigint' ? String(value) : value)) !== JSON.stringify(expected, (_, value: unknown) => (typeof value === 'bigint' ? String(value) : value))) {
        expect(row).toEqual(expected);
      }
    });
  });

  it('fails a write whose rows do not match the count expected, leaving no file', async () => {
    const connection = await connect(1);
    const csv = spool(join(temp.path, 'short.csv'), events.slice(0, 10), ascending.slice(0, 10));
    const failure = await writeParquetFile(connection, renderSql(rawFromCsv, { csv: sqlString(csv) }), join(temp.path, 'short.parquet'), { expectRows: 11 }).catch((error: unknown) => error as LakeError);
    expect(failure).toMatchObject({ name: 'LakeError', code: 'write_failed', retryable: true });
    expect(readdirSync(temp.path).filter((name) => name.includes('short.parquet'))).toEqual([]);
  });
});
