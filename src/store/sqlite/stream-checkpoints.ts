// Stream checkpoints on SQLite: a checkpoint's state changes, view rows, late events and partition
// positions are written in ONE write transaction (BEGIN IMMEDIATE), positions last. A position
// whose stored offset is not the one the checkpoint expects (another worker moved the partition)
// throws inside the transaction, so nothing of that checkpoint is kept.
import { limits } from '../../core/index.js';
import { conflict } from '../errors.js';
import { validatePartitions, validateStreamCheckpoint, validateStreamName } from '../stream-validate.js';
import type {
  RestoredStreamCheckpoint,
  StreamCheckpoint,
  StreamCheckpointRepository,
  StreamCommitReport,
  StreamPartitionPosition,
  StreamStateRow,
  StreamViewRow,
} from '../types.js';
import { prepareLazily, type SqliteContext, type SqliteStatement } from './database.js';

interface PositionRow {
  partition: number;
  next_offset: number;
  watermark_ms: number;
  checkpoint_id: number;
  committed_at_ms: number;
}

interface StateRow {
  state: string;
  partition: number;
  namespace: number;
  key: string;
  value: Buffer;
  touched_ms: number;
}

const positionColumns = 'partition, next_offset, watermark_ms, checkpoint_id, committed_at_ms';

const sql = {
  position: 'SELECT next_offset FROM stream_positions WHERE job = ? AND partition = ?',
  loadPosition: `SELECT ${positionColumns} FROM stream_positions WHERE job = ? AND partition = ?`,
  positions: `SELECT ${positionColumns} FROM stream_positions WHERE job = ? ORDER BY partition`,
  upsertPosition: `INSERT INTO stream_positions (job, ${positionColumns}) VALUES (?, ?, ?, ?, ?, ?)
    ON CONFLICT (job, partition) DO UPDATE SET next_offset = excluded.next_offset, watermark_ms = excluded.watermark_ms,
    checkpoint_id = excluded.checkpoint_id, committed_at_ms = excluded.committed_at_ms`,
  loadState: 'SELECT state, partition, namespace, key, value, touched_ms FROM stream_state WHERE job = ? AND partition = ?',
  upsertState: `INSERT INTO stream_state (job, partition, state, namespace, key, value, touched_ms) VALUES (?, ?, ?, ?, ?, ?, ?)
    ON CONFLICT (job, partition, state, namespace, key) DO UPDATE SET value = excluded.value, touched_ms = excluded.touched_ms`,
  deleteStateKey: 'DELETE FROM stream_state WHERE job = ? AND partition = ? AND state = ? AND namespace = ? AND key = ?',
  deleteStateNamespace: 'DELETE FROM stream_state WHERE job = ? AND partition = ? AND state = ? AND namespace = ?',
  upsertView: `INSERT INTO stream_views (view, key, partition, job, value, updated_at_ms) VALUES (?, ?, ?, ?, ?, ?)
    ON CONFLICT (view, key, partition) DO UPDATE SET job = excluded.job, value = excluded.value, updated_at_ms = excluded.updated_at_ms`,
  deleteView: 'DELETE FROM stream_views WHERE view = ? AND key = ? AND partition = ?',
  loadView: 'SELECT key, partition, value FROM stream_views WHERE view = ? AND job = ?',
  insertLate: `INSERT INTO stream_late_events (job, operator, partition, "offset", event_time_ms, watermark_ms, reason, key, recorded_at_ms)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  lastLateId: 'SELECT max(id) FROM stream_late_events',
  trimLate: 'DELETE FROM stream_late_events WHERE id <= ?',
  addLateCount: `INSERT INTO stream_late_counts (job, partition, reason, count) VALUES (?, ?, ?, ?)
    ON CONFLICT (job, reason, partition) DO UPDATE SET count = count + excluded.count`,
};

type Statements = Record<keyof typeof sql, SqliteStatement>;

/** better-sqlite3 binds Buffers as BLOBs; a plain Uint8Array is viewed as one without a copy. */
function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function toPosition(row: PositionRow): StreamPartitionPosition {
  return { partition: row.partition, nextOffset: row.next_offset, watermarkMs: row.watermark_ms, checkpointId: row.checkpoint_id, committedAtMs: row.committed_at_ms };
}

function writeState(statements: Statements, job: string, checkpoint: StreamCheckpoint): { rows: number; bytes: number } {
  let bytes = 0;
  for (const deletion of checkpoint.stateDeletions) {
    if (deletion.key === null) statements.deleteStateNamespace.run(job, deletion.partition, deletion.state, deletion.namespace);
    else statements.deleteStateKey.run(job, deletion.partition, deletion.state, deletion.namespace, deletion.key);
  }
  for (const row of checkpoint.stateUpserts) {
    statements.upsertState.run(job, row.partition, row.state, row.namespace, row.key, asBuffer(row.value), row.touchedMs);
    bytes += row.key.length + row.value.byteLength;
  }
  return { rows: checkpoint.stateDeletions.length + checkpoint.stateUpserts.length, bytes };
}

function writeViews(statements: Statements, job: string, checkpoint: StreamCheckpoint, nowMs: number): number {
  let bytes = 0;
  for (const change of checkpoint.views) {
    if (change.value === null) {
      statements.deleteView.run(change.view, change.key, change.partition);
    } else {
      statements.upsertView.run(change.view, change.key, change.partition, job, asBuffer(change.value), nowMs);
      bytes += change.key.length + change.value.byteLength;
    }
  }
  return bytes;
}

function writeLateLedger(statements: Statements, job: string, checkpoint: StreamCheckpoint, lateEventsMax: number): void {
  for (const event of checkpoint.lateEvents) {
    statements.insertLate.run(job, event.operator, event.partition, event.offset, event.eventTimeMs, event.watermarkMs, event.reason, event.key, event.recordedAtMs);
  }
  if (checkpoint.lateEvents.length > 0) {
    // Ids only grow, so the newest `lateEventsMax` rows are exactly those above this id.
    const lastId = (statements.lastLateId.pluck().get() as number | null) ?? 0;
    if (lastId > lateEventsMax) statements.trimLate.run(lastId - lateEventsMax);
  }
  for (const count of checkpoint.lateCounts) statements.addLateCount.run(job, count.partition, count.reason, count.count);
}

function writePositions(statements: Statements, job: string, checkpoint: StreamCheckpoint, nowMs: number): void {
  for (const position of checkpoint.positions) {
    const stored = (statements.position.pluck().get(job, position.partition) as number | undefined) ?? null;
    if (stored !== position.expectedNextOffset) {
      throw conflict(
        'streamCheckpoint',
        'positions',
        `job ${job} partition ${position.partition}: stored next offset is ${stored}, this checkpoint expected ${position.expectedNextOffset}; another worker owns the partition`,
      );
    }
    statements.upsertPosition.run(job, position.partition, position.nextOffset, position.watermarkMs, checkpoint.checkpointId, nowMs);
  }
}

function loadViews(statements: Statements, job: string, partitions: readonly number[], views: readonly string[]): StreamViewRow[] {
  const wanted = new Set(partitions);
  const rows: StreamViewRow[] = [];
  for (const view of views) {
    for (const row of statements.loadView.iterate(view, job) as IterableIterator<{ key: string; partition: number; value: Buffer }>) {
      if (wanted.has(row.partition)) rows.push({ view, partition: row.partition, key: row.key, value: row.value });
    }
  }
  return rows;
}

function loadCheckpoint(statements: Statements, job: string, partitions: readonly number[], views: readonly string[]): RestoredStreamCheckpoint {
  const positions: StreamPartitionPosition[] = [];
  const state: StreamStateRow[] = [];
  for (const partition of partitions) {
    const position = statements.loadPosition.get(job, partition) as PositionRow | undefined;
    if (position !== undefined) positions.push(toPosition(position));
    for (const row of statements.loadState.iterate(job, partition) as IterableIterator<StateRow>) {
      state.push({ state: row.state, partition: row.partition, namespace: row.namespace, key: row.key, value: row.value, touchedMs: row.touched_ms });
    }
  }
  const checkpointId = positions.reduce((highest, position) => Math.max(highest, position.checkpointId), 0);
  return views.length === 0 ? { checkpointId, positions, state } : { checkpointId, positions, state, views: loadViews(statements, job, partitions, views) };
}

export function createSqliteStreamCheckpoints(context: SqliteContext, lateEventsMax: number = limits.streamLateEventsMax): StreamCheckpointRepository {
  const { run, write } = context;
  const statements = prepareLazily(context.db, sql);
  return {
    load: (job, partitions, views = []) =>
      run(() => {
        validateStreamName(job, 'job');
        validatePartitions(partitions);
        for (const view of views) validateStreamName(view, 'view');
        // One read transaction: positions, state and views come from the same commit.
        return context.db.transaction(() => loadCheckpoint(statements, job, partitions, views)).deferred();
      }),
    commit: (job, checkpoint) =>
      run((): StreamCommitReport => {
        validateStreamCheckpoint(job, checkpoint);
        const nowMs = context.clock.nowMs();
        return write(() => {
          const state = writeState(statements, job, checkpoint);
          const viewBytes = writeViews(statements, job, checkpoint, nowMs);
          writeLateLedger(statements, job, checkpoint, lateEventsMax);
          writePositions(statements, job, checkpoint, nowMs);
          const rows = state.rows + checkpoint.views.length + checkpoint.lateEvents.length + checkpoint.lateCounts.length + checkpoint.positions.length;
          return { checkpointId: checkpoint.checkpointId, rows, bytes: state.bytes + viewBytes, committedAtMs: nowMs };
        });
      }),
    positions: (job) =>
      run(() => {
        validateStreamName(job, 'job');
        return (statements.positions.all(job) as PositionRow[]).map(toPosition);
      }),
  };
}
