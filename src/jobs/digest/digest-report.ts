// The digest's numbers: per user, read from the daily rollup's zone-links files of day D and D-1
// and its zone-breakdowns file of D with DuckDB (SQL in digest-users.sql, digest-links.sql and
// digest-top.sql), kept in compact columns (digest-day.ts) from which each user's numbers are made
// when the user's turn comes. Numbers are plain data, so that a report can be stored in the ledger
// and rendered again to the same bytes.
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { loadSql, renderSql, sqlString } from '../../batch/index.js';
import { digestDayColumns, type DigestDay } from './digest-day.js';

export interface DigestLinkNumbers {
  linkId: string;
  /** Unique clicks by class on the day. */
  human: number;
  bot: number;
  suspicious: number;
  /** Distinct IPs among human clicks. */
  visitors: number;
  /** Human clicks the day before. */
  beforeHuman: number;
}

export interface DigestTopEntry {
  value: string;
  clicks: number;
}

/** What one user's digest says (before links get their slugs). */
export interface DigestNumbers {
  accountId: string;
  userId: string;
  /** Every link of the user with clicks on the day or the day before, busiest first. */
  links: DigestLinkNumbers[];
  totals: { human: number; bot: number; suspicious: number; duplicates: number; beforeHuman: number; beforeFlagged: number };
  top: { country: DigestTopEntry[]; referrer: DigestTopEntry[]; device: DigestTopEntry[] };
}

/** The daily rollup's files a digest of day D reads (docs/rollups.md). */
export interface DigestInputFiles {
  /** `zone-links.parquet` of D. */
  today: string;
  /** `zone-breakdowns.parquet` of D. */
  breakdowns: string;
  /** `zone-links.parquet` of D-1. */
  before: string;
}

const usersTemplate = loadSql(import.meta.url, 'digest-users.sql');
const linksTemplate = loadSql(import.meta.url, 'digest-links.sql');
const topTemplate = loadSql(import.meta.url, 'digest-top.sql');

const parquet = (path: string): string => `read_parquet(${sqlString(path)})`;

/** Creates the table `digest_users` that the other two queries read. */
export function digestUsersSql(files: DigestInputFiles): string {
  return renderSql(usersTemplate, { today: parquet(files.today) });
}

export function digestLinksSql(files: DigestInputFiles): string {
  return renderSql(linksTemplate, { today: parquet(files.today), before: parquet(files.before) });
}

export function digestTopSql(files: DigestInputFiles, top: number): string {
  return renderSql(topTemplate, { breakdowns: parquet(files.breakdowns), top });
}

/** A column of one result chunk, read value by value (no array per column). */
interface ChunkColumn<T> {
  getItem(row: number): T | null;
}

/**
 * Runs `sql` and hands each result chunk (up to 2,048 rows) to `visit` as its column vectors:
 * values are read from the vectors in place, with no array per column and no object per row.
 */
async function visitChunks(connection: DuckDBConnection, sql: string, visit: (columns: ChunkColumn<unknown>[], rows: number) => void): Promise<void> {
  const result = await connection.run(sql);
  for (let index = 0; index < result.chunkCount; index++) {
    const chunk = result.getChunk(index);
    const columns: ChunkColumn<unknown>[] = [];
    for (let column = 0; column < chunk.columnCount; column++) columns.push(chunk.getColumnVector(column));
    visit(columns, chunk.rowCount);
  }
}

/** Copies each chunk's values into `target`, one array per column (numbers stay unboxed doubles). */
function appendTo(target: unknown[][]): (columns: ChunkColumn<unknown>[], rows: number) => void {
  return (columns, rows) => {
    for (const [index, column] of columns.entries()) {
      const values = target[index]!;
      for (let row = 0; row < rows; row++) values.push(column.getItem(row));
    }
  };
}

/**
 * Reads every user's numbers for the day. The digest's users are numbered first, in user id order
 * (a small table); the links and top lists are then read side by side on two connections, naming
 * users by number, unordered, chunk by chunk into columns. No object is made per row here: each
 * user's numbers are made by `numbers(index)` when the user's turn comes, and die young.
 */
export async function readDigestNumbers(files: DigestInputFiles, options: { top: number; threads: number; memoryMib: number }): Promise<DigestDay> {
  const instance = await DuckDBInstance.create(':memory:', { threads: String(options.threads), memory_limit: `${options.memoryMib}MiB` });
  const connections = [await instance.connect(), await instance.connect()] as const;
  try {
    await connections[0].run(digestUsersSql(files));
    const users: unknown[][] = [[], []];
    await visitChunks(connections[0], 'SELECT account_id, user_id FROM digest_users ORDER BY user_index', appendTo(users));
    const links: unknown[][] = Array.from({ length: 9 }, () => []);
    const top: unknown[][] = Array.from({ length: 4 }, () => []);
    await Promise.all([
      visitChunks(connections[0], digestLinksSql(files), appendTo(links)),
      visitChunks(connections[1], digestTopSql(files, options.top), appendTo(top)),
    ]);
    return digestDayColumns(users, links, top);
  } finally {
    for (const connection of connections) connection.closeSync();
    instance.closeSync();
  }
}
