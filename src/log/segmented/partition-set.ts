// Opens every partition (a few at a time: each recovery does its own fsyncs) and closes them
// with a final fsync and checkpoint, so the next open has nothing to scan.
import { closeFile, syncData } from './file-io.js';
import { checkpointPartition } from './partition-checkpoint.js';
import { committedEndSettled } from './partition-commit.js';
import type { PartitionState } from './partition-state.js';
import { recoverPartition } from './partition-recovery.js';
import type { LogContext } from './log-context.js';

const partitionsOpenedAtOnce = 8;

export async function openPartitions(context: LogContext): Promise<PartitionState[]> {
  const states: PartitionState[] = new Array<PartitionState>(context.options.partitions);
  let next = 0;
  const worker = async (): Promise<void> => {
    for (let partition = next++; partition < states.length; partition = next++) {
      states[partition] = await recoverPartition(context, partition);
    }
  };
  // Settle every worker before judging, so that no partition opens after the cleanup below.
  const outcomes = await Promise.allSettled(Array.from({ length: Math.min(partitionsOpenedAtOnce, states.length) }, worker));
  const failed = outcomes.find((outcome) => outcome.status === 'rejected');
  if (failed) {
    await closePartitions(context, states.filter((state) => state !== undefined), false);
    throw failed.reason;
  }
  return states;
}

async function closeQuietly(fd: number): Promise<void> {
  await closeFile(fd).catch(() => undefined);
}

/** Releases every descriptor; with `sync`, makes everything durable and checkpoints first. */
export async function closePartitions(context: LogContext, states: readonly PartitionState[], sync = true): Promise<void> {
  const problems: unknown[] = [];
  await Promise.all(
    states.map(async (state) => {
      try {
        if (sync && !state.failure) {
          await syncData(state.dataFd);
          await checkpointPartition(state, context.clock.nowMs());
        }
      } catch (error) {
        problems.push(error);
      }
      await committedEndSettled(state);
      await closeQuietly(state.dataFd);
      await closeQuietly(state.indexFd);
      await closeQuietly(state.checkpointFd);
      await closeQuietly(state.committedEndFd);
    }),
  );
  if (problems.length > 0) throw problems[0];
}
