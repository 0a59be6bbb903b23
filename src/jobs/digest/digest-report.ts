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

type Column = readonly unknown[];

/** Runs `sql` and returns its columns: one array per column, no object per row. */
async function readColumns(connection: DuckDBConnection, sql: string): Promise<Column[]> {
  return (await connection.runAndReadAll(sql)).getColumns();
}

/** One empty DigestNumbers per digest user, by user index (digest-users.sql numbers them in id order). */
function emptyNumbers(columns: Column[]): DigestNumbers[] {
  const [accountIds, userIds] = columns as [string[], string[]];
  return userIds.map((userId, index) => ({
    accountId: accountIds[index]!,
    userId,
    links: [],
    totals: { human: 0, bot: 0, suspicious: 0, duplicates: 0, beforeHuman: 0, beforeFlagged: 0 },
    top: { country: [], referrer: [], device: [] },
  }));
}

function addLinks(users: readonly DigestNumbers[], columns: Column[]): void {
  const [userIndexes, linkIds, humans, bots, suspicious, duplicates, visitors, beforeHumans, beforeFlagged] = columns as [number[], string[], ...number[][]];
  for (let row = 0; row < linkIds.length; row++) {
    const numbers = users[userIndexes[row]!]!;
    const link: DigestLinkNumbers = { linkId: linkIds[row]!, human: humans![row]!, bot: bots![row]!, suspicious: suspicious![row]!, visitors: visitors![row]!, beforeHuman: beforeHumans![row]! };
    numbers.links.push(link);
    const totals = numbers.totals;
    totals.human += link.human;
    totals.bot += link.bot;
    totals.suspicious += link.suspicious;
    totals.duplicates += duplicates![row]!;
    totals.beforeHuman += link.beforeHuman;
    totals.beforeFlagged += beforeFlagged![row]!;
  }
}

const dimensionNames = ['country', 'referrer', 'device'] as const;

function addTop(users: readonly DigestNumbers[], columns: Column[]): void {
  const [userIndexes, dimensions, values, clicks] = columns as [number[], number[], string[], number[]];
  for (let row = 0; row < values.length; row++) {
    users[userIndexes[row]!]!.top[dimensionNames[dimensions[row]!]!].push({ value: values[row]!, clicks: clicks[row]! });
  }
}

/**
 * Reads every user's numbers for the day, ordered by user id. The digest's users are numbered
 * first (a small table); the links and top lists are then read side by side on two connections,
 * naming users by number, unordered, column by column: far fewer JS objects and strings than row
 * arrays with ids. Each user's short lists are sorted here.
 */
export async function readDigestNumbers(files: DigestInputFiles, options: { top: number; threads: number; memoryMib: number }): Promise<DigestNumbers[]> {
  const instance = await DuckDBInstance.create(':memory:', { threads: String(options.threads), memory_limit: `${options.memoryMib}MiB` });
  const connections = [await instance.connect(), await instance.connect()] as const;
  try {
    await connections[0].run(digestUsersSql(files));
    const users = emptyNumbers(await readColumns(connections[0], 'SELECT account_id, user_id FROM digest_users ORDER BY user_index'));
    const [links, top] = await Promise.all([readColumns(connections[0], digestLinksSql(files)), readColumns(connections[1], digestTopSql(files, options.top))]);
    addLinks(users, links);
    addTop(users, top);
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
