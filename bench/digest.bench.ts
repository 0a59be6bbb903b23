// The daily digest over a generated daily rollup (zone-links of day D and D-1, zone-breakdowns of
// D, as docs/rollups.md describes them; 100,000 links and about 10 million clicks at --scale 1):
// the job's data part (readDigestNumbers: its SQL over the files and every user's numbers in
// memory) against the equivalent hand-written DuckDB SQL over the same files, materialised inside
// DuckDB (the floor). Rendering and building the MIME messages,
// and writing them to the outbox, are measured apart, per message.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { parquetCopyOptions, sqlString } from '../src/batch/index.js';
import { buildDigestMessage, buildReport, readDigestNumbers, type DigestInputFiles } from '../src/jobs/digest/index.js';
import { writeOutputAtomically } from '../src/orchestrator/index.js';
import type { Benchmark, BenchContext } from './harness.js';

const linksPerUser = 5;
const countries = "['DE', 'US', 'FR', 'BR', '']";
const referrers = "['', 'google.com', 't.co', 'news.example']";
const devices = "['desktop', 'mobile', 'tablet']";

/** zone-links rows (docs/rollups.md), one per (user, link), `links` links, in the rollup's order. */
function zoneLinksSql(links: number, seed: number): string {
  return `SELECT 'usr_' || lpad((link // ${linksPerUser})::VARCHAR, 7, '0') AS user_id,
      'acc_' || lpad((link // ${linksPerUser * 10})::VARCHAR, 7, '0') AS account_id,
      'Europe/Berlin' AS time_zone, '2026-11-24' AS day,
      'lnk_' || lpad(link::VARCHAR, 8, '0') AS link_id,
      (60 + hash(link, ${seed}) % 60)::BIGINT AS human, (hash(link, ${seed + 1}) % 25)::BIGINT AS bot,
      (hash(link, ${seed + 2}) % 15)::BIGINT AS suspicious, (hash(link, ${seed + 3}) % 10)::BIGINT AS duplicates,
      (40 + hash(link, ${seed + 4}) % 40)::BIGINT AS visitors, (30 + hash(link, ${seed + 5}) % 30)::BIGINT AS human_visitors
    FROM range(${links}) t(link)
    ORDER BY user_id, link_id`;
}

/** zone-breakdowns rows of the same links: every country, referrer host and device value per link. */
function zoneBreakdownsSql(links: number, seed: number): string {
  return `SELECT user_id, '2026-11-24' AS day, link_id, dimension, value,
      (hash(link_id, dimension, value, ${seed}) % 30)::BIGINT AS human, (hash(link_id, value, ${seed + 1}) % 6)::BIGINT AS bot,
      (hash(link_id, value, ${seed + 2}) % 4)::BIGINT AS suspicious
    FROM (
      SELECT 'usr_' || lpad((link // ${linksPerUser})::VARCHAR, 7, '0') AS user_id, 'lnk_' || lpad(link::VARCHAR, 8, '0') AS link_id, d.dimension, unnest(d.values) AS value
      FROM range(${links}) t(link), (VALUES ('country', ${countries}), ('referrer', ${referrers}), ('device', ${devices})) d(dimension, values)
    )
    ORDER BY user_id, link_id, dimension, value`;
}

async function makeFiles(dir: string, links: number, connection: DuckDBConnection): Promise<{ files: DigestInputFiles; clicks: number }> {
  const files = { today: join(dir, 'd.zone-links.parquet'), breakdowns: join(dir, 'd.zone-breakdowns.parquet'), before: join(dir, 'b.zone-links.parquet') };
  await connection.run(`COPY (${zoneLinksSql(links, 1)}) TO ${sqlString(files.today)} ${parquetCopyOptions()}`);
  await connection.run(`COPY (${zoneLinksSql(Math.floor(links * 0.9), 11)}) TO ${sqlString(files.before)} ${parquetCopyOptions()}`);
  await connection.run(`COPY (${zoneBreakdownsSql(links, 21)}) TO ${sqlString(files.breakdowns)} ${parquetCopyOptions()}`);
  const clicks = await connection.runAndReadAll(`SELECT sum(human + bot + suspicious + duplicates)::DOUBLE FROM read_parquet(${sqlString(files.today)})`);
  return { files, clicks: clicks.getRows()[0]![0] as number };
}

/** The same answer, written by hand, kept inside DuckDB. */
function floorSql(files: DigestInputFiles, top: number): string[] {
  const today = `read_parquet(${sqlString(files.today)})`;
  return [
    `CREATE OR REPLACE TEMP TABLE floor_links AS
     WITH t AS (SELECT * FROM ${today} WHERE user_id IN (SELECT user_id FROM ${today} GROUP BY user_id HAVING sum(human + bot + suspicious) > 0)),
          p AS (SELECT * FROM read_parquet(${sqlString(files.before)}) WHERE user_id IN (SELECT user_id FROM t))
     SELECT coalesce(t.user_id, p.user_id) u, coalesce(t.link_id, p.link_id) l, t.human, t.bot, t.suspicious, t.duplicates, t.human_visitors, p.human AS ph, p.bot + p.suspicious AS pf
     FROM t FULL JOIN p USING (account_id, user_id, link_id)`,
    `CREATE OR REPLACE TEMP TABLE floor_top AS
     SELECT user_id, dimension, value, sum(human) AS clicks FROM read_parquet(${sqlString(files.breakdowns)})
     GROUP BY user_id, dimension, value HAVING sum(human) > 0
     QUALIFY row_number() OVER (PARTITION BY user_id, dimension ORDER BY sum(human) DESC, value) <= ${top}`,
  ];
}

async function run(context: BenchContext): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'clickflow-bench-digest-'));
  try {
    const instance = await DuckDBInstance.create(':memory:', { threads: '2', memory_limit: '1024MiB' });
    const connection = await instance.connect();
    const links = Math.max(100, Math.round(100_000 * context.scale));
    context.progress(`writing a daily rollup of ${links.toLocaleString('en-US')} links (zone-links, zone-breakdowns) per day`);
    const { files, clicks } = await makeFiles(dir, links, connection);
    context.progress(`${clicks.toLocaleString('en-US')} clicks' worth of rows (day D)`);
    const options = { top: 5, threads: 2, memoryMib: 1024 };

    let users = 0;
    const job = await context.measure('digest job, data part (SQL + every user\'s numbers in memory, as columns)', 'ms', 'lower', async () => {
      const started = performance.now();
      const day = await readDigestNumbers(files, options);
      users = day.users;
      return performance.now() - started;
    });
    const floor = await context.measure('hand-written DuckDB SQL, same answer kept in DuckDB (floor)', 'ms', 'lower', async () => {
      const started = performance.now();
      for (const sql of floorSql(files, options.top)) await connection.run(sql);
      return performance.now() - started;
    });
    // A digest is mailed from numbers in the program, so the equivalent hand-written SQL also reads
    // its answer out: DuckDB's own reader (runAndReadAll, then the rows).
    const floorRead = await context.measure('hand-written DuckDB SQL, same answer read into JS with runAndReadAll (floor, as used)', 'ms', 'lower', async () => {
      const started = performance.now();
      for (const sql of floorSql(files, options.top)) await connection.run(sql);
      for (const table of ['floor_links', 'floor_top']) (await connection.runAndReadAll(`SELECT * FROM ${table}`)).getRows();
      return performance.now() - started;
    });
    context.ratio('digest data part / floor kept in DuckDB', job, floor);
    const ratio = context.ratio('digest data part / floor read into JS', job, floorRead);
    context.target('digest data part within 1.3x of hand-written SQL (answer read into JS)', ratio <= 1.3, `${ratio.toFixed(2)}x over ${users.toLocaleString('en-US')} users, ${clicks.toLocaleString('en-US')} clicks`);

    // Each user's numbers are made from the columns when the user's turn comes: per user.
    const day = await readDigestNumbers(files, options);
    await context.measure('make one user\'s numbers from the columns (every user)', 'µs/user', 'lower', async () => {
      const started = performance.now();
      for (let index = 0; index < day.users; index++) day.numbers(index);
      return ((performance.now() - started) * 1000) / day.users;
    });

    // Rendering and building messages, and the outbox write, per message, on a sample of users.
    const numbers = Array.from({ length: Math.min(day.users, Math.max(50, Math.round(2_000 * context.scale))) }, (_, index) => day.numbers(index));
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
