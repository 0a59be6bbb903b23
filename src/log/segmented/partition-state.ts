// The in-memory state of one partition: its segments, the active segment's files, and the
// offsets that divide acknowledged records from records still being committed.
import type { CommittedEnd } from './committed-end.js';
import type { LogError } from '../errors.js';
import type { DedupeMap } from './dedupe-map.js';
import type { SparseIndex } from './sparse-index.js';

export interface Segment {
  readonly baseOffset: number;
  readonly dataPath: string;
  readonly indexPath: string;
  /** Records written to the segment, including a group commit in flight. */
  records: number;
  /** Bytes written, including a group commit in flight. */
  sizeBytes: number;
  /** Bytes of completed group commits: reads never look past them. */
  committedBytes: number;
  index: SparseIndex;
  /** Time of the segment's newest group commit, by the log's clock; retention ages it. */
  newestAppendMs: number;
}

/** What reads need of a partition, the writer's or a follower's. */
export interface SegmentList {
  readonly partition: number;
  /** Oldest first; the last one is active (appended to), the others are sealed. */
  segments: Segment[];
  /** Offsets below this are acknowledged (durable under `fsync: batch`) and readable. */
  committedEnd: number;
}

export interface PartitionState extends SegmentList {
  readonly dir: string;
  /** Descriptors of the active segment's data and index files, the checkpoint and the committed-end file. */
  dataFd: number;
  indexFd: number;
  checkpointFd: number;
  committedEndFd: number;
  /** Bytes written to the active segment's index file. */
  indexBytes: number;
  /** Position in the active segment at or after which the next index entry is due. */
  nextIndexPosition: number;
  /** The offset the next appended record gets (records in flight are below it). */
  nextOffset: number;
  lastCheckpointMs: number;
  /** Under `fsync: interval`: when the oldest committed but not yet fsynced write happened. */
  unsyncedSinceMs: number | undefined;
  dedupe: DedupeMap;
  /** Set when a write failed: the partition takes no more appends until reopened. */
  failure: LogError | undefined;
  /** The committed-end write in flight, if any (see publishCommittedEnd). */
  committedEndWriting: Promise<void> | undefined;
  /** The newest end to publish once the write in flight is done. */
  committedEndNext: CommittedEnd | undefined;
}

export function activeSegment(state: SegmentList): Segment {
  return state.segments[state.segments.length - 1]!;
}

export function startOffset(state: SegmentList): number {
  return state.segments[0]!.baseOffset;
}

/** The segment holding `offset`: the last whose base offset is at or below it. */
export function findSegment(state: SegmentList, offset: number): Segment | undefined {
  const segments = state.segments;
  let low = 0;
  let high = segments.length - 1;
  let found: Segment | undefined;
  while (low <= high) {
    const middle = (low + high) >>> 1;
    if (segments[middle]!.baseOffset <= offset) {
      found = segments[middle];
      low = middle + 1;
    } else {
      high = middle - 1;
    }
  }
  return found;
}

/** The offset after the segment's last committed record. */
export function segmentEndOffset(state: SegmentList, segment: Segment): number {
  const position = state.segments.indexOf(segment);
  const next = state.segments[position + 1];
  return next ? next.baseOffset : state.committedEnd;
}

export function partitionBytes(state: SegmentList): number {
  let total = 0;
  for (const segment of state.segments) total += segment.committedBytes;
  return total;
}
