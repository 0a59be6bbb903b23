// The digest's numbers: per user, read from the daily rollup's zone-links files of day D and D-1
// and its zone-breakdowns file of D with DuckDB (SQL in digest-links.sql and digest-top.sql),
// grouped in memory per user. A report is plain data, so that it can be stored in the ledger and
// rendered again to the same bytes.
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { loadSql, renderSql, sqlString } from '../../batch/index.js';

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

/** Busiest first (all classes), then by link id. */
function byActivity(a: DigestLinkNumbers, b: DigestLinkNumbers): number {
  const difference = b.human + b.bot + b.suspicious - (a.human + a.bot + a.suspicious);
  if (difference !== 0) return difference;
  if (a.beforeHuman !== b.beforeHuman) return b.beforeHuman - a.beforeHuman;
  return a.linkId < b.linkId ? -1 : a.linkId > b.linkId ? 1 : 0;
}

/** Most clicks first, ties by value (the order the SQL picked them in). */
function byClicks(a: DigestTopEntry, b: DigestTopEntry): number {
  return b.clicks - a.clicks || (a.value < b.value ? -1 : a.value > b.value ? 1 : 0);
}

/** A column of one result chunk, read value by value (no array per column). */
interface ChunkColumn<T> {
  getItem(row: number): T | null;
}

/**
 * Runs `sql` and hands each result chunk (up to 2,048 rows) to `visit` as its column vectors. No
 * array of all values is built and no object per row: values are read from the vectors in place,
 * which keeps the garbage collector out of a run over 100,000s of rows.
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

/** One empty DigestNumbers per digest user, by user index (digest-users.sql numbers them in id order). */
async function readUsers(connection: DuckDBConnection): Promise<DigestNumbers[]> {
  const users: DigestNumbers[] = [];
  await visitChunks(connection, 'SELECT account_id, user_id FROM digest_users ORDER BY user_index', (columns, rows) => {
    const [accountIds, userIds] = columns as [ChunkColumn<string>, ChunkColumn<string>];
    for (let row = 0; row < rows; row++) {
      users.push({
        accountId: accountIds.getItem(row)!,
        userId: userIds.getItem(row)!,
        links: [],
        totals: { human: 0, bot: 0, suspicious: 0, duplicates: 0, beforeHuman: 0, beforeFlagged: 0 },
        top: { country: [], referrer: [], device: [] },
      });
    }
  });
  return users;
}

function addLinks(users: readonly DigestNumbers[], columns: ChunkColumn<unknown>[], rows: number): void {
  const [userIndexes, linkIds, humans, bots, suspicious, duplicates, visitors, beforeHumans, beforeFlagged] = columns as [ChunkColumn<number>, ChunkColumn<string>, ...ChunkColumn<number>[]];
  for (let row = 0; row < rows; row++) {
    const numbers = users[userIndexes.getItem(row)!]!;
    const link: DigestLinkNumbers = {
      linkId: linkIds.getItem(row)!,
      human: humans!.getItem(row)!,
      bot: bots!.getItem(row)!,
      suspicious: suspicious!.getItem(row)!,
      visitors: visitors!.getItem(row)!,
      beforeHuman: beforeHumans!.getItem(row)!,
    };
    numbers.links.push(link);
    const totals = numbers.totals;
    totals.human += link.human;
    totals.bot += link.bot;
    totals.suspicious += link.suspicious;
    totals.duplicates += duplicates!.getItem(row)!;
    totals.beforeHuman += link.beforeHuman;
    totals.beforeFlagged += beforeFlagged!.getItem(row)!;
  }
}

const dimensionNames = ['country', 'referrer', 'device'] as const;

function addTop(users: readonly DigestNumbers[], columns: ChunkColumn<unknown>[], rows: number): void {
  const [userIndexes, dimensions, values, clicks] = columns as [ChunkColumn<number>, ChunkColumn<number>, ChunkColumn<string>, ChunkColumn<number>];
  for (let row = 0; row < rows; row++) {
    users[userIndexes.getItem(row)!]!.top[dimensionNames[dimensions.getItem(row)!]!].push({ value: values.getItem(row)!, clicks: clicks.getItem(row)! });
  }
}

/**
 * Reads every user's numbers for the day, ordered by user id. The digest's users are numbered
 * first (a small table); the links and top lists are then read side by side on two connections,
 * naming users by number, unordered, chunk by chunk from the column vectors: no row arrays and no
 * id string per row. Each user's short lists are sorted here.
 */
export async function readDigestNumbers(files: DigestInputFiles, options: { top: number; threads: number; memoryMib: number }): Promise<DigestNumbers[]> {
  const instance = await DuckDBInstance.create(':memory:', { threads: String(options.threads), memory_limit: `${options.memoryMib}MiB` });
  const connections = [await instance.connect(), await instance.connect()] as const;
  try {
    await connections[0].run(digestUsersSql(files));
    const users = await readUsers(connections[0]);
    await Promise.all([
      visitChunks(connections[0], digestLinksSql(files), (columns, rows) => addLinks(users, columns, rows)),
      visitChunks(connections[1], digestTopSql(files, options.top), (columns, rows) => addTop(users, columns, rows)),
    ]);
    for (const numbers of users) {
      numbers.links.sort(byActivity);
      numbers.top.country.sort(byClicks);
      numbers.top.referrer.sort(byClicks);
      numbers.top.device.sort(byClicks);
    }
    return users;
  } finally {
    for (const connection of connections) connection.closeSync();
    instance.closeSync();
  }
}
