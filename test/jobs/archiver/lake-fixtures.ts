// Fixtures for the archiver tests: clicks with known ids and event times, and the lake read back
// with DuckDB (every raw file, its folder and kind), to compare with what went into the log.
import { readdirSync, type Dirent } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { encodeClick, sampleClickEvent, type ClickEvent } from '../../../src/events/index.js';

/** A click with id `c<seed>` at `eventTimeMs`. */
export function click(seed: number, eventTimeMs: number, overrides: Partial<ClickEvent> = {}): Uint8Array {
  return encodeClick(sampleClickEvent(seed, { id: `c${seed}`, eventTimeMs, ingestTimeMs: eventTimeMs + 5, ...overrides }));
}

export interface LakeRow {
  id: string;
  partition: number;
  offset: number;
  eventTimeMs: number;
  /** `raw/date=…/hour=…/part-…parquet`, relative to the lake folder. */
  file: string;
}

/** Every row of every raw file in the lake, in (file, offset) order. */
export async function readLake(lakeDir: string): Promise<LakeRow[]> {
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  try {
    const glob = join(lakeDir, 'raw', '*', '*', '*.parquet').replaceAll("'", "''");
    const result = await connection.runAndReadAll(
      `SELECT id, log_partition, log_offset, event_time_ms, filename FROM read_parquet('${glob}', filename = true) ORDER BY filename, log_offset`,
    );
    return result.getRows().map(([id, partition, offset, eventTimeMs, filename]) => ({
      id: String(id),
      partition: Number(partition),
      offset: Number(offset),
      eventTimeMs: Number(eventTimeMs),
      file: String(filename).slice(lakeDir.length + 1),
    }));
  } catch (error) {
    if (error instanceof Error && /No files found/.test(error.message)) return [];
    throw error;
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

/** Every file name under `dir`, recursively, relative to it, sorted. */
export function listTree(dir: string): string[] {
  return (readdirSync(dir, { recursive: true, withFileTypes: true }) as Dirent[])
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name).slice(dir.length + 1))
    .sort();
}
