// Monthly billing over a month of generated daily rollups (30 utc-links files as docs/rollups.md
// describes them; 300,000 rows a day at --scale 1, i.e. one row per link and UTC day): the data part (the month's totals
// per account with DuckDB) and the whole job (totals, store, one JSON, CSV and HTML file per
// account written atomically), for 500 accounts at scale 1.
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { parquetCopyOptions, sqlString } from '../src/batch/index.js';
import { createSilentLogger, createSystemClock } from '../src/core/index.js';
import { billingJob, readMonthClicks } from '../src/jobs/billing/index.js';
import { dailyOutputDir, dailyRollupJobName } from '../src/jobs/rollups/index.js';
import { monthPartitions, type UpstreamOutput } from '../src/orchestrator/index.js';
import { createSqliteStore } from '../src/store/index.js';
import type { Benchmark, BenchContext } from './harness.js';

async function run(context: BenchContext): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'clickflow-bench-billing-'));
  try {
    const accounts = Math.max(10, Math.round(500 * context.scale));
    const rowsPerDay = Math.max(1_000, Math.round(300_000 * context.scale));
    const clock = createSystemClock();
    const store = createSqliteStore({ clock, logger: createSilentLogger() }, { path: join(dir, 'store.db') });
    const ids: string[] = [];
    for (let i = 0; i < accounts; i++) ids.push((await store.accounts.create({ name: `Account ${i}`, planId: ['free', 'pro', 'business'][i % 3]! })).id);
    const instance = await DuckDBInstance.create(':memory:', { threads: '2' });
    const connection = await instance.connect();
    await connection.run(`CREATE TABLE accounts AS SELECT unnest([${ids.map(sqlString).join(', ')}]) AS id, unnest(range(${accounts})) AS n`);
    context.progress(`writing 30 daily utc-links files of ${rowsPerDay.toLocaleString('en-US')} rows`);
    const upstream: UpstreamOutput[] = [];
    for (let day = 1; day <= 30; day++) {
      const id = `2026-11-${String(day).padStart(2, '0')}`;
      const daily = dailyOutputDir(dir, id);
      await mkdir(daily, { recursive: true });
      const path = join(daily, 'utc-links.parquet');
      await connection.run(`COPY (SELECT 'lnk_' || lpad(i::VARCHAR, 8, '0') AS link_id, 'usr_' || (i // 10) AS user_id, a.id AS account_id,
          (hash(i, ${day}) % 60)::BIGINT AS human, (hash(i, ${day + 50}) % 8)::BIGINT AS bot, (hash(i, ${day + 70}) % 5)::BIGINT AS suspicious,
          (hash(i, ${day + 100}) % 3)::BIGINT AS duplicates
        FROM range(${rowsPerDay}) t(i) JOIN accounts a ON a.n = i % ${accounts} ORDER BY link_id) TO ${sqlString(path)} ${parquetCopyOptions()}`);
      upstream.push({ job: dailyRollupJobName, partition: id, runId: day, outputHash: 'sha256:0', outputs: [{ location: path }] });
    }
    connection.closeSync();
    instance.closeSync();
    const files = upstream.map((output) => output.outputs[0]!.location);
    await context.measure('billing data part: a month of daily rollups → totals per account', 'ms', 'lower', async () => {
      const started = performance.now();
      await readMonthClicks(files, { threads: 2, memoryMib: 1024 });
      return performance.now() - started;
    });
    const job = billingJob({ store, clock }, { dataDir: dir, graceMs: 0 });
    await context.measure(`billing job: ${accounts} final invoices (JSON, CSV, HTML each, atomic)`, 'ms', 'lower', async (attempt) => {
      // A fresh month each run, so every invoice is built anew.
      const month = `20${30 + attempt}-11`;
      const started = performance.now();
      await job.run({
        job: 'billing', partition: month, bounds: monthPartitions.bounds(month), runId: attempt + 1, attempt: 1, signal: new AbortController().signal,
        clock, logger: createSilentLogger(), upstream,
      });
      return performance.now() - started;
    });
    await store.close();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const benchmark: Benchmark = {
  name: 'billing',
  description: 'monthly billing over 30 generated daily rollups: totals per account, and the whole job with its invoice files',
  run,
};
export default benchmark;
