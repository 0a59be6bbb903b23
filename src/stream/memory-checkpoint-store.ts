// An in-memory stream checkpoint store with the same semantics as the SQLite one (positions
// fenced by expected offsets, deletions before upserts, full-value view rows, a bounded late
// ledger with whole counts). The test harness snapshots into it; fast tests run workers on it.
import { limits, type Clock } from '../core/index.js';
import { StoreError } from '../store/index.js';
import type {
  LateEvent,
  RestoredStreamCheckpoint,
  StreamCheckpoint,
  StreamCheckpointRepository,
  StreamCommitReport,
  StreamPartitionPosition,
  StreamStateRow,
  ViewRow,
} from '../store/index.js';

export interface MemoryCheckpointStore {
  /** The StreamCheckpointRepository contract, for the runner. */
  readonly repository: StreamCheckpointRepository;
  commitSync(job: string, checkpoint: StreamCheckpoint): StreamCommitReport;
  loadSync(job: string, partitions: readonly number[], views?: readonly string[]): RestoredStreamCheckpoint;
  /** Rows of `view`, ordered by key then partition. */
  viewRows(view: string): ViewRow[];
  /** Ledger rows, oldest first. */
  lateEvents(): LateEvent[];
  /** Counts of `job` by reason, summed over partitions. */
  lateCounts(job: string): Record<string, number>;
}

const separator = '\u0000';
const joinKey = (...parts: (string | number)[]): string => parts.join(separator);

interface Tables {
  positions: Map<string, StreamPartitionPosition>;
  state: Map<string, StreamStateRow>;
  views: Map<string, ViewRow>;
  late: LateEvent[];
  lateId: number;
  counts: Map<string, number>;
  lateEventsMax: number;
}

const stateKey = (job: string, row: { partition: number; state: string; namespace: number }, key: string): string => joinKey(job, row.partition, row.state, row.namespace, key);

function checkFences(tables: Tables, job: string, checkpoint: StreamCheckpoint): void {
  for (const position of checkpoint.positions) {
    const stored = tables.positions.get(joinKey(job, position.partition))?.nextOffset ?? null;
    if (stored !== position.expectedNextOffset) {
      throw new StoreError('conflict', `job ${job} partition ${position.partition}: stored next offset is ${stored}, this checkpoint expected ${position.expectedNextOffset}`, { field: 'positions' });
    }
  }
}

function applyState(tables: Tables, job: string, checkpoint: StreamCheckpoint): void {
  for (const deletion of checkpoint.stateDeletions) {
    if (deletion.key !== null) {
      tables.state.delete(stateKey(job, deletion, deletion.key));
      continue;
    }
    const prefix = stateKey(job, deletion, '');
    for (const key of [...tables.state.keys()]) if (key.startsWith(prefix)) tables.state.delete(key);
  }
  for (const row of checkpoint.stateUpserts) tables.state.set(stateKey(job, row, row.key), { ...row, value: Uint8Array.from(row.value) });
}

function applyOutput(tables: Tables, job: string, checkpoint: StreamCheckpoint, nowMs: number): void {
  for (const change of checkpoint.views) {
    const key = joinKey(change.view, change.key, change.partition);
    if (change.value === null) tables.views.delete(key);
    else tables.views.set(key, { view: change.view, key: change.key, partition: change.partition, job, value: Uint8Array.from(change.value), updatedAtMs: nowMs });
  }
  for (const event of checkpoint.lateEvents) tables.late.push({ ...event, id: ++tables.lateId, job });
  if (tables.late.length > tables.lateEventsMax) tables.late = tables.late.slice(tables.late.length - tables.lateEventsMax);
  for (const count of checkpoint.lateCounts) {
    const key = joinKey(job, count.reason);
    tables.counts.set(key, (tables.counts.get(key) ?? 0) + count.count);
  }
  for (const position of checkpoint.positions) {
    const { partition, nextOffset, watermarkMs } = position;
    tables.positions.set(joinKey(job, partition), { partition, nextOffset, watermarkMs, checkpointId: checkpoint.checkpointId, committedAtMs: nowMs });
  }
}

function commit(tables: Tables, job: string, checkpoint: StreamCheckpoint, nowMs: number): StreamCommitReport {
  checkFences(tables, job, checkpoint);
  applyState(tables, job, checkpoint);
  applyOutput(tables, job, checkpoint, nowMs);
  const { stateDeletions, stateUpserts, views, lateEvents, lateCounts, positions } = checkpoint;
  const rows = stateDeletions.length + stateUpserts.length + views.length + lateEvents.length + lateCounts.length + positions.length;
  const bytes = stateUpserts.reduce((sum, row) => sum + row.key.length + row.value.byteLength, 0);
  return { checkpointId: checkpoint.checkpointId, rows, bytes, committedAtMs: nowMs };
}

function load(tables: Tables, job: string, partitions: readonly number[], views: readonly string[] = []): RestoredStreamCheckpoint {
  const positions = partitions.map((partition) => tables.positions.get(joinKey(job, partition))).filter((position) => position !== undefined);
  const wanted = new Set(partitions);
  const state = [...tables.state.entries()].filter(([key, row]) => key.startsWith(job + separator) && wanted.has(row.partition)).map(([, row]) => row);
  const checkpointId = positions.reduce((highest, position) => Math.max(highest, position.checkpointId), 0);
  if (views.length === 0) return { checkpointId, positions, state };
  const viewRows = [...tables.views.values()]
    .filter((row) => row.job === job && views.includes(row.view) && wanted.has(row.partition))
    .map(({ view, partition, key, value }) => ({ view, partition, key, value }));
  return { checkpointId, positions, state, views: viewRows };
}

function byKeyThenPartition(a: ViewRow, b: ViewRow): number {
  if (a.key !== b.key) return a.key < b.key ? -1 : 1;
  return a.partition - b.partition;
}

export function createMemoryCheckpointStore(clock: Clock, lateEventsMax: number = limits.streamLateEventsMax): MemoryCheckpointStore {
  const tables: Tables = { positions: new Map(), state: new Map(), views: new Map(), late: [], lateId: 0, counts: new Map(), lateEventsMax };
  const positionsOf = (job: string): StreamPartitionPosition[] =>
    [...tables.positions.entries()].filter(([key]) => key.startsWith(job + separator)).map(([, position]) => position).sort((a, b) => a.partition - b.partition);
  return {
    repository: {
      load: async (job, partitions, views) => load(tables, job, partitions, views),
      commit: async (job, checkpoint) => commit(tables, job, checkpoint, clock.nowMs()),
      positions: async (job) => positionsOf(job),
    },
    commitSync: (job, checkpoint) => commit(tables, job, checkpoint, clock.nowMs()),
    loadSync: (job, partitions, views) => load(tables, job, partitions, views),
    viewRows: (view) => [...tables.views.values()].filter((row) => row.view === view).sort(byKeyThenPartition),
    lateEvents: () => [...tables.late],
    lateCounts(job) {
      const result: Record<string, number> = {};
      for (const [key, count] of [...tables.counts.entries()].sort()) {
        const [owner, reason] = key.split(separator);
        if (owner === job) result[reason!] = count;
      }
      return result;
    },
  };
}
