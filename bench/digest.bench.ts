// The daily digest over a generated daily rollup (zone files of day D and D-1, about 10 million
// clicks' worth of rows at --scale 1): the job's data part (readDigestNumbers: its SQL over the
// files and every user's numbers in memory) against the equivalent hand-written DuckDB SQL over the
// same files, materialised inside DuckDB (the floor). Rendering and building the MIME messages,
// and writing them to the outbox, are measured apart, per message.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { parquetCopyOptions, sqlString } from '../src/batch/index.js';
import { buildDigestMessage, buildReport, readDigestNumbers, type DigestInputFiles } from '../src/jobs/digest/index.js';
import { writeOutputAtomically } from '../src/orchestrator/index.js';
import type { Benchmark, BenchContext } from './harness.js';

const combosPerLink = 20;
const linksPerUser = 5;

/** Rollup rows: every link gets `combosPerLink` distinct (class, country, referrer, device) rows. */
function zoneSql(rows: number, seed: number): string {
  return `SELECT 'acc_' || lpad((link // ${linksPerUser * 10})::VARCHAR, 7, '0') AS account_id,
      'usr_' || lpad((link // ${linksPerUser})::VARCHAR, 7, '0') AS user_id,
      'lnk_' || lpad(link::VARCHAR, 8, '0') AS link_id,
      ['human', 'human', 'bot', 'suspicious', 'human'][1 + combo % 5] AS class,
      ['DE', 'US', 'FR', 'BR', ''][1 + (combo // 5) % 5] AS country,
      ['', 'google.com', 't.co', 'news.example'][1 + (combo * 7) % 4] AS referrer_host,
      ['desktop', 'mobile', 'tablet'][1 + (combo * 3 + link) % 3] AS device,
      (1 + hash(i, ${seed}) % 9)::BIGINT AS clicks,
      (hash(i, ${seed + 1}) % 2)::BIGINT AS duplicates
    FROM (SELECT i, i // ${combosPerLink} AS link, (i % ${combosPerLink}) * 9 % 180 AS combo FROM range(${rows}) t(i))
    ORDER BY user_id, link_id, class, country, referrer_host, device`;
}

function visitorsSql(zonePath: string): string {
  return `SELECT account_id, user_id, link_id, class, (sum(clicks) * 3 // 4 + 1)::BIGINT AS visitors
    FROM read_parquet(${sqlString(zonePath)}) GROUP BY ALL ORDER BY ALL`;
}

async function makeFiles(dir: string, rows: number, connection: DuckDBConnection): Promise<{ files: DigestInputFiles; clicks: number }> {
  const files = { today: join(dir, 'd.zone.parquet'), todayVisitors: join(dir, 'd.zone-visitors.parquet'), before: join(dir, 'b.zone.parquet') };
  await connection.run(`COPY (${zoneSql(rows, 1)}) TO ${sqlString(files.today)} ${parquetCopyOptions()}`);
  await connection.run(`COPY (${zoneSql(Math.floor(rows * 0.9), 2)}) TO ${sqlString(files.before)} ${parquetCopyOptions()}`);
  await connection.run(`COPY (${visitorsSql(files.today)}) TO ${sqlString(files.todayVisitors)} ${parquetCopyOptions()}`);
  const clicks = await connection.runAndReadAll(`SELECT sum(clicks + duplicates)::DOUBLE FROM read_parquet(${sqlString(files.today)})`);
  return { files, clicks: clicks.getRows()[0]![0] as number };
}

/** The same answer, written by hand in one statement, kept inside DuckDB. */
function floorSql(files: DigestInputFiles, top: number): string[] {
  const today = `read_parquet(${sqlString(files.today)})`;
  return [
    `CREATE OR REPLACE TEMP TABLE floor_links AS
     WITH t AS (SELECT account_id, user_id, link_id, sum(clicks) FILTER (WHERE class = 'human') h, sum(clicks) FILTER (WHERE class = 'bot') b,
                sum(clicks) FILTER (WHERE class = 'suspicious') s, sum(duplicates) d FROM ${today} GROUP BY ALL),
          v AS (SELECT user_id, link_id, sum(visitors) FILTER (WHERE class = 'human') v FROM read_parquet(${sqlString(files.todayVisitors)}) GROUP BY ALL),
          p AS (SELECT account_id, user_id, link_id, sum(clicks) FILTER (WHERE class = 'human') h, sum(clicks) FILTER (WHERE class <> 'human') f
                FROM read_parquet(${sqlString(files.before)}) WHERE user_id IN (SELECT user_id FROM t) GROUP BY ALL)
     SELECT coalesce(t.user_id, p.user_id) u, coalesce(t.link_id, p.link_id) l, t.h, t.b, t.s, t.d, v.v, p.h AS ph, p.f
     FROM t FULL JOIN p USING (account_id, user_id, link_id) LEFT JOIN v ON v.user_id = coalesce(t.user_id, p.user_id) AND v.link_id = coalesce(t.link_id, p.link_id)`,
    `CREATE OR REPLACE TEMP TABLE floor_top AS
     SELECT user_id, dimension, value, clicks FROM (
       SELECT user_id, unnest(['country', 'referrer', 'device']) AS dimension, unnest([country, referrer_host, device]) AS value, clicks FROM ${today} WHERE class = 'human'
     ) GROUP BY user_id, dimension, value HAVING sum(clicks) > 0
     QUALIFY row_number() OVER (PARTITION BY user_id, dimension ORDER BY sum(clicks) DESC, value) <= ${top}`.replace('clicks FROM (', 'sum(clicks) AS clicks FROM ('),
  ];
}

async function run(context: BenchContext): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'clickflow-bench-digest-'));
  try {
    const instance = await DuckDBInstance.create(':memory:', { threads: '2', memory_limit: '1024MiB' });
    const connection = await instance.connect();
    const rows = Math.max(1_000, Math.round(2_000_000 * context.scale));
    context.progress(`writing a daily rollup of ${rows.toLocaleString('en-US')} rows per day`);
    const { files, clicks } = await makeFiles(dir, rows, connection);
    context.progress(`${clicks.toLocaleString('en-US')} clicks' worth of rows (day D)`);
    const options = { top: 5, threads: 2, memoryMib: 1024 };

    let users = 0;
    const job = await context.measure('digest job, data part (SQL + per-user numbers in memory)', 'ms', 'lower', async () => {
      const started = performance.now();
      const numbers = await readDigestNumbers(files, options);
      users = numbers.length;
      return performance.now() - started;
    });
    const floor = await context.measure('hand-written DuckDB SQL, same answer kept in DuckDB (floor)', 'ms', 'lower', async () => {
      const started = performance.now();
      for (const sql of floorSql(files, options.top)) await connection.run(sql);
      return performance.now() - started;
    });
    const ratio = context.ratio('digest data part / floor', job, floor);
    context.target('digest data part within 1.3x of hand-written SQL', ratio <= 1.3, `${ratio.toFixed(2)}x over ${users.toLocaleString('en-US')} users, ${clicks.toLocaleString('en-US')} clicks`);

    // Rendering and building messages, and the outbox write, per message, on a sample of users.
    const numbers = (await readDigestNumbers(files, options)).slice(0, Math.max(50, Math.round(2_000 * context.scale)));
    const reports = numbers.map((entry) => buildReport('2026-11-24', { id: entry.userId, name: 'Ada', timeZone: 'Europe/Berlin' }, entry, new Map(entry.links.map((link) => [link.linkId, link.linkId.slice(4)])), 20));
    await context.measure('render + build one MIME message (text and HTML)', 'µs/message', 'lower', async () => {
      const started = performance.now();
      for (const report of reports) await buildDigestMessage({ kind: 'digest', version: 1, report }, { email: 'ada@example.com', name: 'Ada' }, 'clickflow <digest@example.com>');
      return ((performance.now() - started) * 1000) / reports.length;
    });
    const sample = reports.slice(0, 200);
    const built = await Promise.all(sample.map((report) => buildDigestMessage({ kind: 'digest', version: 1, report }, { email: 'ada@example.com', name: 'Ada' }, 'clickflow <digest@example.com>')));
    await context.measure('write one .eml to the outbox (atomic: temp, fsync, rename)', 'µs/message', 'lower', async (attempt) => {
      const started = performance.now();
      for (const [index, message] of built.entries()) await writeOutputAtomically(join(dir, 'outbox', String(attempt)), `${index}.eml`, (path) => writeFile(path, message.raw));
      return ((performance.now() - started) * 1000) / built.length;
    });
    connection.closeSync();
    instance.closeSync();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const benchmark: Benchmark = {
  name: 'digest',
  description: 'daily digest over a generated daily rollup (~10M clicks at scale 1) against hand-written DuckDB SQL; rendering and outbox apart',
  run,
};
export default benchmark;
