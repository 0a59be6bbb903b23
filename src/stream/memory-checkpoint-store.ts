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
  loadSync(job: string, partitions: readonly number[]): RestoredStreamCheckpoint;
  /** Rows of `view`, ordered by key then partition. */
  viewRows(view: string): ViewRow[];
  /** Ledger rows, oldest first. */
  lateEvents(): LateEvent[];
  /** Counts by job, then reason, summed over partitions. */
  lateCounts(job: string): Record<string, number>;
}

const separator = '\u0000';

export function createMemoryCheckpointStore(clock: Clock, lateEventsMax: number = limits.streamLateEventsMax): MemoryCheckpointStore {
  const positions = new Map<string, StreamPartitionPosition>();
  const state = new Map<string, StreamStateRow>();
  const views = new Map<string, ViewRow>();
  let late: LateEvent[] = [];
  let lateId = 0;
  const counts = new Map<string, number>();
  const stateKey = (job: string, row: { partition: number; state: string; namespace: number }, key: string): string =>
    [job, row.partition, row.state, row.namespace, key].join(separator);

  const checkFences = (job: string, checkpoint: StreamCheckpoint): void => {
    for (const position of checkpoint.positions) {
      const stored = positions.get(`${job}${separator}${position.partition}`)?.nextOffset ?? null;
      if (stored !== position.expectedNextOffset) {
        throw new StoreError('conflict', `job ${job} partition ${position.partition}: stored next offset is ${stored}, this checkpoint expected ${position.expectedNextOffset}`, { field: 'positions' });
      }
    }
  };

  const applyState = (job: string, checkpoint: StreamCheckpoint): void => {
    for (const deletion of checkpoint.stateDeletions) {
      if (deletion.key !== null) {
        state.delete(stateKey(job, deletion, deletion.key));
        continue;
      }
      const prefix = stateKey(job, deletion, '');
      for (const key of [...state.keys()]) if (key.startsWith(prefix)) state.delete(key);
    }
    for (const row of checkpoint.stateUpserts) state.set(stateKey(job, row, row.key), { ...row, value: Uint8Array.from(row.value) });
  };

  const applyRest = (job: string, checkpoint: StreamCheckpoint, nowMs: number): void => {
    for (const change of checkpoint.views) {
      const key = [change.view, change.key, change.partition].join(separator);
      if (change.value === null) views.delete(key);
      else views.set(key, { view: change.view, key: change.key, partition: change.partition, job, value: Uint8Array.from(change.value), updatedAtMs: nowMs });
    }
    for (const event of checkpoint.lateEvents) late.push({ ...event, id: ++lateId, job });
    if (late.length > lateEventsMax) late = late.slice(late.length - lateEventsMax);
    for (const count of checkpoint.lateCounts) {
      const key = [job, count.reason].join(separator);
      counts.set(key, (counts.get(key) ?? 0) + count.count);
    }
    for (const position of checkpoint.positions) {
      positions.set(`${job}${separator}${position.partition}`, { partition: position.partition, nextOffset: position.nextOffset, watermarkMs: position.watermarkMs, checkpointId: checkpoint.checkpointId, committedAtMs: nowMs });
    }
  };

  const commitSync = (job: string, checkpoint: StreamCheckpoint): StreamCommitReport => {
    checkFences(job, checkpoint);
    const nowMs = clock.nowMs();
    applyState(job, checkpoint);
    applyRest(job, checkpoint, nowMs);
    const rows = checkpoint.stateDeletions.length + checkpoint.stateUpserts.length + checkpoint.views.length + checkpoint.lateEvents.length + checkpoint.lateCounts.length + checkpoint.positions.length;
    const bytes = checkpoint.stateUpserts.reduce((sum, row) => sum + row.key.length + row.value.byteLength, 0);
    return { checkpointId: checkpoint.checkpointId, rows, bytes, committedAtMs: nowMs };
  };

  const loadSync = (job: string, partitions: readonly number[]): RestoredStreamCheckpoint => {
    const found = partitions.map((partition) => positions.get(`${job}${separator}${partition}`)).filter((position) => position !== undefined);
    const wanted = new Set(partitions);
    const rows = [...state.entries()].filter(([key, row]) => key.startsWith(`${job}${separator}`) && wanted.has(row.partition)).map(([, row]) => row);
    return { checkpointId: found.reduce((highest, position) => Math.max(highest, position.checkpointId), 0), positions: found, state: rows };
  };

  return {
    repository: {
      load: async (job, partitions) => loadSync(job, partitions),
      commit: async (job, checkpoint) => commitSync(job, checkpoint),
      positions: async (job) => [...positions.entries()].filter(([key]) => key.startsWith(`${job}${separator}`)).map(([, position]) => position).sort((a, b) => a.partition - b.partition),
    },
    commitSync,
    loadSync,
    viewRows: (view) => [...views.values()].filter((row) => row.view === view).sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : a.partition - b.partition)),
    lateEvents: () => [...late],
    lateCounts(job) {
      const result: Record<string, number> = {};
      for (const [key, count] of [...counts.entries()].sort()) {
        const [owner, reason] = key.split(separator);
        if (owner === job) result[reason!] = count;
      }
      return result;
    },
  };
}
