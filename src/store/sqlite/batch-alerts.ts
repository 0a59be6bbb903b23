// Batch alerts on SQLite: the dashboard's feed of failed and timed-out runs and of partitions whose
// inputs never became ready. Bounded: an add beyond `alertsMax` rows removes the oldest.
import { invalidField } from '../errors.js';
import { boundedMessage, validateBatchJob, validateBatchPartition, validateRunId, validateTime } from '../batch-validate.js';
import type { BatchAlert, BatchAlertRepository } from '../types.js';
import { validateListLimit } from '../validate.js';
import { prepareLazily, type SqliteContext } from './database.js';

interface AlertRow {
  id: number;
  at_ms: number;
  job: string;
  partition: string;
  run_id: number | null;
  kind: string;
  message: string;
}

function toAlert(row: AlertRow): BatchAlert {
  return { id: row.id, atMs: row.at_ms, job: row.job, partition: row.partition, runId: row.run_id, kind: row.kind, message: row.message };
}

const sql = {
  insert: 'INSERT INTO batch_alerts (at_ms, job, partition, run_id, kind, message) VALUES (?, ?, ?, ?, ?, ?) RETURNING *',
  // Alerts are few (one per failed run), so a count on each add is cheap enough; no trigger-kept count.
  count: 'SELECT count(*) FROM batch_alerts',
  trim: 'DELETE FROM batch_alerts WHERE id IN (SELECT id FROM batch_alerts ORDER BY id LIMIT ?)',
  list: 'SELECT * FROM batch_alerts WHERE id < ? ORDER BY id DESC LIMIT ?',
  listByJob: 'SELECT * FROM batch_alerts WHERE job = ? AND id < ? ORDER BY id DESC LIMIT ?',
};

const kindPattern = /^[a-z][a-z0-9_]{0,63}$/;

export function createSqliteBatchAlerts(context: SqliteContext, alertsMax: number): BatchAlertRepository {
  const { run, write } = context;
  const statements = prepareLazily(context.db, sql);
  return {
    add: (alert) =>
      run(() => {
        validateTime(alert.atMs, 'atMs');
        validateBatchJob(alert.job);
        validateBatchPartition(alert.partition);
        if (alert.runId !== null) validateRunId(alert.runId, 'runId');
        if (!kindPattern.test(alert.kind)) throw invalidField('kind', `must be a snake_case word such as run_failed (got ${JSON.stringify(alert.kind)})`);
        if (typeof alert.message !== 'string' || alert.message === '') throw invalidField('message', 'must say what happened');
        return write(() => {
          const row = statements.insert.get(alert.atMs, alert.job, alert.partition, alert.runId, alert.kind, boundedMessage(alert.message)) as AlertRow;
          const excess = (statements.count.pluck().get() as number) - alertsMax;
          if (excess > 0) statements.trim.run(excess);
          return toAlert(row);
        });
      }),
    list: (options = {}) =>
      run(() => {
        const limit = validateListLimit(options.limit);
        const beforeId = options.beforeId ?? Number.MAX_SAFE_INTEGER;
        if (!Number.isSafeInteger(beforeId)) throw invalidField('beforeId', 'must be the id of an alert');
        if (options.job !== undefined) validateBatchJob(options.job);
        const rows = options.job === undefined ? statements.list.all(beforeId, limit) : statements.listByJob.all(options.job, beforeId, limit);
        return (rows as AlertRow[]).map(toAlert);
      }),
  };
}
