// A read-only follower's view of one partition. The view reaches exactly up to the committed end
// the writer published (committed-end.ts): records after it were never acknowledged and may be
// cut by the writer's recovery, so they are never shown, and a torn tail being written is never
// even looked at. Each new committed end is checked before it is believed: it never moves back
// and it ends in the commit frame it names. Segment files are listed again when the end moves to
// a new segment (a roll) and when asked (retention moves the start).
import type { Logger } from '../../core/index.js';
import { LogError } from '../errors.js';
import { closeFile, openFile, readAt } from './file-io.js';
import { readCommittedEnd, sameCommittedEnd, type CommittedEnd } from './committed-end.js';
import { createFrameView, encodeMetaFrame, readFrame } from './frame-codec.js';
import { decodeMeta, encodeMeta } from './meta-records.js';
import type { Segment, SegmentList } from './partition-state.js';
import { committedEndPath, partitionDirectory, segmentPath } from './segment-files.js';
import { followerDivergedError } from './segmented-errors.js';
import { activeSegmentView, emptySegment, listSegmentBases, sealedSegmentView } from './followed-segments.js';

export interface FollowedPartition extends SegmentList {
  readonly dir: string;
  /** The published committed end this view was last brought up to. */
  accepted: CommittedEnd | undefined;
  /** Base offsets of the segments known to be sealed: their size and index are final. */
  sealed: Set<number>;
  committedEndFd: number | undefined;
  /** The open data file of the committed end's segment, where commit frames are checked. */
  tail: { base: number; fd: number } | undefined;
  /** Set when the folder changed under the follower; reads of the partition fail with it. */
  failure: LogError | undefined;
  /** A first committed end that did not check out (warned about once), until a good one comes. */
  unverified: CommittedEnd | undefined;
}

const commitFrameBytes = encodeMetaFrame(encodeMeta({ kind: 'commit', timeMs: 0 })).length;
/** Immediate rereads of a committed end found torn (read while the writer overwrote it). */
const tornRereadsMax = 3;

export function createFollowedPartition(dir: string, partition: number): FollowedPartition {
  const partitionDir = partitionDirectory(dir, partition);
  return {
    partition,
    dir: partitionDir,
    segments: [emptySegment(partitionDir, 0)],
    committedEnd: 0,
    accepted: undefined,
    sealed: new Set(),
    committedEndFd: undefined,
    tail: undefined,
    failure: undefined,
    unverified: undefined,
  };
}

const isMissing = (error: unknown) => (error as NodeJS.ErrnoException).code === 'ENOENT';

async function readPublishedEnd(state: FollowedPartition): Promise<CommittedEnd | undefined> {
  if (state.committedEndFd === undefined) {
    try {
      state.committedEndFd = await openFile(committedEndPath(state.dir), 'r');
    } catch (error) {
      // The writer has not opened this partition yet.
      if (isMissing(error)) return undefined;
      throw error;
    }
  }
  for (let attempt = 0; attempt < tornRereadsMax; attempt++) {
    const end = await readCommittedEnd(state.committedEndFd);
    if (end) return end;
  }
  return undefined;
}

async function tailFd(state: FollowedPartition, base: number): Promise<number | undefined> {
  if (state.tail?.base === base) return state.tail.fd;
  if (state.tail) await closeFile(state.tail.fd);
  state.tail = undefined;
  try {
    state.tail = { base, fd: await openFile(segmentPath(state.dir, base), 'r') };
    return state.tail.fd;
  } catch (error) {
    if (isMissing(error)) return undefined;
    throw error;
  }
}

/** Whether `end` closes a whole commit frame of its time; `gone` when its segment was removed meanwhile. */
async function endsInItsCommitFrame(state: FollowedPartition, end: CommittedEnd): Promise<boolean | 'gone'> {
  if (end.position === 0) return true;
  if (end.position < commitFrameBytes) return false;
  const fd = await tailFd(state, end.segmentBase);
  if (fd === undefined) return 'gone';
  const bytes = Buffer.alloc(commitFrameBytes);
  if ((await readAt(fd, bytes, commitFrameBytes, end.position - commitFrameBytes)) < commitFrameBytes) return false;
  const view = createFrameView();
  if (readFrame(bytes, 0, commitFrameBytes, view) !== 'ok' || !view.meta) return false;
  const meta = decodeMeta(view.body);
  return meta?.kind === 'commit' && meta.timeMs === end.timeMs;
}

/** Throws when `end` would take back something `previous` let the follower show. */
function checkForward(state: FollowedPartition, previous: CommittedEnd, end: CommittedEnd): void {
  const fail = (detail: string) => {
    throw followerDivergedError(state.partition, `${detail}: was segment ${previous.segmentBase} byte ${previous.position}, now segment ${end.segmentBase} byte ${end.position}`);
  };
  if (end.segmentBase < previous.segmentBase) fail('the committed end moved back to an older segment');
  if (end.segmentBase === previous.segmentBase && (end.position < previous.position || end.relativeOffset < previous.relativeOffset)) {
    fail('the committed end moved back');
  }
  if (end.segmentBase === previous.segmentBase && end.position === previous.position && end.relativeOffset !== previous.relativeOffset) {
    fail('the same committed end names another record count');
  }
  if (end.segmentBase > previous.segmentBase && end.segmentBase < previous.segmentBase + previous.relativeOffset) {
    fail('a new segment starts before the end of records already shown');
  }
}

/**
 * Lists the segments up to `end`'s (reusing what is known of them) and makes them the view.
 * False when `end`'s segment is not there (retention removed it after a newer end was published).
 */
export async function relistSegments(state: FollowedPartition, end: CommittedEnd): Promise<boolean> {
  const bases = (await listSegmentBases(state.dir)).filter((base) => base <= end.segmentBase);
  if (bases.at(-1) !== end.segmentBase) return false;
  // Before the first committed end, the view holds only a placeholder: nothing to reuse.
  const known = new Map(state.accepted ? state.segments.map((segment) => [segment.baseOffset, segment]) : []);
  const segments: Segment[] = [];
  for (let i = 0; i < bases.length; i++) {
    const base = bases[i]!;
    const next = bases[i + 1];
    const existing = known.get(base);
    if (next === undefined) segments.push(await activeSegmentView(state, base, existing, end));
    else if (existing && state.sealed.has(base)) segments.push(existing);
    else {
      const sealed = await sealedSegmentView(state, base, next, existing);
      // Removed by retention while listing: so was everything before it.
      if (sealed) segments.push(sealed);
      else segments.length = 0;
    }
  }
  for (const base of state.sealed) if (!bases.includes(base)) state.sealed.delete(base);
  state.segments = segments;
  return true;
}

/** True once the view shows `end`; false to look again (its segment is gone), or to wait (unverified). */
async function adopt(state: FollowedPartition, end: CommittedEnd, logger: Logger): Promise<boolean | 'wait'> {
  const previous = state.accepted;
  if (previous) checkForward(state, previous, end);
  const framed = await endsInItsCommitFrame(state, end);
  if (framed === 'gone') return false;
  if (!framed) {
    const detail = `segment ${end.segmentBase} has no commit frame of time ${end.timeMs} ending at byte ${end.position}`;
    if (previous) throw followerDivergedError(state.partition, detail);
    // Nothing shown yet, so nothing to take back: a power cut can leave the committed end ahead
    // of the data under `fsync: interval`, until the writer's recovery rewrites it.
    if (!state.unverified || !sameCommittedEnd(state.unverified, end)) {
      logger.warn({ partition: state.partition, detail }, 'the published committed end does not check out; showing nothing of the partition until the writer publishes another');
    }
    state.unverified = end;
    return 'wait';
  }
  state.unverified = undefined;
  if (!previous || previous.segmentBase !== end.segmentBase) {
    if (!(await relistSegments(state, end))) return false;
  } else {
    await activeSegmentView(state, end.segmentBase, state.segments.at(-1), end);
  }
  state.committedEnd = end.segmentBase + end.relativeOffset;
  state.accepted = end;
  return true;
}

/**
 * Brings the view up to the writer's latest committed end; true when records became visible.
 * Run one at a time per partition. A divergence is kept as the partition's failure.
 */
export async function refreshFollowedPartition(state: FollowedPartition, logger: Logger): Promise<boolean> {
  if (state.failure) return false;
  const before = state.committedEnd;
  try {
    // A retry happens only when the end moved on to a segment that retention then removed.
    for (let attempt = 0; attempt < tornRereadsMax; attempt++) {
      const end = await readPublishedEnd(state);
      if (!end || (state.accepted && sameCommittedEnd(state.accepted, end))) break;
      if ((await adopt(state, end, logger)) !== false) break;
    }
  } catch (error) {
    if (!(error instanceof LogError) || error.code !== 'log_follower_diverged') throw error;
    state.failure = error;
  }
  return state.committedEnd > before;
}

/** Lists the segments again (retention may have moved the start). */
export async function relistFollowedPartition(state: FollowedPartition): Promise<void> {
  if (state.failure || !state.accepted) return;
  await relistSegments(state, state.accepted);
}

export async function closeFollowedPartition(state: FollowedPartition): Promise<void> {
  if (state.committedEndFd !== undefined) await closeFile(state.committedEndFd).catch(() => undefined);
  if (state.tail) await closeFile(state.tail.fd).catch(() => undefined);
  state.committedEndFd = undefined;
  state.tail = undefined;
}
