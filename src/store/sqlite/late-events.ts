// The late ledger on SQLite: events a stream job could not count, with their reason. Rows are
// bounded (the checkpoint commit trims the oldest); counts by reason are kept whole.
import { invalidField } from '../errors.js';
import { validateStreamName } from '../stream-validate.js';
import type { LateCount, LateEvent, LateEventRepository } from '../types.js';
import { validateListLimit } from '../validate.js';
import { prepareLazily, type SqliteContext } from './database.js';

interface Row {
  id: number;
  job: string;
  operator: string;
  partition: number;
  offset: number;
  event_time_ms: number;
  watermark_ms: number;
  reason: string;
  key: string;
  recorded_at_ms: number;
}

const columns = 'id, job, operator, partition, "offset", event_time_ms, watermark_ms, reason, key, recorded_at_ms';

const sql = {
  list: `SELECT ${columns} FROM stream_late_events WHERE id < ? ORDER BY id DESC LIMIT ?`,
  listByJob: `SELECT ${columns} FROM stream_late_events WHERE job = ? AND id < ? ORDER BY id DESC LIMIT ?`,
  listByReason: `SELECT ${columns} FROM stream_late_events WHERE reason = ? AND id < ? ORDER BY id DESC LIMIT ?`,
  listByJobAndReason: `SELECT ${columns} FROM stream_late_events WHERE job = ? AND reason = ? AND id < ? ORDER BY id DESC LIMIT ?`,
  counts: 'SELECT job, reason, sum(count) AS count FROM stream_late_counts GROUP BY job, reason ORDER BY job, reason',
  countsByJob: 'SELECT job, reason, sum(count) AS count FROM stream_late_counts WHERE job = ? GROUP BY job, reason ORDER BY reason',
};

function toLateEvent(row: Row): LateEvent {
  return {
    id: row.id,
    job: row.job,
    operator: row.operator,
    partition: row.partition,
    offset: row.offset,
    eventTimeMs: row.event_time_ms,
    watermarkMs: row.watermark_ms,
    reason: row.reason,
    key: row.key,
    recordedAtMs: row.recorded_at_ms,
  };
}

export function createSqliteLateEvents(context: SqliteContext): LateEventRepository {
  const { run } = context;
  const statements = prepareLazily(context.db, sql);
  return {
    list: (options = {}) =>
      run(() => {
        const limit = validateListLimit(options.limit);
        const beforeId = options.beforeId ?? Number.MAX_SAFE_INTEGER;
        if (!Number.isSafeInteger(beforeId)) throw invalidField('beforeId', 'must be the id of a late event');
        const { job, reason } = options;
        if (job !== undefined) validateStreamName(job, 'job');
        if (reason !== undefined) validateStreamName(reason, 'reason');
        const rows =
          job !== undefined && reason !== undefined
            ? statements.listByJobAndReason.all(job, reason, beforeId, limit)
            : job !== undefined
              ? statements.listByJob.all(job, beforeId, limit)
              : reason !== undefined
                ? statements.listByReason.all(reason, beforeId, limit)
                : statements.list.all(beforeId, limit);
        return (rows as Row[]).map(toLateEvent);
      }),
    counts: (job) =>
      run(() => {
        if (job !== undefined) validateStreamName(job, 'job');
        return (job === undefined ? statements.counts.all() : statements.countsByJob.all(job)) as LateCount[];
      }),
  };
}
