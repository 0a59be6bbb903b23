// Where things are in the lake: raw clicks by event hour (UTC) under Hive-style folders that
// DuckDB, Spark, Trino and ClickHouse read as partitions, and the archiver's private folders beside
// them. Paths are relative to the lake folder (`<dataDir>/lake`) unless a function says otherwise.
import { LakeError } from './errors.js';

export const hourMs = 3_600_000;

/** The lake's folders, relative to the lake folder. */
export const lakeFolders = {
  /** Raw clicks: `raw/date=YYYY-MM-DD/hour=HH/*.parquet`. */
  raw: 'raw',
  /** The archiver's CSV spools and DuckDB scratch, never read by anyone else. */
  spool: '_spool',
  /** The archiver's per-partition journals of hours written since the last checkpoint. */
  journal: '_archiver',
} as const;

/** The start of the UTC hour holding `timeMs`. */
export function hourStartOf(timeMs: number): number {
  return Math.floor(timeMs / hourMs) * hourMs;
}

export function isHourStart(timeMs: number): boolean {
  return Number.isSafeInteger(timeMs) && timeMs >= 0 && timeMs % hourMs === 0;
}

function checkHour(hourStartMs: number): void {
  if (!isHourStart(hourStartMs)) throw new LakeError('invalid', `${hourStartMs} is not the start of a UTC hour (a whole multiple of ${hourMs} ms, at least 0)`);
}

/** `date=2026-01-01/hour=05`: the Hive partition folders of an hour. */
export function hourFolder(hourStartMs: number): string {
  checkHour(hourStartMs);
  const iso = new Date(hourStartMs).toISOString();
  return `date=${iso.slice(0, 10)}/hour=${iso.slice(11, 13)}`;
}

/** `2026-01-01T05`: an hour in logs and late-ledger keys. */
export function hourLabel(hourStartMs: number): string {
  checkHour(hourStartMs);
  return new Date(hourStartMs).toISOString().slice(0, 13);
}

const hourFolderPattern = /^date=(\d{4})-(\d{2})-(\d{2})\/hour=(\d{2})$/;

/** The hour a `date=…/hour=…` folder names, or undefined when it names none. */
export function parseHourFolder(folder: string): number | undefined {
  const match = hourFolderPattern.exec(folder);
  if (match === null) return undefined;
  const [year, month, day, hour] = match.slice(1).map(Number) as [number, number, number, number];
  const timeMs = Date.UTC(year, month - 1, day, hour);
  return hourFolder(timeMs) === folder ? timeMs : undefined;
}

/** `raw/date=…/hour=…`: an hour's folder of raw clicks. */
export function rawHourPath(hourStartMs: number): string {
  return `${lakeFolders.raw}/${hourFolder(hourStartMs)}`;
}
