// One run of the daily rollup for a UTC day D: from the hourly outputs of the 50 hours around it,
// the UTC day per link (for billing) and each user's local day D per link, with breakdowns and
// exact visitors (for the digest), checked against the hourly totals, then renamed into place.
import { join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { loadSql, renderSql, sqlString } from '../../batch/index.js';
import { dayPartitions, hourPartitions, partitionsCovering, type JobRunContext, type JobRunResult, type UpstreamOutput } from '../../orchestrator/index.js';
import { parseChecks, runDataChecks } from './data-checks.js';
import { withDuckdb } from './duckdb-session.js';
import { RollupError } from './errors.js';
import type { RollupDeps } from './hourly-rollup.js';
import { rollupLimits, type RollupOptions } from './options.js';
import { stageOutputs, type StagedOutputs } from './staged-outputs.js';
import { userDays, type ZoneMap } from './zone-days.js';

const sql = { inputs: loadSql(import.meta.url, 'day-inputs.sql'), outputs: loadSql(import.meta.url, 'day-outputs.sql') };
const checks = parseChecks(loadSql(import.meta.url, 'day-checks.sql'));

const hourMs = 3_600_000;
/** A day's zones start up to 14 hours before UTC midnight (UTC+14) and end up to 12 after (UTC-12). */
const zoneLeadMs = 14 * hourMs;
const zoneLagMs = 12 * hourMs;

/** The hourly partitions the day `day` reads, in order. */
export function dayUpstreamHours(day: string): string[] {
  const { startMs, endMs } = dayPartitions.bounds(day);
  return partitionsCovering(hourPartitions, { startMs: startMs - zoneLeadMs, endMs: endMs + zoneLagMs });
}

/** The days that read the hourly partition `hour`. */
export function hourDependentDays(hour: string): string[] {
  const { startMs, endMs } = hourPartitions.bounds(hour);
  return partitionsCovering(dayPartitions, { startMs: startMs - zoneLagMs, endMs: endMs + zoneLeadMs }).filter((day) => dayUpstreamHours(day).includes(hour));
}

export function dailyOutputDir(dataDir: string, day: string): string {
  return join(dataDir, 'rollups', 'daily', day);
}

function outputOf(upstream: UpstreamOutput, name: string, day: string): string {
  const found = upstream.outputs.find((output) => output.location.endsWith(`/${name}`));
  if (found === undefined) throw new RollupError('input_missing', day, `hourly rollup ${upstream.partition} (run ${upstream.runId}) recorded no ${name}`);
  return sqlString(found.location);
}

async function openInputs(connection: DuckDBConnection, day: string, upstream: readonly UpstreamOutput[], bounds: { startMs: number; endMs: number }): Promise<void> {
  const expected = dayUpstreamHours(day);
  const hours = upstream;
  const got = hours.map((entry) => entry.partition);
  if (got.join() !== expected.join()) throw new RollupError('input_missing', day, `reads hours ${expected[0]}..${expected.at(-1)}, but was given ${got.length} hourly partitions`);
  const list = (name: string, entries: readonly UpstreamOutput[]) => entries.map((entry) => outputOf(entry, name, day)).join(', ');
  const utcHours = hours.filter((entry) => {
    const start = hourPartitions.bounds(entry.partition).startMs;
    return start >= bounds.startMs && start < bounds.endMs;
  });
  await connection.run(renderSql(sql.inputs, { slices: list('slices.parquet', hours), breakdowns: list('breakdowns.parquet', hours), visitors: list('visitors.parquet', hours), utcSlices: list('slices.parquet', utcHours) }));
}

async function loadUserDays(connection: DuckDBConnection, deps: RollupDeps, context: JobRunContext): Promise<ZoneMap> {
  const users = (await connection.runAndReadAll('SELECT DISTINCT user_id, account_id FROM day_slices')).getRows().map(([userId, accountId]) => ({ userId: String(userId), accountId: String(accountId) }));
  if (users.length > rollupLimits.zoneUsersMax) throw new RollupError('input_invalid', context.partition, `${users.length} users, more than the ${rollupLimits.zoneUsersMax} a daily run looks up`);
  const zones = await userDays(deps.store, context.logger, context.partition, users);
  await connection.run('CREATE TABLE user_days (user_id VARCHAR NOT NULL, account_id VARCHAR NOT NULL, time_zone VARCHAR NOT NULL, day_start_ms BIGINT NOT NULL, day_end_ms BIGINT NOT NULL)');
  const appender = await connection.createAppender('user_days');
  for (const entry of zones.days) {
    appender.appendVarchar(entry.userId);
    appender.appendVarchar(entry.accountId);
    appender.appendVarchar(entry.timeZone);
    appender.appendBigInt(BigInt(entry.bounds.startMs));
    appender.appendBigInt(BigInt(entry.bounds.endMs));
    appender.endRow();
  }
  appender.closeSync();
  return zones;
}

export async function runDailyRollup(deps: RollupDeps, options: RollupOptions, context: JobRunContext): Promise<JobRunResult> {
  const day = context.partition;
  const { startMs, endMs } = context.bounds;
  return withDuckdb({ rollupsDir: join(options.dataDir, 'rollups'), threads: options.duckdbThreads, memoryMib: options.duckdbMemoryMib }, async (connection) => {
    let staged: StagedOutputs | undefined;
    try {
      await openInputs(connection, day, context.upstream, context.bounds);
      const zones = await loadUserDays(connection, deps, context);
      context.signal.throwIfAborted();
      await connection.run(renderSql(sql.outputs, { day, dayStartMs: startMs, dayEndMs: endMs }));
      staged = await stageOutputs(connection, dailyOutputDir(options.dataDir, day));
      await staged.stage('utc-links.parquet', 'SELECT * FROM utc_links ORDER BY link_id');
      await staged.stage('zone-links.parquet', 'SELECT * FROM zone_links ORDER BY user_id, link_id');
      await staged.stage('zone-breakdowns.parquet', 'SELECT * FROM zone_breakdowns ORDER BY user_id, link_id, dimension, value');
      await runDataChecks(connection, day, checks, {});
      await staged.publish(context.signal);
      context.logger.info({ users: zones.days.length, unknownUsers: zones.unknown }, 'daily rollup written');
      return { outputHash: staged.outputHash(), inputHashes: { zones: zones.hash }, outputs: staged.outputs() };
    } finally {
      await staged?.discard();
    }
  });
}
