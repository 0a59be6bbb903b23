// One group commit cycle across partitions: each partition's writes and fsync run in parallel;
// a partition whose write fails stops taking appends (see partitionFailedError) while the others
// carry on. Appends are acknowledged here, then waiting readers woken, then checkpoints taken.
import type { TimerHandle } from '../../core/index.js';
import { syncData } from './file-io.js';
import type { CommitBatches, CommitCycle, PendingAppend } from './group-commit.js';
import { checkpointPartition } from './partition-checkpoint.js';
import { writePartition } from './partition-commit.js';
import type { PartitionState } from './partition-state.js';
import type { LogContext } from './log-context.js';
import { partitionFailedError } from './segmented-errors.js';

export interface CommitHooks {
  /** Called once records of `state` became readable. */
  committed(state: PartitionState): void;
  /** Asks for another cycle (to fsync under `fsync: interval`). */
  kick(): void;
}

function acknowledge(state: PartitionState, appends: readonly PendingAppend[]): void {
  for (const append of appends) {
    if (append.key) {
      const entry = state.dedupe.get(append.key.key, append.key.timeMs);
      if (entry && entry.firstOffset === append.firstOffset) entry.durable = undefined;
    }
    append.resolve();
  }
}

function fail(state: PartitionState, appends: readonly PendingAppend[], error: unknown): void {
  state.failure ??= partitionFailedError(state.partition, error);
  for (const append of appends) {
    if (append.key) state.dedupe.delete(append.key.key);
    append.reject(state.failure);
  }
}

async function commitPartition(context: LogContext, state: PartitionState, appends: PendingAppend[], timeMs: number, hooks: CommitHooks): Promise<void> {
  if (state.failure) return fail(state, appends, state.failure);
  let synced: boolean;
  try {
    synced = await writePartition(context, state, appends, timeMs);
  } catch (error) {
    return fail(state, appends, error);
  }
  if (!synced) state.unsyncedSinceMs ??= timeMs;
  acknowledge(state, appends);
  hooks.committed(state);
  if (!synced || timeMs - state.lastCheckpointMs < context.options.checkpointIntervalMs) return;
  try {
    await checkpointPartition(state, timeMs);
  } catch (error) {
    // The appends stand (their data is fsynced), but a disk that fails an fsync takes no more.
    state.failure ??= partitionFailedError(state.partition, error);
  }
}

/** Under `fsync: interval`: fsyncs the partitions whose oldest unsynced write is due. */
async function syncDue(context: LogContext, states: readonly PartitionState[], nowMs: number): Promise<boolean> {
  let waiting = false;
  await Promise.all(
    states.map(async (state) => {
      if (state.unsyncedSinceMs === undefined || state.failure) return;
      if (nowMs - state.unsyncedSinceMs < context.options.fsyncIntervalMs) {
        waiting = true;
        return;
      }
      try {
        state.unsyncedSinceMs = undefined;
        await syncData(state.dataFd);
        if (nowMs - state.lastCheckpointMs >= context.options.checkpointIntervalMs) await checkpointPartition(state, nowMs);
      } catch (error) {
        state.failure ??= partitionFailedError(state.partition, error);
      }
    }),
  );
  return waiting;
}

export function createCommitCycle(context: LogContext, states: readonly PartitionState[], hooks: CommitHooks): CommitCycle {
  let syncTimer: TimerHandle | undefined;
  return async (batches: CommitBatches) => {
    const timeMs = context.clock.nowMs();
    await Promise.all([...batches].map(([state, appends]) => commitPartition(context, state, appends, timeMs, hooks)));
    if (context.options.fsync !== 'interval') return;
    const waiting = await syncDue(context, states, context.clock.nowMs());
    if (waiting && !syncTimer) {
      syncTimer = context.clock.setTimer(context.options.fsyncIntervalMs, () => {
        syncTimer = undefined;
        hooks.kick();
      });
    }
  };
}
