// Shared set-up of the rollup tests: a SQLite store file, a lake folder, a DuckDB connection to
// write lake files with, and an orchestrator running the two rollup jobs on a test clock.
import { join } from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { openLake, type Lake } from '../../../src/batch/index.js';
import { createSilentLogger, createTestClock, type TestClock } from '../../../src/core/index.js';
import { createOrchestrator, type JobDefinition, type Orchestrator } from '../../../src/orchestrator/index.js';
import { dailyRollupJob, hourlyRollupJob, type RollupDeps, type RollupOptionsInput } from '../../../src/jobs/rollups/index.js';
import { createSqliteStore, type Store } from '../../../src/store/index.js';
import { makeTempDir, type TempDir } from '../../helpers/temp-dir.js';

export const partitions = 4;

export interface RollupWorld {
  temp: TempDir;
  dataDir: string;
  lakeDir: string;
  clock: TestClock;
  store: Store;
  lake: Lake;
  duckdb: DuckDBConnection;
  orchestrator: Orchestrator;
  jobs: { hourly: JobDefinition; daily: JobDefinition };
  close(): Promise<void>;
}

export async function openRollupWorld(nowMs: number, options: Partial<RollupOptionsInput> = {}): Promise<RollupWorld> {
  const temp = await makeTempDir('clickflow-rollups-');
  const dataDir = temp.path;
  const lakeDir = join(dataDir, 'lake');
  const clock = createTestClock(nowMs);
  const logger = createSilentLogger();
  const store = createSqliteStore({ clock, logger }, { path: join(dataDir, 'store.sqlite') });
  const lake = openLake({ dir: lakeDir, store });
  const instance = await DuckDBInstance.create(':memory:', { threads: '1' });
  const duckdb = await instance.connect();
  const deps: RollupDeps = { store, lake, clock, logger };
  const rollupOptions: RollupOptionsInput = { dataDir, partitions, duckdbThreads: 1, duckdbMemoryMib: 256, ...options };
  const jobs = { hourly: { ...hourlyRollupJob(deps, rollupOptions), retry: { retries: 0 } }, daily: { ...dailyRollupJob(deps, rollupOptions), retry: { retries: 0 } } };
  const orchestrator = createOrchestrator({ store, clock, logger }, { jobs: [jobs.hourly, jobs.daily], concurrency: 1, pollIntervalMs: 60_000 });
  return {
    temp,
    dataDir,
    lakeDir,
    clock,
    store,
    lake,
    duckdb,
    orchestrator,
    jobs,
    async close() {
      await orchestrator.stop();
      duckdb.closeSync();
      instance.closeSync();
      await store.close();
      await temp.remove();
    },
  };
}

/** Rows of a Parquet file as objects with numbers (not bigints). */
export async function readParquet(connection: DuckDBConnection, path: string, orderBy?: string): Promise<Record<string, unknown>[]> {
  const result = await connection.runAndReadAll(`SELECT * FROM read_parquet('${path.replaceAll("'", "''")}')${orderBy === undefined ? '' : ` ORDER BY ${orderBy}`}`);
  return result.getRowObjects().map((row) => Object.fromEntries(Object.entries(row).map(([key, value]) => [key, typeof value === 'bigint' ? Number(value) : value])));
}
