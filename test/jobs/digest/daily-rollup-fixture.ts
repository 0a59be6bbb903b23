// Daily rollup outputs for the digest and billing tests, built from clicks the test generates:
// the utc-links, zone-links and zone-breakdowns Parquet files the daily rollup writes
// (docs/rollups.md), in its folder per day, written with real DuckDB, plus a stand-in orchestrator
// job under the daily rollup's name that writes them for a day, so a change to a day's clicks
// re-opens it and flows downstream. test/jobs/batch-end-to-end.test.ts runs the real rollups. Expected numbers are computed from the same clicks in
// plain TypeScript, independently of the SQL under test.
import { createHash } from 'node:crypto';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { parquetCopyOptions } from '../../../src/batch/index.js';
import { combineHashes, dayPartitions, hashFile, type JobDefinition } from '../../../src/orchestrator/index.js';
import { dailyOutputDir, dailyRollupJobName } from '../../../src/jobs/rollups/index.js';

export type ClickClass = 'human' | 'bot' | 'suspicious';

/** One click as the rollups see it; `day` is the owner's local day (zone files) and the UTC day (utc-links) alike. */
export interface FixtureClick {
  day: string;
  accountId: string;
  userId: string;
  linkId: string;
  cls: ClickClass;
  country: string;
  referrer: string;
  device: string;
  ip: string;
  /** A repeat of an event id already counted (a client retry). */
  duplicate: boolean;
}

export { seededRandom } from '../../helpers/seeded-random.js';

export interface ClickShape {
  accountId: string;
  userId: string;
  linkId: string;
}

/** `count` clicks of one link on one day, spread over classes, countries, referrers, devices and a pool of IPs. */
export function generateClicks(random: () => number, day: string, owner: ClickShape, count: number, ipPool = 40): FixtureClick[] {
  const countries = ['DE', 'US', 'FR', 'BR', ''];
  const referrers = ['', 'google.com', 't.co', 'news.example'];
  const devices = ['desktop', 'mobile', 'tablet'];
  const pick = <T>(values: readonly T[]): T => values[Math.floor(random() * random() * values.length)]!;
  const clicks: FixtureClick[] = [];
  for (let i = 0; i < count; i++) {
    const roll = random();
    clicks.push({
      day,
      ...owner,
      cls: roll < 0.08 ? 'suspicious' : roll < 0.15 ? 'bot' : 'human',
      country: pick(countries),
      referrer: pick(referrers),
      device: pick(devices),
      ip: `10.0.${Math.floor(random() * 4)}.${Math.floor(random() * ipPool)}`,
      duplicate: random() < 0.05,
    });
  }
  return clicks;
}

// The daily rollup's three files, as src/jobs/rollups/day-outputs.sql writes them (same columns,
// types and order); a click's `day` is both its UTC day and its owner's local day here.
const utcLinksSql = `SELECT link_id, user_id, account_id,
  count(*) FILTER (WHERE NOT duplicate AND class = 'human')::BIGINT AS human, count(*) FILTER (WHERE NOT duplicate AND class = 'bot')::BIGINT AS bot,
  count(*) FILTER (WHERE NOT duplicate AND class = 'suspicious')::BIGINT AS suspicious, count(*) FILTER (WHERE duplicate)::BIGINT AS duplicates
  FROM clicks GROUP BY ALL ORDER BY link_id`;
const zoneLinksSql = (day: string) => `SELECT user_id, account_id, time_zone, '${day}' AS day, link_id,
  count(*) FILTER (WHERE NOT duplicate AND class = 'human')::BIGINT AS human, count(*) FILTER (WHERE NOT duplicate AND class = 'bot')::BIGINT AS bot,
  count(*) FILTER (WHERE NOT duplicate AND class = 'suspicious')::BIGINT AS suspicious, count(*) FILTER (WHERE duplicate)::BIGINT AS duplicates,
  count(DISTINCT ip) FILTER (WHERE NOT duplicate)::BIGINT AS visitors, count(DISTINCT ip) FILTER (WHERE NOT duplicate AND class = 'human')::BIGINT AS human_visitors
  FROM clicks GROUP BY user_id, account_id, time_zone, link_id ORDER BY user_id, link_id`;
const zoneBreakdownsSql = (day: string) => `SELECT user_id, '${day}' AS day, link_id, dimension, value,
  count(*) FILTER (WHERE class = 'human')::BIGINT AS human, count(*) FILTER (WHERE class = 'bot')::BIGINT AS bot, count(*) FILTER (WHERE class = 'suspicious')::BIGINT AS suspicious
  FROM (SELECT user_id, link_id, class, unnest(['country', 'referrer', 'device']) AS dimension, unnest([country, referrer_host, device]) AS value FROM clicks WHERE NOT duplicate)
  GROUP BY ALL ORDER BY user_id, link_id, dimension, value`;

/** The daily rollup's output names, in the order it stages (and hashes) them. */
export const dailyFileNames = ['utc-links.parquet', 'zone-links.parquet', 'zone-breakdowns.parquet'] as const;

/**
 * Writes the day's `utc-links.parquet`, `zone-links.parquet` and `zone-breakdowns.parquet` into
 * `dailyOutputDir(dataDir, day)`; `timeZones` gives the users' zones (default UTC).
 */
export async function writeDailyFiles(dataDir: string, day: string, clicks: readonly FixtureClick[], timeZones: ReadonlyMap<string, string> = new Map()): Promise<string[]> {
  const dir = dailyOutputDir(dataDir, day);
  await mkdir(dir, { recursive: true });
  const json = join(dir, '.clicks.json');
  const rows = clicks.filter((click) => click.day === day).map((click) => ({
    account_id: click.accountId, user_id: click.userId, time_zone: timeZones.get(click.userId) ?? 'UTC', link_id: click.linkId, class: click.cls, country: click.country,
    referrer_host: click.referrer, device: click.device, ip: click.ip, duplicate: click.duplicate,
  }));
  await writeFile(json, JSON.stringify(rows));
  const instance = await DuckDBInstance.create(':memory:', { threads: '1' });
  const connection = await instance.connect();
  try {
    const columns = "{account_id: 'VARCHAR', user_id: 'VARCHAR', time_zone: 'VARCHAR', link_id: 'VARCHAR', class: 'VARCHAR', country: 'VARCHAR', referrer_host: 'VARCHAR', device: 'VARCHAR', ip: 'VARCHAR', duplicate: 'BOOLEAN'}";
    await connection.run(`CREATE TABLE clicks AS SELECT * FROM read_json('${json}', format = 'array', columns = ${columns})`);
    const paths: string[] = [];
    for (const [name, sql] of [[dailyFileNames[0], utcLinksSql], [dailyFileNames[1], zoneLinksSql(day)], [dailyFileNames[2], zoneBreakdownsSql(day)]] as const) {
      const path = join(dir, name);
      await connection.run(`COPY (${sql}) TO '${path}' ${parquetCopyOptions()}`);
      paths.push(path);
    }
    return paths;
  } finally {
    connection.closeSync();
    instance.closeSync();
    await rm(json, { force: true });
  }
}

/** A stand-in for the daily rollup job (same name and outputs): writes the day's files from `clicks()` (read at each run). */
export function fixtureDailyJob(dataDir: string, clicks: () => readonly FixtureClick[], timeZones?: ReadonlyMap<string, string>): JobDefinition {
  return {
    name: dailyRollupJobName,
    partitions: dayPartitions,
    retry: { retries: 0 },
    async run(context) {
      const paths = await writeDailyFiles(dataDir, context.partition, clicks(), timeZones);
      const hashes = await Promise.all(paths.map(async (path) => (await hashFile(path)).hash));
      return { outputHash: combineHashes(dailyFileNames.flatMap((name, index) => [name, hashes[index]!])), outputs: paths.map((location) => ({ location })) };
    },
  };
}

// Expected numbers, in plain TypeScript ------------------------------------------------------------

export interface ExpectedLink {
  human: number;
  bot: number;
  suspicious: number;
  visitors: number;
}

export function expectedLinks(clicks: readonly FixtureClick[], day: string, userId: string): Map<string, ExpectedLink> {
  const links = new Map<string, ExpectedLink & { ips: Set<string> }>();
  for (const click of clicks) {
    if (click.day !== day || click.userId !== userId || click.duplicate) continue;
    let link = links.get(click.linkId);
    if (!link) links.set(click.linkId, (link = { human: 0, bot: 0, suspicious: 0, visitors: 0, ips: new Set() }));
    link[click.cls]++;
    if (click.cls === 'human') link.ips.add(click.ip);
  }
  return new Map([...links].map(([id, { ips, ...counts }]) => [id, { ...counts, visitors: ips.size }]));
}

/** The top `n` values of a dimension among unique human clicks, ties by value. */
export function expectedTop(clicks: readonly FixtureClick[], day: string, userId: string, dimension: 'country' | 'referrer' | 'device', n: number): [string, number][] {
  const counts = new Map<string, number>();
  for (const click of clicks) {
    if (click.day === day && click.userId === userId && !click.duplicate && click.cls === 'human') counts.set(click[dimension], (counts.get(click[dimension]) ?? 0) + 1);
  }
  return [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, n);
}

export function sha256(text: string | Buffer): string {
  return createHash('sha256').update(text).digest('hex');
}
