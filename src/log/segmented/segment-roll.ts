// Starts a new segment once the active one is full. The order makes a crash at any step safe:
// the full segment's data and sealed index are fsynced before the new file exists, so recovery
// only ever has to repair the last segment.
import { closeFile, createExclusive, dataSyncFlag, syncData, syncDirectory, writeAllAt } from './file-io.js';
import { encodeJournalEntries } from './index-journal.js';
import { activeSegment, type PartitionState } from './partition-state.js';
import { indexPath, segmentPath } from './segment-files.js';
import { createSparseIndex } from './sparse-index.js';

/** `dataSync`: open the new data file with O_DSYNC (under `fsync: batch`, see dataFileFlags). */
export async function rollSegment(state: PartitionState, dataSync: boolean): Promise<void> {
  const full = activeSegment(state);
  await syncData(state.dataFd);
  const seal = encodeJournalEntries([
    { kind: 'seal', records: full.records, sizeBytes: full.sizeBytes, newestAppendMs: full.newestAppendMs },
  ]);
  await writeAllAt(state.indexFd, [seal], state.indexBytes);
  await syncData(state.indexFd);
  await closeFile(state.dataFd);
  await closeFile(state.indexFd);

  const base = full.baseOffset + full.records;
  // Exclusive: the name is new, or something is badly wrong with the offsets.
  state.dataFd = await createExclusive(segmentPath(state.dir, base), dataSync ? dataSyncFlag : 0);
  state.indexFd = await createExclusive(indexPath(state.dir, base));
  await syncDirectory(state.dir);
  state.indexBytes = 0;
  state.nextIndexPosition = 0;
  state.segments.push({
    baseOffset: base,
    dataPath: segmentPath(state.dir, base),
    indexPath: indexPath(state.dir, base),
    records: 0,
    sizeBytes: 0,
    committedBytes: 0,
    index: createSparseIndex(),
    newestAppendMs: full.newestAppendMs,
  });
}
