// One partition's share of a group commit: roll the segment if full, write every queued append's
// frames and a closing commit frame in one writev, add index entries for the new bytes, fsync
// (under `fsync: batch`), mark the records committed, and publish the new end to followers
// beside the acknowledgment rather than before it (one thread-pool round trip less per commit).
import { assert } from '../../core/index.js';
import { writeCommittedEnd, type CommittedEnd } from './committed-end.js';
import { partitionFailedError } from './segmented-errors.js';
import { frameHeaderBytes, encodeMetaFrame } from './frame-codec.js';
import { syncData, writeAllAt } from './file-io.js';
import type { PendingAppend } from './group-commit.js';
import { encodeJournalEntries } from './index-journal.js';
import { encodeMeta, type MetaRecord } from './meta-records.js';
import { activeSegment, type PartitionState, type Segment } from './partition-state.js';
import { dataFileFlags, type LogContext } from './log-context.js';
import { rollSegment } from './segment-roll.js';

/**
 * Index entries for the appends' data frames at or after each due position. Only an append that
 * crosses a due position is walked, frame header by frame header.
 */
function indexEntries(state: PartitionState, segment: Segment, appends: readonly PendingAppend[], start: number, intervalBytes: number): MetaRecord[] {
  const entries: MetaRecord[] = [];
  let position = start;
  for (const append of appends) {
    const frames = append.frames;
    if (state.nextIndexPosition < position + frames.length) {
      let relativeOffset = append.firstOffset - segment.baseOffset;
      for (let at = 0; at < frames.length; ) {
        const word = frames.readUInt32LE(at);
        if (word >>> 31 === 0) {
          if (position + at >= state.nextIndexPosition) {
            entries.push({ kind: 'offset', relativeOffset, position: position + at });
            segment.index.add(relativeOffset, position + at);
            state.nextIndexPosition = position + at + intervalBytes;
          }
          relativeOffset++;
        }
        at += frameHeaderBytes + (word & 0x7fff_ffff);
      }
    }
    if (append.key) entries.push(append.key);
    position += frames.length;
  }
  return entries;
}

/** Writes the appends; returns whether the data is now fsynced. Throws on any disk error. */
export async function writePartition(context: LogContext, state: PartitionState, appends: readonly PendingAppend[], timeMs: number): Promise<boolean> {
  if (activeSegment(state).sizeBytes >= context.options.segmentBytes) await rollSegment(state, dataFileFlags(context) !== 0);
  const segment = activeSegment(state);
  const start = segment.sizeBytes;
  const buffers = appends.map((append) => append.frames);
  buffers.push(encodeMetaFrame(encodeMeta({ kind: 'commit', timeMs })));
  const journal = encodeJournalEntries(indexEntries(state, segment, appends, start, context.options.indexIntervalBytes));
  let bytes = 0;
  let records = 0;
  for (const buffer of buffers) bytes += buffer.length;
  for (const append of appends) records += append.count;

  // Index entries and seals store positions and record counts as u32.
  assert(segment.sizeBytes + bytes < 2 ** 32 && segment.records + records < 2 ** 32, 'a segment stays below 4 GiB and 2^32 records');
  segment.sizeBytes += bytes;
  segment.records += records;
  const indexAt = state.indexBytes;
  state.indexBytes += journal.length;
  // The index file is a cache checked against the segment on recovery, so it is written beside
  // the data rather than after it, and fsynced only before a checkpoint or a seal.
  await Promise.all([writeAllAt(state.dataFd, buffers, start), journal.length > 0 ? writeAllAt(state.indexFd, [journal], indexAt) : undefined]);
  const synced = context.options.fsync === 'batch';
  // Under O_DSYNC the write above returned once its data was durable: no fdatasync round trip.
  if (synced && dataFileFlags(context) === 0) await syncData(state.dataFd);
  // Followers see the commit once this write lands: always after the fsync, so never a record a
  // crash could lose; possibly a moment after the acknowledgment.
  publishCommittedEnd(state, { segmentBase: segment.baseOffset, position: segment.sizeBytes, relativeOffset: segment.records, timeMs });

  segment.committedBytes = segment.sizeBytes;
  segment.newestAppendMs = timeMs;
  state.committedEnd = segment.baseOffset + segment.records;
  return synced;
}

/**
 * Publishes `end` to followers: one committed-end write at a time, in commit order, the newest end
 * replacing any not yet written (an older end is still true, it only lags). A failed write stops
 * the partition's appends, as a failed data write does.
 */
export function publishCommittedEnd(state: PartitionState, end: CommittedEnd): void {
  state.committedEndNext = end;
  if (state.committedEndWriting) return;
  const drain = async (): Promise<void> => {
    for (let next = state.committedEndNext; next !== undefined; next = state.committedEndNext) {
      state.committedEndNext = undefined;
      await writeCommittedEnd(state.committedEndFd, next);
    }
  };
  state.committedEndWriting = drain()
    .catch((error: unknown) => {
      state.failure ??= partitionFailedError(state.partition, error);
    })
    .finally(() => {
      state.committedEndWriting = undefined;
    });
}

/** Resolves once every published end is written (before the committed-end file is closed). */
export async function committedEndSettled(state: PartitionState): Promise<void> {
  while (state.committedEndWriting) await state.committedEndWriting;
}

