// Batch run history on SQLite: run rows with their lineage, partition re-open versions, and the
// queries staleness is decided on (each partition's latest success, partitions dirty since it).
// Every transition is one conditional UPDATE, so a run can never leave a final status.
import {
  validateBatchJob,
  validateBatchPartition,
  validateBatchRunCreate,
  validateBatchRunError,
  validateBatchRunFinish,
  validateBatchRunList,
  validateBatchRunStart,
  validatePartitionList,
  validateRunId,
  validateTime,
} from '../batch-validate.js';
import { StoreError, invalidField, notFound } from '../errors.js';
import type { BatchPartitionState, BatchRun, BatchRunListOptions, BatchRunRepository, DirtyBatchPartition } from '../types.js';
import { validateListLimit } from '../validate.js';
import { prepareLazily, toFlag, type SqliteContext, type SqliteStatement } from './database.js';

interface RunRow {
  id: number;
  job: string;
  partition: string;
  status: BatchRun['status'];
  trigger: BatchRun['trigger'];
  attempts: number;
  queued_at_ms: number;
  started_at_ms: number | null;
  finished_at_ms: number | null;
  next_attempt_at_ms: number | null;
  partition_version: number;
  upstream_json: string;
  input_hashes_json: string;
  output_hash: string | null;
  output_changed: number | null;
  outputs_json: string;
  message: string | null;
  error_domain: BatchRun['errorDomain'];
  error_code: string | null;
  error_detail: string | null;
}

function toRun(row: RunRow): BatchRun {
  return {
    id: row.id,
    job: row.job,
    partition: row.partition,
    status: row.status,
    trigger: row.trigger,
    attempts: row.attempts,
    queuedAtMs: row.queued_at_ms,
    startedAtMs: row.started_at_ms,
    finishedAtMs: row.finished_at_ms,
    durationMs: row.started_at_ms !== null && row.finished_at_ms !== null ? row.finished_at_ms - row.started_at_ms : null,
    nextAttemptAtMs: row.next_attempt_at_ms,
    partitionVersion: row.partition_version,
    upstream: JSON.parse(row.upstream_json) as BatchRun['upstream'],
    inputHashes: JSON.parse(row.input_hashes_json) as BatchRun['inputHashes'],
    outputHash: row.output_hash,
    outputChanged: row.output_changed === null ? null : row.output_changed === 1,
    outputs: JSON.parse(row.outputs_json) as BatchRun['outputs'],
    message: row.message,
    errorDomain: row.error_domain,
    errorCode: row.error_code,
    errorDetail: row.error_detail,
  };
}

const finalStatuses = "('succeeded', 'failed', 'timed_out', 'skipped')";

const sql = {
  insert: `INSERT INTO batch_runs (job, partition, status, trigger, queued_at_ms, finished_at_ms, message)
    VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING *`,
  get: 'SELECT * FROM batch_runs WHERE id = ?',
  start: `UPDATE batch_runs SET status = 'running', attempts = ?, started_at_ms = coalesce(started_at_ms, ?),
    next_attempt_at_ms = NULL, partition_version = ? WHERE id = ? AND status = 'queued' RETURNING *`,
  retryLater: `UPDATE batch_runs SET status = 'queued', next_attempt_at_ms = ?, message = ?, error_domain = ?, error_code = ?,
    error_detail = ? WHERE id = ? AND status = 'running' RETURNING *`,
  finish: `UPDATE batch_runs SET status = ?, finished_at_ms = ?, next_attempt_at_ms = NULL, message = ?, error_domain = ?,
    error_code = ?, error_detail = ?, output_hash = ?, output_changed = ?, upstream_json = ?, input_hashes_json = ?, outputs_json = ?
    WHERE id = ? AND status IN ('queued', 'running') RETURNING *`,
  latest: 'SELECT * FROM batch_runs WHERE job = ? ORDER BY id DESC LIMIT 1',
  successes: `SELECT r.* FROM batch_runs r JOIN (
      SELECT max(id) AS id FROM batch_runs
      WHERE job = ? AND status = 'succeeded' AND partition IN (SELECT value FROM json_each(?))
      GROUP BY partition
    ) latest ON r.id = latest.id`,
  versions: 'SELECT partition, version FROM batch_partitions WHERE job = ? AND partition IN (SELECT value FROM json_each(?))',
  reopen: `INSERT INTO batch_partitions (job, partition, version, reopened_at_ms) VALUES (?, ?, 1, ?)
    ON CONFLICT (job, partition) DO UPDATE SET version = version + 1, reopened_at_ms = excluded.reopened_at_ms
    RETURNING version`,
  dirty: `SELECT p.job, p.partition, p.version, p.reopened_at_ms FROM batch_partitions p
    JOIN batch_runs r ON r.id = (
      SELECT max(id) FROM batch_runs WHERE job = p.job AND partition = p.partition AND status = 'succeeded'
    )
    WHERE p.reopened_at_ms >= ? AND p.version > r.partition_version
    ORDER BY p.reopened_at_ms, p.job, p.partition LIMIT ?`,
  prune: `DELETE FROM batch_runs WHERE finished_at_ms < ? AND status IN ${finalStatuses}
    AND id NOT IN (SELECT max(id) FROM batch_runs WHERE status = 'succeeded' GROUP BY job, partition)`,
};

/** One prepared statement per combination of list filters, made on first use. */
function listStatements(context: SqliteContext): (options: BatchRunListOptions) => SqliteStatement {
  const cache = new Map<string, SqliteStatement>();
  return (options) => {
    const filters = (['job', 'status', 'partition'] as const).filter((name) => options[name] !== undefined);
    const key = filters.join(',');
    let statement = cache.get(key);
    if (statement === undefined) {
      const where = [...filters.map((name) => `${name} = ?`), 'id < ?'].join(' AND ');
      statement = context.db.prepare(`SELECT * FROM batch_runs WHERE ${where} ORDER BY id DESC LIMIT ?`);
      cache.set(key, statement);
    }
    return statement;
  };
}

export function createSqliteBatchRuns(context: SqliteContext): BatchRunRepository {
  const { run, write } = context;
  const statements = prepareLazily(context.db, sql);
  const listStatement = listStatements(context);

  /** The run after a conditional UPDATE; when no row changed, says why (unknown id or wrong status). */
  const transitioned = (id: number, row: unknown, allowed: string): BatchRun => {
    if (row !== undefined) return toRun(row as RunRow);
    const current = statements.get.get(id) as RunRow | undefined;
    if (current === undefined) throw notFound('batch run', String(id), 'id');
    throw new StoreError('conflict', `id: batch run ${id} is ${current.status}; only a ${allowed} run can do that`, { entity: 'batch run', field: 'id' });
  };

  const partitionStates = (job: string, partitions: readonly string[]): BatchPartitionState[] => {
    validateBatchJob(job);
    validatePartitionList(partitions);
    const list = JSON.stringify(partitions);
    // One read transaction: the versions and successes come from one snapshot of the file.
    const { successes, versions } = context.db.transaction(() => ({
      successes: statements.successes.all(job, list) as RunRow[],
      versions: statements.versions.all(job, list) as { partition: string; version: number }[],
    }))();
    const successBy = new Map(successes.map((row) => [row.partition, toRun(row)]));
    const versionBy = new Map(versions.map((row) => [row.partition, row.version]));
    return partitions.map((partition) => ({ partition, version: versionBy.get(partition) ?? 0, lastSuccess: successBy.get(partition) }));
  };

  return {
    create: (input) =>
      run(() => {
        const valid = validateBatchRunCreate(input);
        const finishedAtMs = valid.status === 'skipped' ? valid.queuedAtMs : null;
        const row = statements.insert.get(valid.job, valid.partition, valid.status, valid.trigger, valid.queuedAtMs, finishedAtMs, valid.message ?? null);
        return toRun(row as RunRow);
      }),
    start: (id, start) =>
      run(() => {
        validateRunId(id);
        validateBatchRunStart(start);
        return write(() => transitioned(id, statements.start.get(start.attempt, start.startedAtMs, start.partitionVersion, id), 'queued'));
      }),
    retryLater: (id, retry) =>
      run(() => {
        validateRunId(id);
        validateTime(retry.nextAttemptAtMs, 'nextAttemptAtMs');
        const error = validateBatchRunError(retry.error);
        return write(() =>
          transitioned(id, statements.retryLater.get(retry.nextAttemptAtMs, error.message, error.domain, error.code, error.detail ?? null, id), 'running'),
        );
      }),
    finish: (id, finish) =>
      run(() => {
        validateRunId(id);
        const valid = validateBatchRunFinish(finish);
        const message = valid.message ?? valid.error?.message ?? null;
        const changed = valid.outputChanged === undefined ? null : toFlag(valid.outputChanged);
        const values = [
          valid.status, valid.finishedAtMs, message, valid.error?.domain ?? null, valid.error?.code ?? null, valid.error?.detail ?? null,
          valid.outputHash ?? null, changed, JSON.stringify(valid.upstream ?? []), JSON.stringify(valid.inputHashes ?? {}),
          JSON.stringify(valid.outputs ?? []), id,
        ];
        return write(() => transitioned(id, statements.finish.get(...values), 'queued or running'));
      }),
    get: (id) =>
      run(() => {
        validateRunId(id);
        const row = statements.get.get(id) as RunRow | undefined;
        return row === undefined ? undefined : toRun(row);
      }),
    list: (options = {}) =>
      run(() => {
        const { limit, beforeId } = validateBatchRunList(options);
        const values = [options.job, options.status, options.partition].filter((value) => value !== undefined);
        return (listStatement(options).all(...values, beforeId, limit) as RunRow[]).map(toRun);
      }),
    latest: (job) =>
      run(() => {
        validateBatchJob(job);
        const row = statements.latest.get(job) as RunRow | undefined;
        return row === undefined ? undefined : toRun(row);
      }),
    partitionStates: (job, partitions) => run(() => partitionStates(job, partitions)),
    reopen: (job, partition, atMs) =>
      run(() => {
        validateBatchJob(job);
        validateBatchPartition(partition);
        validateTime(atMs, 'atMs');
        return write(() => statements.reopen.pluck().get(job, partition, atMs) as number);
      }),
    dirtyPartitions: (options) =>
      run(() => {
        validateTime(options.sinceMs, 'sinceMs');
        const limit = validateListLimit(options.limit);
        const rows = statements.dirty.all(options.sinceMs, limit) as { job: string; partition: string; version: number; reopened_at_ms: number }[];
        return rows.map((row): DirtyBatchPartition => ({ job: row.job, partition: row.partition, version: row.version, reopenedAtMs: row.reopened_at_ms }));
      }),
    prune: (finishedBeforeMs) =>
      run(() => {
        if (!Number.isFinite(finishedBeforeMs)) throw invalidField('finishedBeforeMs', 'must be a time in epoch milliseconds');
        return write(() => statements.prune.run(finishedBeforeMs).changes);
      }),
  };
}
