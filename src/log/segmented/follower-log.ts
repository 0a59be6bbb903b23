// A read-only follower of a segmented log written by another process (or another log object of
// this one): stream workers read the log the serving process writes. It never writes log data,
// never truncates, never recovers; it shows each partition up to the committed end the writer
// published, finds new commits through inotify and a short poll, and follows rolls and retention
// by listing segment files. docs/log-segmented.md ("Followers") describes the guarantees.
import { offsetRemovedError, type LogError } from '../errors.js';
import type { EventLog, PartitionStats, RecordBatch } from '../types.js';
import { createConsumerOffsetStore } from './consumer-offsets.js';
import {
  closeFollowedPartition,
  createFollowedPartition,
  refreshFollowedPartition,
  relistFollowedPartition,
  type FollowedPartition,
} from './followed-partition.js';
import { createFollowWakeups } from './follow-wakeups.js';
import { createLifecycle } from '../lifecycle.js';
import type { LogContext } from './log-context.js';
import { readLogMetadata } from './log-metadata.js';
import { partitionBytes, startOffset } from './partition-state.js';
import { createReadWaiters, type ReadWaiters } from './read-waiters.js';
import { checkPartition, checkRead, type ReadBounds } from '../request-checks.js';
import { readCommitted } from './segment-reader.js';
import { readOnlyError } from './segmented-errors.js';

/**
 * Runs a partition's view updates one at a time. An update asked for while one of its kind is
 * queued joins that one: it still starts after the call, so it sees what was published before.
 */
function createViewQueue() {
  let tail: Promise<unknown> = Promise.resolve();
  const queued = new Map<string, Promise<void>>();
  return {
    run(kind: 'refresh' | 'relist', operation: () => Promise<void>): Promise<void> {
      let run = queued.get(kind);
      if (!run) {
        run = tail.then(() => {
          queued.delete(kind);
          return operation();
        });
        queued.set(kind, run);
        tail = run.catch(() => undefined);
      }
      return run;
    },
    settled: () => tail,
  };
}

/** Updates of the partitions' views: one at a time per partition; a refresh wakes the readers it serves. */
function createViews(context: LogContext, states: readonly FollowedPartition[], waiters: ReadWaiters) {
  const queues = states.map(() => createViewQueue());
  const refresh = (partition: number): Promise<void> =>
    queues[partition]!.run('refresh', async () => {
      if (await refreshFollowedPartition(states[partition]!, context.logger)) waiters.wake(partition);
    });
  const relist = (partition: number): Promise<void> => queues[partition]!.run('relist', () => relistFollowedPartition(states[partition]!));
  return {
    refresh,
    relist,
    /** Brings every partition up to its committed end, and with `listing`, to its current start. */
    async refreshAll(listing: boolean): Promise<void> {
      await Promise.all(
        states.map(async (_, partition) => {
          await refresh(partition);
          if (listing) await relist(partition);
        }),
      );
    },
    settled: () => Promise.all(queues.map((queue) => queue.settled())),
  };
}

function stats(state: FollowedPartition): PartitionStats {
  const start = startOffset(state);
  return { partition: state.partition, startOffset: start, endOffset: state.committedEnd, records: state.committedEnd - start, bytes: partitionBytes(state) };
}

function usable(state: FollowedPartition): FollowedPartition {
  if (state.failure) throw state.failure as LogError;
  return state;
}

export async function createSegmentedFollower(context: LogContext, requestedPartitions: number | undefined): Promise<EventLog> {
  const { dir, indexIntervalBytes } = context.options;
  const partitions = await readLogMetadata(dir, requestedPartitions);
  const states = Array.from({ length: partitions }, (_, partition) => createFollowedPartition(dir, partition));
  const waiters = createReadWaiters(context.clock, partitions);
  const { refresh, relist, refreshAll, settled } = createViews(context, states, waiters);
  try {
    await refreshAll(false);
  } catch (error) {
    await Promise.all(states.map(closeFollowedPartition));
    throw error;
  }
  const consumers = await createConsumerOffsetStore(dir, partitions);
  const wakeups = createFollowWakeups(context, {
    partitionDirs: states.map((state) => state.dir),
    hasWaiters: (partition) => waiters.has(partition),
    check: (partition) =>
      void refresh(partition).catch((error: unknown) => context.logger.warn({ partition, error: String(error) }, 'looking for new commits failed')),
  });
  const lifecycle = createLifecycle();
  const state = (partition: number): FollowedPartition => {
    checkPartition(partition, partitions);
    return usable(states[partition]!);
  };

  const removed = async (target: FollowedPartition, fromOffset: number): Promise<never> => {
    await relist(target.partition);
    throw offsetRemovedError(target.partition, fromOffset, startOffset(target));
  };

  const read = async (partition: number, fromOffset: number, bounds: ReadBounds): Promise<RecordBatch> => {
    const target = state(partition);
    if (fromOffset >= target.committedEnd) {
      // Registered before the look, so that a commit published during it still wakes this read.
      const waited = waiters.wait(partition, bounds.waitMs);
      if (bounds.waitMs > 0) wakeups.waiting(partition);
      await refresh(partition);
      if (fromOffset >= usable(target).committedEnd) await waited;
    }
    if (fromOffset < startOffset(usable(target))) return removed(target, fromOffset);
    if (fromOffset >= target.committedEnd) return { partition, records: [], nextOffset: target.committedEnd };
    try {
      return await readCommitted(target, fromOffset, bounds, indexIntervalBytes, true);
    } catch (error) {
      if ((error as LogError).code === 'offset_out_of_range') return removed(target, fromOffset);
      throw error;
    }
  };

  let closed: Promise<void> | undefined;
  const close = async (): Promise<void> => {
    const inProgress = lifecycle.close();
    wakeups.close();
    waiters.wakeAll();
    await inProgress;
    await settled();
    await Promise.all(states.map(closeFollowedPartition));
  };
  const refuse = (operation: string) => lifecycle.run(async () => Promise.reject(readOnlyError(dir, operation)));

  return {
    kind: 'segmented',
    partitions,
    append: () => refuse('append'),
    read: (partition, fromOffset, readOptions = {}) => lifecycle.run(() => read(partition, fromOffset, checkRead(partition, fromOffset, readOptions))),
    endOffsets: () =>
      lifecycle.run(async () => {
        await refreshAll(false);
        return states.map((target) => target.committedEnd);
      }),
    startOffsets: () =>
      lifecycle.run(async () => {
        await refreshAll(true);
        return states.map(startOffset);
      }),
    stats: () =>
      lifecycle.run(async () => {
        await refreshAll(true);
        return states.map(stats);
      }),
    commitConsumerOffsets: (consumer, offsets) => lifecycle.run(() => consumers.commit(consumer, offsets)),
    consumerOffsets: (consumer) => lifecycle.run(() => consumers.read(consumer)),
    applyRetention: () => refuse('applyRetention'),
    close: () => (closed ??= close()),
  };
}
