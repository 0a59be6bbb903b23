// The embedded EventLog backend: partitions of segmented append-only files with group commit,
// one writer per folder (writer-lock.ts) and any number of read-only followers (follower-log.ts).
// docs/log-segmented.md describes the files, the durability guarantees and recovery.
import fs from 'node:fs/promises';
import type { Clock, Logger } from '../../core/index.js';
import { offsetRemovedError } from '../errors.js';
import type { EventLog, PartitionStats, RecordBatch, RetentionReport } from '../types.js';
import { appendRecords } from './append-records.js';
import { createCommitCycle } from './commit-cycle.js';
import { createConsumerOffsetStore } from './consumer-offsets.js';
import { createGroupCommitter, type CommitBatches } from './group-commit.js';
import { createLifecycle } from '../lifecycle.js';
import { openLogMetadata } from './log-metadata.js';
import { parseSegmentedLogOptions, type SegmentedLogOptions } from './options.js';
import { closePartitions, openPartitions } from './partition-set.js';
import { partitionBytes, startOffset, type PartitionState } from './partition-state.js';
import { createReadWaiters } from './read-waiters.js';
import { checkAppend, checkPartition, checkRead, type ReadBounds } from '../request-checks.js';
import { applyPartitionRetention } from './retention.js';
import type { LogContext } from './log-context.js';
import { readCommitted } from './segment-reader.js';
import { createSegmentedFollower } from './follower-log.js';
import { acquireWriterLock, type WriterLock } from './writer-lock.js';

export interface SegmentedLogDeps {
  clock: Clock;
  /** Receives recovery warnings (cut tails, rebuilt indexes) and retention notes. */
  logger: Logger;
}

function stats(state: PartitionState): PartitionStats {
  const start = startOffset(state);
  return { partition: state.partition, startOffset: start, endOffset: state.committedEnd, records: state.committedEnd - start, bytes: partitionBytes(state) };
}

/**
 * Opens the log in `input.dir`: as its one writer (taking `<dir>/writer.lock`, then recovering
 * every partition), or with `readOnly: true` as a follower of the writer another process runs.
 */
export async function createSegmentedLog(deps: SegmentedLogDeps, input: SegmentedLogOptions): Promise<EventLog> {
  const options = parseSegmentedLogOptions(input);
  const context: LogContext = { options, clock: deps.clock, logger: deps.logger };
  if (options.readOnly) return createSegmentedFollower(context, input.partitions);
  await fs.mkdir(options.dir, { recursive: true });
  const lock = await acquireWriterLock(deps, options.dir);
  try {
    return await openWriter(context, lock);
  } catch (error) {
    await lock.release();
    throw error;
  }
}

async function openWriter(context: LogContext, lock: WriterLock): Promise<EventLog> {
  const { options } = context;
  await openLogMetadata(options.dir, options.partitions, context.clock.nowMs());
  const states = await openPartitions(context);
  const consumers = await createConsumerOffsetStore(options.dir, options.partitions).catch(async (error: unknown) => {
    await closePartitions(context, states, false);
    throw error;
  });
  const waiters = createReadWaiters(context.clock, options.partitions);
  const lifecycle = createLifecycle();
  const cycle = createCommitCycle(context, states, { committed: (state) => waiters.wake(state.partition), kick: () => committer.kick() });
  const committer = createGroupCommitter(context, (batches: CommitBatches) => cycle(batches));
  const nowMs = () => context.clock.nowMs();
  const state = (partition: number): PartitionState => {
    checkPartition(partition, options.partitions);
    return states[partition]!;
  };

  const read = async (partition: number, fromOffset: number, bounds: ReadBounds): Promise<RecordBatch> => {
    const target = state(partition);
    if (fromOffset < startOffset(target)) throw offsetRemovedError(partition, fromOffset, startOffset(target));
    if (fromOffset >= target.committedEnd) await waiters.wait(partition, bounds.waitMs);
    if (fromOffset < startOffset(target)) throw offsetRemovedError(partition, fromOffset, startOffset(target));
    if (fromOffset >= target.committedEnd) return { partition, records: [], nextOffset: target.committedEnd };
    return readCommitted(target, fromOffset, bounds, options.indexIntervalBytes);
  };

  let closed: Promise<void> | undefined;
  const close = async (): Promise<void> => {
    committer.hurry();
    committer.kick();
    const settled = lifecycle.close();
    waiters.wakeAll();
    await settled;
    await committer.drain();
    try {
      await closePartitions(context, states);
    } finally {
      await lock.release();
    }
  };

  return {
    kind: 'segmented',
    partitions: options.partitions,
    append: (partition, records, appendOptions) =>
      lifecycle.run(async () => {
        checkAppend(partition, records, appendOptions?.idempotencyKey);
        return appendRecords(state(partition), committer, records, appendOptions?.idempotencyKey, nowMs);
      }),
    read: (partition, fromOffset, readOptions = {}) => lifecycle.run(() => read(partition, fromOffset, checkRead(partition, fromOffset, readOptions))),
    endOffsets: () => lifecycle.run(async () => states.map((target) => target.committedEnd)),
    startOffsets: () => lifecycle.run(async () => states.map(startOffset)),
    stats: () => lifecycle.run(async () => states.map(stats)),
    commitConsumerOffsets: (consumer, offsets) => lifecycle.run(() => consumers.commit(consumer, offsets)),
    consumerOffsets: (consumer) => lifecycle.run(() => consumers.read(consumer)),
    applyRetention: () =>
      lifecycle.run(async () => {
        const total: RetentionReport = { removedUnits: 0, removedRecords: 0, removedBytes: 0 };
        for (const target of states) {
          const report = await applyPartitionRetention(context, target);
          total.removedUnits += report.removedUnits;
          total.removedRecords += report.removedRecords;
          total.removedBytes += report.removedBytes;
        }
        return total;
      }),
    close: () => (closed ??= close()),
  };
}
