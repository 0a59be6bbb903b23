// The digest's numbers: per user, read from the daily rollup's zone files of day D and D-1 with
// DuckDB (SQL in digest-links.sql and digest-top.sql), grouped in memory per user. A report is
// plain data, so that it can be stored in the ledger and rendered again to the same bytes.
import { DuckDBInstance } from '@duckdb/node-api';
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

export interface DigestInputFiles {
  today: string;
  todayVisitors: string;
  before: string;
}

const linksTemplate = loadSql(import.meta.url, 'digest-links.sql');
const topTemplate = loadSql(import.meta.url, 'digest-top.sql');

const parquet = (path: string): string => `read_parquet(${sqlString(path)})`;

export function digestLinksSql(files: DigestInputFiles): string {
  return renderSql(linksTemplate, { today: parquet(files.today), todayVisitors: parquet(files.todayVisitors), before: parquet(files.before) });
}

export function digestTopSql(files: DigestInputFiles, top: number): string {
  return renderSql(topTemplate, { today: parquet(files.today), top });
}

/** Busiest first (all classes), then by link id. */
function byActivity(a: DigestLinkNumbers, b: DigestLinkNumbers): number {
  const difference = b.human + b.bot + b.suspicious - (a.human + a.bot + a.suspicious);
  if (difference !== 0) return difference;
  if (a.beforeHuman !== b.beforeHuman) return b.beforeHuman - a.beforeHuman;
  return a.linkId < b.linkId ? -1 : a.linkId > b.linkId ? 1 : 0;
}

/** Reads every user's numbers for the day, ordered by user id. */
export async function readDigestNumbers(files: DigestInputFiles, options: { top: number; threads: number; memoryMib: number }): Promise<DigestNumbers[]> {
  const instance = await DuckDBInstance.create(':memory:', { threads: String(options.threads), memory_limit: `${options.memoryMib}MiB` });
  const connection = await instance.connect();
  try {
    const byUser = new Map<string, DigestNumbers>();
    const links = await connection.runAndReadAll(digestLinksSql(files));
    for (const row of links.getRows()) {
      const [accountId, userId, linkId, human, bot, suspicious, duplicates, visitors, beforeHuman, beforeFlagged] = row as [string, string, string, number, number, number, number, number, number, number];
      let numbers = byUser.get(userId);
      if (!numbers) {
        numbers = { accountId, userId, links: [], totals: { human: 0, bot: 0, suspicious: 0, duplicates: 0, beforeHuman: 0, beforeFlagged: 0 }, top: { country: [], referrer: [], device: [] } };
        byUser.set(userId, numbers);
      }
      numbers.links.push({ linkId, human, bot, suspicious, visitors, beforeHuman });
      const totals = numbers.totals;
      totals.human += human;
      totals.bot += bot;
      totals.suspicious += suspicious;
      totals.duplicates += duplicates;
      totals.beforeHuman += beforeHuman;
      totals.beforeFlagged += beforeFlagged;
    }
    const top = await connection.runAndReadAll(digestTopSql(files, options.top));
    for (const row of top.getRows()) {
      const [userId, dimension, value, clicks] = row as [string, 'country' | 'referrer' | 'device', string, number];
      byUser.get(userId)?.top[dimension].push({ value, clicks });
    }
    const result = [...byUser.values()];
    for (const numbers of result) numbers.links.sort(byActivity);
    return result;
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}
