// Reads committed records of one partition: seeks with the sparse index, walks frames in large
// chunks and returns views of them (no copy per record). A frame failing its checksum is never
// returned: the read returns the records before it, and a read starting at it fails.
import { assert, limits } from '../../core/index.js';
import { offsetRemovedError } from '../errors.js';
import type { LogRecord, RecordBatch } from '../types.js';
import { closeFile, openFile } from './file-io.js';
import { scanFrames, type ScanResult } from './frame-scanner.js';
import { findSegment, segmentEndOffset, startOffset, type Segment, type SegmentList } from './partition-state.js';
import type { ReadBounds } from '../request-checks.js';
import { logCorruptError } from './segmented-errors.js';

async function openSegment(state: SegmentList, segment: Segment, fromOffset: number): Promise<number> {
  try {
    return await openFile(segment.dataPath, 'r');
  } catch (error) {
    // Retention removed the segment between the lookup and the open.
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw offsetRemovedError(state.partition, fromOffset, startOffset(state));
    throw error;
  }
}

interface Walk {
  records: LogRecord[];
  /** Offset of the next frame the walk would have read. */
  offset: number;
  result: ScanResult;
}

/**
 * Adds the data frame at `position` to the segment's sparse index when it lies an interval past
 * the last entry; returns the position from which the next entry is due. Followers learn their
 * index of the active segment this way, from frames their reads have checked.
 */
function learnIndexEntry(segment: Segment, relativeOffset: number, position: number, intervalBytes: number): number {
  // Another read may have added entries meanwhile: compare with the index as it is now.
  const last = segment.index.last();
  if (last && (position < last.position + intervalBytes || relativeOffset <= last.relativeOffset)) return last.position + intervalBytes;
  segment.index.add(relativeOffset, position);
  return position + intervalBytes;
}

async function walkSegment(
  fd: number,
  segment: Segment,
  fromOffset: number,
  endOffset: number,
  bounds: ReadBounds,
  indexIntervalBytes: number,
  learnIndex: boolean,
): Promise<Walk> {
  const point = segment.index.floor(fromOffset - segment.baseOffset);
  const records: LogRecord[] = [];
  const limitOffset = Math.min(endOffset, fromOffset + bounds.maxRecords);
  let offset = segment.baseOffset + point.relativeOffset;
  let bytes = 0;
  let indexDue = learnIndex ? (segment.index.last()?.position ?? 0) + indexIntervalBytes : Number.POSITIVE_INFINITY;
  const chunkBytes = Math.min(limits.logReadChunkBytes, bounds.maxBytes + indexIntervalBytes);
  const result = await scanFrames(fd, point.position, segment.committedBytes, chunkBytes, (frame, position) => {
    if (frame.meta) return true;
    if (position >= indexDue) indexDue = learnIndexEntry(segment, offset - segment.baseOffset, position, indexIntervalBytes);
    if (offset >= fromOffset) {
      if (records.length > 0 && bytes + frame.body.length > bounds.maxBytes) return false;
      records.push({ offset, value: frame.body });
      bytes += frame.body.length;
    }
    offset++;
    return offset < limitOffset;
  });
  return { records, offset, result };
}

/**
 * Reads from `fromOffset`, which must be at or above the start and below the committed end. With
 * `learnIndex` (followers), the frames walked extend the segment's sparse index.
 */
export async function readCommitted(state: SegmentList, fromOffset: number, bounds: ReadBounds, indexIntervalBytes: number, learnIndex = false): Promise<RecordBatch> {
  const segment = findSegment(state, fromOffset);
  assert(segment, () => `partition ${state.partition} has a segment for offset ${fromOffset}`);
  const endOffset = segmentEndOffset(state, segment);
  assert(fromOffset < endOffset, () => `offset ${fromOffset} is below the end ${endOffset} of its segment`);
  const fd = await openSegment(state, segment, fromOffset);
  let walk: Walk;
  try {
    walk = await walkSegment(fd, segment, fromOffset, endOffset, bounds, indexIntervalBytes, learnIndex);
  } finally {
    await closeFile(fd);
  }
  const last = walk.records.at(-1);
  if (last) return { partition: state.partition, records: walk.records, nextOffset: last.offset + 1 };
  // Nothing readable where records must be: the frame at the walk's stop is damaged or missing.
  const detail = walk.result.status === 'end' ? `segment ${segment.baseOffset} ends early` : `${walk.result.status} at byte ${walk.result.position} of segment ${segment.baseOffset}`;
  throw logCorruptError(state.partition, walk.offset, detail);
}
