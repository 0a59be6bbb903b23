// A lake built by hand for the rollup tests and benchmark: raw Parquet files written with the lake's
// own writer (`writeParquetFile`, the archiver's order and options), recorded in the store as the
// sealer would (`lakeSeals.addFiles` then `seal`), so the rollups read exactly what they read in
// production. Late files recorded for a sealed hour re-open it (version 2, ...).
import { mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { rawHourPath, lakeFileName, rawColumns, writeParquetFile } from '../../../src/batch/index.js';
import type { LakeFileInput, LakeSeal, Store } from '../../../src/store/index.js';

export const hourMs = 3_600_000;

/** One raw click as the tests describe it; the rest of the raw row gets plain defaults. */
export interface RawClick {
  id: string;
  eventTimeMs: number;
  linkId: string;
  userId: string;
  accountId: string;
  ip: string;
  referrer?: string;
  country?: string;
  device?: string;
  bot?: boolean;
  /** The log partition it was appended to. */
  partition: number;
}

function literal(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

/** A SELECT of the raw schema over `clicks`, offsets from `firstOffset` in array order. */
export function rawRowsSql(clicks: readonly RawClick[], firstOffset: number): string {
  const rows = clicks.map((click, index) =>
    [
      click.eventTimeMs,
      click.eventTimeMs + 30,
      literal(click.id),
      literal(click.linkId),
      literal(`s-${click.linkId}`),
      literal(click.userId),
      literal(click.accountId),
      literal(click.ip),
      literal('Mozilla/5.0'),
      literal(click.referrer ?? ''),
      literal(click.country ?? ''),
      literal(click.device ?? 'desktop'),
      literal('Firefox'),
      literal('Linux'),
      click.bot === true ? 'true' : 'false',
      'false',
      literal('redirect'),
      click.partition,
      firstOffset + index,
    ].join(', '),
  );
  const columns = rawColumns.map(([name, type]) => `CAST(${name} AS ${type}) AS ${name}`).join(', ');
  const names = rawColumns.map(([name]) => name).join(', ');
  return `SELECT ${columns} FROM (VALUES (${rows.join('), (')})) AS raw(${names})`;
}

/**
 * Writes one lake file of `sourceSql` (raw schema rows of one partition and hour) and returns its
 * manifest entry. The file name follows the archiver's, from the rows' offsets.
 */
export async function writeLakeFile(connection: DuckDBConnection, lakeDir: string, hourStartMs: number, kind: 'part' | 'late', sourceSql: string): Promise<LakeFileInput> {
  const summary = await connection.runAndReadAll(
    `SELECT min(log_partition), max(log_partition), min(log_offset)::DOUBLE, max(log_offset)::DOUBLE, count(*)::DOUBLE, min(event_time_ms)::DOUBLE, max(event_time_ms)::DOUBLE FROM (${sourceSql})`,
  );
  const [partition, lastPartition, firstOffset, lastOffset, rows, minTime, maxTime] = summary.getRows()[0]!.map(Number) as number[];
  if (partition !== lastPartition) throw new Error('a lake file holds clicks of one partition');
  if (minTime! < hourStartMs || maxTime! >= hourStartMs + hourMs) throw new Error('a lake file holds clicks of one hour');
  const path = `${rawHourPath(hourStartMs)}/${lakeFileName({ kind, partition: partition!, firstOffset: firstOffset!, lastOffset: lastOffset! })}`;
  const absolute = join(lakeDir, path);
  await mkdir(dirname(absolute), { recursive: true });
  const written = await writeParquetFile(connection, `SELECT * FROM (${sourceSql}) ORDER BY event_time_ms, id, log_partition, log_offset`, absolute);
  return { path, hourStartMs, kind, partition: partition!, firstOffset: firstOffset!, lastOffset: lastOffset!, rows: rows!, bytes: written.bytes, sha256: written.sha256, minEventTimeMs: minTime!, maxEventTimeMs: maxTime! };
}

/** Groups clicks by (hour, partition) and writes one file each; returns the manifest entries. */
export async function writeClicks(connection: DuckDBConnection, lakeDir: string, clicks: readonly RawClick[], kind: 'part' | 'late' = 'part', firstOffset = 0): Promise<LakeFileInput[]> {
  const groups = new Map<string, RawClick[]>();
  for (const click of clicks) {
    const key = `${click.eventTimeMs - (click.eventTimeMs % hourMs)} ${click.partition}`;
    groups.set(key, [...(groups.get(key) ?? []), click]);
  }
  const files: LakeFileInput[] = [];
  let offset = firstOffset;
  for (const [key, group] of [...groups].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const hourStartMs = Number(key.split(' ')[0]);
    files.push(await writeLakeFile(connection, lakeDir, hourStartMs, kind, rawRowsSql(group, offset)));
    offset += group.length;
  }
  return files;
}

/** Records files and seals every hour of [fromMs, toMs) (empty ones too), as the sealer does. */
export async function recordAndSeal(store: Store, files: readonly LakeFileInput[], fromMs: number, toMs: number): Promise<void> {
  if (files.length > 0) await store.lakeSeals.addFiles(files, null, toMs);
  for (let hour = fromMs; hour < toMs; hour += hourMs) {
    await store.lakeSeals.seal({ hourStartMs: hour, watermarkMs: toMs + 5 * 60_000, frontierMs: hour + hourMs });
  }
}

/** Records late files of sealed hours: each hour's version goes up by one. */
export async function recordLate(store: Store, files: readonly LakeFileInput[]): Promise<LakeSeal[]> {
  const { reopened } = await store.lakeSeals.addFiles(files, null, Math.max(...files.map((file) => file.hourStartMs)) + 2 * hourMs);
  return reopened;
}
