// One run of the hourly rollup: the raw clicks of a sealed lake hour → deduplicated by event id,
// judged by the fraud rule, counted per link and 15-minute slice (with breakdowns and visitor
// addresses), checked, written as three Parquet files and published to the store's batch views.
import { join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { Clock, Logger } from '../../core/index.js';
import { loadSql, renderSql, sqlString, type Lake, type SealedHour } from '../../batch/index.js';
import type { JobRunContext, JobRunResult } from '../../orchestrator/index.js';
import type { BatchBreakdownDimension, BatchHourPublication, BatchLinkSlice, Store } from '../../store/index.js';
import { parseChecks, runDataChecks } from './data-checks.js';
import { number, readRows, text } from './read-rows.js';
import { withDuckdb } from './duckdb-session.js';
import { RollupError } from './errors.js';
import { runFraudPass, type FraudPassReport } from './fraud-pass.js';
import { rollupLimits, type RollupOptions } from './options.js';
import { stageOutputs, type StagedOutputs } from './staged-outputs.js';

const sql = {
  clicks: loadSql(import.meta.url, 'hour-clicks.sql'),
  duplicates: loadSql(import.meta.url, 'hour-duplicates.sql'),
  groups: loadSql(import.meta.url, 'hour-groups.sql'),
  outputs: loadSql(import.meta.url, 'hour-outputs.sql'),
  publishVisitors: loadSql(import.meta.url, 'hour-publish-visitors.sql'),
  publishBreakdowns: loadSql(import.meta.url, 'hour-publish-breakdowns.sql'),
};
const checks = parseChecks(loadSql(import.meta.url, 'hour-checks.sql'));

export interface RollupDeps {
  store: Store;
  lake: Lake;
  clock: Clock;
  logger: Logger;
  /** Optional: hears what each hourly run measured (fraud pass times, checks), e.g. for a benchmark. */
  onHourlyReport?(partition: string, report: HourlyRunReport): void;
}

/** The hourly output files, in the order they are hashed. */
export const hourlyOutputNames = ['slices.parquet', 'breakdowns.parquet', 'visitors.parquet'] as const;

export function hourlyOutputDir(dataDir: string, hour: string): string {
  return join(dataDir, 'rollups', 'hourly', hour);
}

/** The lineage name of a lake hour's version: `lake/2026-11-25T08@v2`. */
export function lakeInputName(hour: string, version: number): string {
  return `lake/${hour}@v${version}`;
}

async function sealedInput(deps: RollupDeps, hour: string, hourStartMs: number, partitions: number): Promise<SealedHour> {
  const sealed = await deps.lake.sealedHour(hourStartMs);
  if (sealed === undefined) throw new RollupError('input_missing', hour, 'the lake hour is not sealed');
  const rows = sealed.files.reduce((sum, file) => sum + file.rows, 0);
  if (rows !== sealed.seal.rows) throw new RollupError('input_changed', hour, `the seal says ${sealed.seal.rows} rows, its files ${rows}: it changed while being read`);
  if (rows > rollupLimits.hourClicksMax) throw new RollupError('input_invalid', hour, `${rows} raw clicks, more than the ${rollupLimits.hourClicksMax} a run reads`);
  for (const file of sealed.files) {
    if (file.partition >= partitions) throw new RollupError('input_invalid', hour, `${file.path} is of log partition ${file.partition}, but the log has ${partitions} partitions (option partitions)`);
  }
  return sealed;
}

/** Creates `hour_clicks` over the sealed files and checks each file holds the rows its manifest says. */
async function openHour(connection: DuckDBConnection, lake: Lake, hour: string, sealed: SealedHour): Promise<void> {
  if (sealed.files.length === 0) {
    const empty = lake.rawSourceSql([]);
    await connection.run(`CREATE VIEW hour_clicks AS SELECT *, NULL::INTEGER AS file_index, NULL::INTEGER AS file_row FROM ${empty}`);
    return;
  }
  const paths = sealed.files.map((file) => sqlString(join(lake.dir, file.path))).join(', ');
  await connection.run(renderSql(sql.clicks, { files: paths }));
  const metadata = await connection.runAndReadAll(`SELECT file_name, num_rows FROM parquet_file_metadata([${paths}])`);
  const rowsByPath = new Map(metadata.getRows().map(([name, rows]) => [String(name), Number(rows)]));
  for (const file of sealed.files) {
    const found = rowsByPath.get(join(lake.dir, file.path));
    if (found !== file.rows) throw new RollupError('input_invalid', hour, `${file.path} holds ${found ?? 'no'} rows, its manifest says ${file.rows}`);
  }
}

async function readPublication(connection: DuckDBConnection, options: RollupOptions, view: BatchHourPublication['view']): Promise<BatchHourPublication> {
  const slices: BatchLinkSlice[] = await readRows(
    connection,
    'SELECT link_id, user_id, account_id, slice_start_ms::DOUBLE, human::DOUBLE, bot::DOUBLE, suspicious::DOUBLE, duplicates::DOUBLE FROM hour_slices',
    (c, row) => ({
      linkId: text(c[0]!, row),
      userId: text(c[1]!, row),
      accountId: text(c[2]!, row),
      sliceStartMs: number(c[3]!, row),
      human: number(c[4]!, row),
      bot: number(c[5]!, row),
      suspicious: number(c[6]!, row),
      duplicates: number(c[7]!, row),
    }),
  );
  const visitors = await readRows(connection, sql.publishVisitors, (c, row) => ({ linkId: text(c[0]!, row), visitors: number(c[1]!, row) }));
  const breakdowns = await readRows(connection, renderSql(sql.publishBreakdowns, { valuesMax: options.breakdownValuesPerLink }), (c, row) => ({
    linkId: text(c[0]!, row),
    dimension: text(c[1]!, row) as BatchBreakdownDimension,
    value: text(c[2]!, row),
    human: number(c[3]!, row),
    bot: number(c[4]!, row),
    suspicious: number(c[5]!, row),
  }));
  const rows = slices.length + visitors.length + breakdowns.length;
  if (rows > rollupLimits.publicationRowsMax) throw new RollupError('input_invalid', view.hour, `the publication has ${rows} rows, more than the ${rollupLimits.publicationRowsMax} the store takes per hour`);
  return { view, slices, visitors, breakdowns };
}

export interface HourlyRunReport {
  fraud: FraudPassReport;
  checks: number;
  published: boolean;
  /** Wall time of each step, in ms, in order. */
  steps: Record<string, number>;
}

/** Times the steps of a run. */
function stepTimer(): { steps: Record<string, number>; step<T>(name: string, work: () => Promise<T>): Promise<T> } {
  const steps: Record<string, number> = {};
  return {
    steps,
    async step(name, work) {
      const started = performance.now();
      try {
        return await work();
      } finally {
        steps[name] = Math.round(performance.now() - started);
      }
    },
  };
}

async function buildHour(connection: DuckDBConnection, deps: RollupDeps, options: RollupOptions, context: JobRunContext, sealed: SealedHour, timer: ReturnType<typeof stepTimer>): Promise<{ staged: StagedOutputs; fraud: FraudPassReport }> {
  const hour = context.partition;
  const { step } = timer;
  await step('open', () => openHour(connection, deps.lake, hour, sealed));
  await step('dedupe', () => connection.run(sql.duplicates));
  context.signal.throwIfAborted();
  const fraud = await step('fraud', () => runFraudPass(connection, sealed.files, options.fraud, options.partitions, options.fraudThreads));
  context.signal.throwIfAborted();
  await step('groups', () => connection.run(sql.groups));
  await step('tables', () => connection.run(sql.outputs));
  const staged = await stageOutputs(connection, hourlyOutputDir(options.dataDir, hour));
  await step('write', async () => {
    await staged.stage('slices.parquet', 'SELECT * FROM hour_slices ORDER BY link_id, slice_start_ms');
    await staged.stage('breakdowns.parquet', 'SELECT * FROM hour_breakdowns ORDER BY link_id, slice_start_ms, dimension, value');
    await staged.stage('visitors.parquet', 'SELECT * FROM hour_visitors ORDER BY link_id, slice_start_ms, ip');
  });
  return { staged, fraud };
}

/** Builds, checks and publishes one hour; the orchestrator records the result. */
export async function runHourlyRollup(deps: RollupDeps, options: RollupOptions, context: JobRunContext): Promise<JobRunResult> {
  const hour = context.partition;
  const sealed = await sealedInput(deps, hour, context.bounds.startMs, options.partitions);
  const { seal } = sealed;
  return withDuckdb({ rollupsDir: join(options.dataDir, 'rollups'), threads: options.duckdbThreads, memoryMib: options.duckdbMemoryMib }, async (connection) => {
    let staged: StagedOutputs | undefined;
    try {
      const timer = stepTimer();
      const built = await buildHour(connection, deps, options, context, sealed, timer);
      staged = built.staged;
      const checked = await timer.step('checks', () => runDataChecks(connection, hour, checks, { hourStartMs: context.bounds.startMs, hourEndMs: context.bounds.endMs, sealRows: seal.rows }));
      const outputHash = staged.outputHash();
      const publication = await timer.step('read publication', () => readPublication(connection, options, { hour, hourStartMs: context.bounds.startMs, runId: context.runId, version: seal.version, outputHash }));
      await staged.publish(context.signal);
      const published = await timer.step('store', () => deps.store.batchViews.publishHour(publication));
      context.logger.info({ clicks: seal.rows, flagged: built.fraud.flagged, fraudMs: Math.round(built.fraud.totalMs), version: seal.version, published }, 'hourly rollup written');
      deps.onHourlyReport?.(hour, { fraud: built.fraud, checks: checked, published, steps: timer.steps });
      return { outputHash, inputHashes: { [lakeInputName(hour, seal.version)]: `sha256:${seal.manifestSha256}` }, outputs: staged.outputs() };
    } finally {
      await staged?.discard();
    }
  });
}
