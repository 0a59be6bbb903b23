// The hourly rollup on a generated lake hour (10 million clicks at --scale 1: 1 % duplicates, 5 %
// bots, twenty bursting addresses, 10 % IPv6 visitors, one million visitors, 20,000 links, 4 log
// partitions in 250,000-row files, as the archiver cuts them), side by side in the same run with
// the hand-written DuckDB SQL over the same files (the floor), alternating job and floor runs.
//
// What the floor is: ONE script of DuckDB SQL giving the same three outputs (slices, breakdowns,
// visitors; same dedupe by id, same grouping, same Parquet options), with the fraud verdict done the
// way SQL can do it: per-address window counts over 10 s and 60 s of event time against the rule's
// thresholds (`ip-10s`, `ip-60s`). SQL cannot run the rule itself (z-score baselines, network
// windows, heavy hitters per partition are sequential state), so the floor does a smaller fraud
// computation than the job; a second floor without any fraud verdict shows what the rule costs.
// The job also checks its outputs and publishes them to SQLite; the floor does neither.
import { mkdir, mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { fileSha256, lakeFileName, openLake, parquetCopyOptions, rawHourPath, sqlString, type Lake } from '../src/batch/index.js';
import { createSilentLogger, createSystemClock, type Clock, type Logger } from '../src/core/index.js';
import { dailyRollupJob, dayUpstreamHours, hourlyRollupJob, type HourlyRunReport } from '../src/jobs/rollups/index.js';
import { createOrchestrator, hourPartitions } from '../src/orchestrator/index.js';
import { createSqliteStore, type LakeFileInput, type Store } from '../src/store/index.js';
import type { Benchmark, BenchContext } from './harness.js';

const partitions = 4;
const benchHourMs = Date.UTC(2026, 10, 25, 8);
const dayHoursClicks = 50_000;
const hourMs = 3_600_000;
const fileRows = 250_000;
const threads = 2;
const memoryMib = 4_096;

/** Raw clicks of one hour, generated in SQL from range(): ids, links, visitors and fields by hashing. */
function generatorSql(clicks: number, hourStartMs: number): string {
  return `
CREATE TABLE generated AS
WITH rows AS (
  SELECT i, CASE WHEN i % 100 = 99 THEN i - 1 ELSE i END AS src FROM range(${clicks}) t(i)
), hashed AS (
  SELECT i, src, hash(src) AS hs, hash(src * 7 + 3) AS gs, hash(hash(src) % 1000000) AS v FROM rows
), shaped AS (
  SELECT *,
    CASE WHEN src % 50 = 0 THEN 0 WHEN v % 10 = 0 THEN 2 ELSE 1 END AS kind,
    (v >> 8) % 200 AS a, (v >> 16) % 256 AS b, (v >> 24) % 256 AS c, (v >> 32) % 256 AS d,
    1 + (v >> 8) % 65535 AS x, 1 + (v >> 24) % 65535 AS y
  FROM hashed
)
SELECT
  ${hourStartMs} + (src * ${hourMs} // ${clicks}) AS event_time_ms,
  ${hourStartMs} + (src * ${hourMs} // ${clicks}) + 40 + i % 200 AS ingest_time_ms,
  'c' || ${hourStartMs / hourMs} || '-' || src AS id,
  'lnk' || (gs % 20000) AS link_id,
  's' || (gs % 20000) AS slug,
  'usr' || (gs % 20000 % 2000) AS user_id,
  'acc' || (gs % 20000 % 2000 % 200) AS account_id,
  CASE kind WHEN 0 THEN '198.51.100.' || (hs % 20)
            WHEN 2 THEN '2001:db8:' || lower(hex(x)) || '::' || lower(hex(y))
            ELSE (10 + a) || '.' || b || '.' || c || '.' || d END AS ip,
  'Mozilla/5.0 (X11; Linux x86_64) Gecko/' || (gs % 50) AS user_agent,
  ['https://www.google.com/search?q=x', 'https://t.co/abc', 'https://news.example.org/a/b', '', 'android-app://com.slack'][(1 + (gs >> 20) % 5)::BIGINT] AS referrer,
  ['US', 'DE', 'IN', 'FR', 'GB', 'BR', 'JP', '', 'NG', 'CA'][(1 + (gs >> 28) % 10)::BIGINT] AS country,
  ['desktop', 'mobile', 'tablet', 'tv', 'console', 'wearable', 'embedded', 'bot', 'unknown'][(1 + (gs >> 32) % 9)::BIGINT] AS device,
  'Firefox' AS browser, 'Linux' AS os,
  (gs >> 36) % 20 = 0 AS bot, false AS head, 'redirect' AS source,
  (CASE kind WHEN 0 THEN 1 WHEN 2 THEN x % ${partitions} ELSE (a * 65536 + b * 256 + c) % ${partitions} END)::INTEGER AS log_partition,
  i AS log_offset
FROM shaped`;
}

/** Writes the generated hour as lake files (per partition, 250,000 rows each), records and seals it. */
export async function buildLake(connection: DuckDBConnection, store: Store, lakeDir: string, clicks: number, hourStartMs = benchHourMs): Promise<number> {
  await connection.run(generatorSql(clicks, hourStartMs));
  const folder = rawHourPath(hourStartMs);
  await mkdir(join(lakeDir, folder), { recursive: true });
  const files: LakeFileInput[] = [];
  // The archiver cuts a partition's clicks into files by offset; offsets here are the row numbers.
  const chunks = Math.max(1, Math.ceil(clicks / (fileRows * partitions)));
  for (let partition = 0; partition < partitions; partition++) {
    for (let chunk = 0; chunk < chunks; chunk++) {
      const range = `log_partition = ${partition} AND log_offset >= ${Math.floor((clicks * chunk) / chunks)} AND log_offset < ${Math.floor((clicks * (chunk + 1)) / chunks)}`;
      const [rows, first, last, minTime, maxTime] = (
        await connection.runAndReadAll(`SELECT count(*)::DOUBLE, min(log_offset)::DOUBLE, max(log_offset)::DOUBLE, min(event_time_ms)::DOUBLE, max(event_time_ms)::DOUBLE FROM generated WHERE ${range}`)
      ).getRows()[0]!.map(Number) as number[];
      if (rows === 0) continue;
      const path = `${folder}/${lakeFileName({ kind: 'part', partition, firstOffset: first!, lastOffset: last! })}`;
      const absolute = join(lakeDir, path);
      await connection.run(`COPY (SELECT * FROM generated WHERE ${range} ORDER BY event_time_ms, id, log_partition, log_offset) TO ${sqlString(absolute)} ${parquetCopyOptions()}`);
      const { size } = await stat(absolute);
      files.push({ path, hourStartMs, kind: 'part', partition, firstOffset: first!, lastOffset: last!, rows: rows!, bytes: size, sha256: await fileSha256(absolute), minEventTimeMs: minTime!, maxEventTimeMs: maxTime! });
    }
  }
  await connection.run('DROP TABLE generated');
  await store.lakeSeals.addFiles(files, null, hourStartMs + hourMs);
  await store.lakeSeals.seal({ hourStartMs, watermarkMs: hourStartMs + 2 * hourMs, frontierMs: hourStartMs + hourMs });
  return files.length;
}

/** The floor: the same three outputs in hand-written SQL; `fraud` adds the per-address window counts. */
function floorSql(source: string, outDir: string, fraud: boolean): string[] {
  const flagged = fraud
    ? `SELECT *, count(*) OVER w10 >= 15 OR count(*) OVER w60 >= 40 AS flagged FROM marked WHERE NOT duplicate
       WINDOW w10 AS (PARTITION BY ip ORDER BY event_time_ms RANGE BETWEEN 9999 PRECEDING AND CURRENT ROW),
              w60 AS (PARTITION BY ip ORDER BY event_time_ms RANGE BETWEEN 59999 PRECEDING AND CURRENT ROW)
       UNION ALL SELECT *, false FROM marked WHERE duplicate`
    : 'SELECT *, false AS flagged FROM marked';
  return [
    `CREATE TABLE floor_groups AS
WITH raw AS (SELECT *, file_index FROM ${source}),
dups AS (
  SELECT file_index, file_row_number FROM (
    SELECT file_index, file_row_number, row_number() OVER (PARTITION BY id ORDER BY log_partition, log_offset) AS copy
    FROM raw WHERE hash(id) IN (SELECT hash(id) FROM raw GROUP BY 1 HAVING count(*) > 1)
  ) WHERE copy > 1
),
marked AS (SELECT raw.*, dups.file_index IS NOT NULL AS duplicate FROM raw LEFT JOIN dups USING (file_index, file_row_number)),
judged AS (${flagged}),
classified AS (
  SELECT link_id, user_id, account_id, event_time_ms - event_time_ms % 900000 AS slice_start_ms, duplicate,
    CASE WHEN flagged THEN 2 WHEN bot THEN 1 ELSE 0 END AS class, ip, country,
    CASE WHEN referrer = '' THEN '' WHEN regexp_matches(referrer, '^[A-Za-z][A-Za-z0-9+.-]*://') THEN lower(regexp_extract(referrer, '^[A-Za-z][A-Za-z0-9+.-]*://(?:[^/?#@]*@)?([^/?#:]*)', 1))
      ELSE lower(split_part(split_part(split_part(referrer, '/', 1), '?', 1), '#', 1)) END AS referrer, device
  FROM judged
)
SELECT CASE WHEN GROUPING(user_id) = 0 THEN 'slice' WHEN GROUPING(country) = 0 THEN 'country' WHEN GROUPING(referrer) = 0 THEN 'referrer' WHEN GROUPING(device) = 0 THEN 'device' ELSE 'visitor' END AS grouping_set,
  link_id, user_id, account_id, slice_start_ms, country, referrer, device, ip,
  count(*) FILTER (WHERE NOT duplicate AND class = 0) AS human, count(*) FILTER (WHERE NOT duplicate AND class = 1) AS bot,
  count(*) FILTER (WHERE NOT duplicate AND class = 2) AS suspicious, count(*) FILTER (WHERE duplicate) AS duplicates
FROM classified
GROUP BY GROUPING SETS ((link_id, user_id, account_id, slice_start_ms), (link_id, slice_start_ms, country), (link_id, slice_start_ms, referrer), (link_id, slice_start_ms, device), (link_id, slice_start_ms, ip))`,
    `COPY (SELECT link_id, user_id, account_id, slice_start_ms, human, bot, suspicious, duplicates FROM floor_groups WHERE grouping_set = 'slice' ORDER BY link_id, slice_start_ms) TO ${sqlString(join(outDir, 'slices.parquet'))} ${parquetCopyOptions()}`,
    `COPY (SELECT link_id, slice_start_ms, grouping_set AS dimension, coalesce(country, referrer, device) AS value, human, bot, suspicious FROM floor_groups WHERE grouping_set IN ('country', 'referrer', 'device') AND human + bot + suspicious > 0 ORDER BY link_id, slice_start_ms, dimension, value) TO ${sqlString(join(outDir, 'breakdowns.parquet'))} ${parquetCopyOptions()}`,
    `COPY (SELECT link_id, slice_start_ms, ip, human + bot + suspicious AS clicks, human AS human_clicks FROM floor_groups WHERE grouping_set = 'visitor' AND human + bot + suspicious > 0 ORDER BY link_id, slice_start_ms, ip) TO ${sqlString(join(outDir, 'visitors.parquet'))} ${parquetCopyOptions()}`,
  ];
}

async function runFloor(sourceFiles: string, outDir: string, fraud: boolean): Promise<number> {
  await mkdir(outDir, { recursive: true });
  const instance = await DuckDBInstance.create(':memory:', { threads: String(threads), memory_limit: `${memoryMib}MiB` });
  const connection = await instance.connect();
  try {
    const started = performance.now();
    for (const statement of floorSql(`read_parquet([${sourceFiles}], file_row_number = true)`, outDir, fraud)) await connection.run(statement);
    return (performance.now() - started) / 1000;
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

/** Wall and CPU seconds (every thread of the process: DuckDB's and the fraud workers' too) of `work`. */
async function timed(work: () => Promise<unknown>): Promise<{ wall: number; cpu: number }> {
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  await work();
  const cpu = process.cpuUsage(cpuBefore);
  return { wall: (performance.now() - started) / 1000, cpu: (cpu.user + cpu.system) / 1e6 };
}

async function benchHourly(ctx: BenchContext, folder: string, store: Store, lake: Lake, clock: Clock, logger: Logger): Promise<void> {
  const clicks = Math.max(100_000, Math.round(10_000_000 * ctx.scale));
  const lakeDir = lake.dir;
  const generator = await DuckDBInstance.create(':memory:', { threads: String(threads), memory_limit: `${memoryMib}MiB` });
  const generatorConnection = await generator.connect();
  const began = performance.now();
  const fileCount = await buildLake(generatorConnection, store, lakeDir, clicks);
  generatorConnection.closeSync();
  generator.closeSync();
  ctx.progress(`generated ${clicks.toLocaleString('en-US')} clicks in ${fileCount} lake files in ${((performance.now() - began) / 1000).toFixed(1)} s`);

  const reports: HourlyRunReport[] = [];
  const job = hourlyRollupJob({ store, lake, clock, logger, onHourlyReport: (_, report) => void reports.push(report) }, { dataDir: folder, partitions, duckdbThreads: threads, duckdbMemoryMib: memoryMib });
  const partition = hourPartitions.format(benchHourMs);
  const sealed = (await lake.sealedHour(benchHourMs))!;
  const sourceFiles = sealed.files.map((file) => sqlString(join(lakeDir, file.path))).join(', ');
  const runs = { job: [] as { wall: number; cpu: number }[], floor: [] as { wall: number; cpu: number }[], bare: [] as { wall: number; cpu: number }[] };
  for (let index = 0; index < ctx.runs; index++) {
    const context = { job: job.name, partition, bounds: hourPartitions.bounds(partition), runId: index + 1, attempt: 1, signal: new AbortController().signal, clock, logger, upstream: [] };
    runs.job.push(await timed(() => job.run(context)));
    const report = reports.at(-1)!;
    ctx.progress(`job run ${index + 1}: ${runs.job.at(-1)!.wall.toFixed(2)} s (CPU ${runs.job.at(-1)!.cpu.toFixed(1)} s; fraud pass ${(report.fraud.totalMs / 1000).toFixed(2)} s, sort ${(report.fraud.sortMs / 1000).toFixed(2)} s, ${report.fraud.threads} threads, ${report.fraud.flagged} flagged) steps ms ${JSON.stringify(report.steps)}`);
    runs.floor.push(await timed(() => runFloor(sourceFiles, join(folder, 'floor'), true)));
    ctx.progress(`floor run ${index + 1}: ${runs.floor.at(-1)!.wall.toFixed(2)} s (CPU ${runs.floor.at(-1)!.cpu.toFixed(1)} s)`);
    runs.bare.push(await timed(() => runFloor(sourceFiles, join(folder, 'floor-bare'), false)));
    ctx.progress(`floor without fraud run ${index + 1}: ${runs.bare.at(-1)!.wall.toFixed(2)} s (CPU ${runs.bare.at(-1)!.cpu.toFixed(1)} s)`);
  }
  const millions = clicks / 1e6;
  const cases = {
    job: `hourly rollup job, ${millions}M clicks (dedupe, fraud rule, outputs, checks, store)`,
    floor: 'floor: hand-written DuckDB SQL, same outputs, fraud as 10 s / 60 s window counts',
    bare: 'floor without a fraud verdict (dedupe, bots, same outputs)',
  };
  const wall = Object.fromEntries(Object.entries(cases).map(([key, name]) => [key, ctx.record({ case: `${name}, wall`, unit: 's', runs: runs[key as keyof typeof runs].map((entry) => entry.wall), better: 'lower' })]));
  const cpu = Object.fromEntries(Object.entries(cases).map(([key, name]) => [key, ctx.record({ case: `${name}, CPU (all threads)`, unit: 's', runs: runs[key as keyof typeof runs].map((entry) => entry.cpu), better: 'lower' })]));
  ctx.record({ case: 'job: fraud pass (sort, pull keys, rule on 2 threads, verdicts back), wall', unit: 's', runs: reports.map((report) => report.fraud.totalMs / 1000), better: 'lower' });
  ctx.record({ case: 'job: of which the sort until the first chunk (DuckDB)', unit: 's', runs: reports.map((report) => report.fraud.sortMs / 1000), better: 'lower' });
  for (const step of ['dedupe', 'groups', 'write', 'checks', 'read publication', 'store'] as const) {
    ctx.record({ case: `job: step ${step}, wall`, unit: 's', runs: reports.map((report) => (report.steps[step] ?? 0) / 1000), better: 'lower' });
  }
  ctx.record({ case: 'job throughput', unit: 'clicks/s', runs: runs.job.map((entry) => clicks / entry.wall), better: 'higher' });
  const ratio = ctx.ratio('job / floor, wall', wall.job!, wall.floor!);
  ctx.ratio('job / floor, CPU', cpu.job!, cpu.floor!);
  ctx.ratio('job / floor without fraud, wall', wall.job!, wall.bare!);
  ctx.ratio('job / floor without fraud, CPU', cpu.job!, cpu.bare!);
  ctx.target('hourly rollup within 1.3x of the hand-written SQL floor (wall)', ratio <= 1.3, `${ratio.toFixed(2)}x`);
}

/** The daily rollup over the 50 hours it reads, each of `dayHoursClicks` x scale clicks. */
async function benchDaily(ctx: BenchContext, folder: string, store: Store, lake: Lake, clock: Clock, logger: Logger): Promise<void> {
  const perHour = Math.max(2_000, Math.round(dayHoursClicks * ctx.scale));
  const day = '2026-11-27';
  const hours = dayUpstreamHours(day);
  const generator = await DuckDBInstance.create(':memory:', { threads: String(threads), memory_limit: `${memoryMib}MiB` });
  const connection = await generator.connect();
  for (const hour of hours) await buildLake(connection, store, lake.dir, perHour, hourPartitions.bounds(hour).startMs);
  connection.closeSync();
  generator.closeSync();
  const deps = { store, lake, clock, logger };
  const options = { dataDir: folder, partitions, duckdbThreads: threads, duckdbMemoryMib: memoryMib };
  const orchestrator = createOrchestrator({ store, clock, logger }, { jobs: [hourlyRollupJob(deps, options), dailyRollupJob(deps, options)], concurrency: 1 });
  try {
    const hourly = await timed(() => orchestrator.backfill('hourly-rollup', hours[0]!, hours.at(-1)!));
    ctx.progress(`${hours.length} hourly rollups of ${perHour.toLocaleString('en-US')} clicks: ${hourly.wall.toFixed(1)} s`);
    ctx.record({ case: `hourly rollup, ${perHour.toLocaleString('en-US')} clicks, mean of ${hours.length} hours (orchestrator), wall`, unit: 's', runs: [hourly.wall / hours.length], better: 'lower' });
    await ctx.measure(`daily rollup over ${hours.length} hourly rollups (${((perHour * hours.length) / 1e6).toFixed(1)}M clicks, 2,000 users), wall`, 's', 'lower', async () => {
      const result = await timed(async () => {
        const run = await orchestrator.runPartition('daily-rollup', day);
        if (run.status !== 'succeeded') throw new Error(`daily rollup ${run.status}: ${run.message ?? ''}`);
      });
      return result.wall;
    });
  } finally {
    await orchestrator.stop();
  }
}

async function run(ctx: BenchContext): Promise<void> {
  const folder = await mkdtemp(join(tmpdir(), 'clickflow-bench-rollups-'));
  const clock = createSystemClock();
  const logger = createSilentLogger();
  const store = createSqliteStore({ clock, logger }, { path: join(folder, 'store.sqlite') });
  try {
    const lake = openLake({ dir: join(folder, 'lake'), store });
    await benchHourly(ctx, folder, store, lake, clock, logger);
    await benchDaily(ctx, folder, store, lake, clock, logger);
  } finally {
    await store.close();
    await rm(folder, { recursive: true, force: true });
  }
}

const benchmark: Benchmark = {
  name: 'rollups',
  description: 'hourly rollup on a generated 10M-click lake hour vs the hand-written DuckDB SQL floor over the same files; the daily rollup over 50 hours',
  run,
};
export default benchmark;
