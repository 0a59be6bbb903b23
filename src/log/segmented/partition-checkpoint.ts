// Records a partition's known-good position once its data is fsynced: the index bytes it
// names are fsynced first, so the checkpoint never vouches for anything that is not durable.
import { writeCheckpoint } from './checkpoint-file.js';
import { syncData } from './file-io.js';
import { activeSegment, type PartitionState } from './partition-state.js';

/** Call only when every committed byte of the active segment is fsynced. */
export async function checkpointPartition(state: PartitionState, nowMs: number): Promise<void> {
  const segment = activeSegment(state);
  const checkpoint = {
    segmentBase: segment.baseOffset,
    position: segment.committedBytes,
    relativeOffset: state.committedEnd - segment.baseOffset,
    indexBytes: state.indexBytes,
    timeMs: segment.newestAppendMs,
  };
  await syncData(state.indexFd);
  await writeCheckpoint(state.checkpointFd, checkpoint);
  state.lastCheckpointMs = nowMs;
}
