// Validates a segment's frames from a known-good position, as recovery and index rebuilds need:
// counts records, derives sparse index entries and idempotency keys, and finds the end of the
// last whole group commit. Everything after that end was never acknowledged (a commit is
// acknowledged only once its closing commit frame is written), so recovery may cut it off.
import { limits } from '../../core/index.js';
import { frameHeaderBytes } from './frame-codec.js';
import { scanFrames, type ScanResult } from './frame-scanner.js';
import { decodeMeta, type IdempotencyMeta, type OffsetEntry } from './meta-records.js';

export interface ScanStart {
  position: number;
  relativeOffset: number;
  /** Position at or after which the next index entry is due. */
  nextIndexPosition: number;
  /** Commit time at `position`, if known. */
  timeMs: number;
}

export interface SegmentScan {
  /** End of the last whole group commit: the position to keep, and its records and time. */
  commitEnd: { position: number; relativeOffset: number; timeMs: number; nextIndexPosition: number };
  /** Why the scan ended; `end` when the bytes ran out cleanly. */
  stop: ScanResult | { position: number; status: 'bad-meta' };
  /** Index entries and keys of the frames before `commitEnd`. */
  offsets: OffsetEntry[];
  keys: IdempotencyMeta[];
}

export async function scanSegment(fd: number, fileBytes: number, start: ScanStart, indexIntervalBytes: number): Promise<SegmentScan> {
  const commitEnd = { ...start };
  const confirmed = { offsets: [] as OffsetEntry[], keys: [] as IdempotencyMeta[] };
  let pending = { offsets: [] as OffsetEntry[], keys: [] as IdempotencyMeta[] };
  let relativeOffset = start.relativeOffset;
  let nextIndexPosition = start.nextIndexPosition;
  let badMetaAt = -1;

  const result = await scanFrames(fd, start.position, fileBytes, limits.logReadChunkBytes, (frame, position) => {
    if (!frame.meta) {
      if (position >= nextIndexPosition) {
        pending.offsets.push({ kind: 'offset', relativeOffset, position });
        nextIndexPosition = position + indexIntervalBytes;
      }
      relativeOffset++;
      return true;
    }
    const meta = decodeMeta(frame.body);
    if (meta?.kind === 'idempotency') pending.keys.push(meta);
    else if (meta?.kind === 'commit') {
      const end = position + frameHeaderBytes + frame.body.length;
      Object.assign(commitEnd, { position: end, relativeOffset, timeMs: meta.timeMs, nextIndexPosition });
      for (const entry of pending.offsets) confirmed.offsets.push(entry);
      for (const key of pending.keys) confirmed.keys.push(key);
      pending = { offsets: [], keys: [] };
    } else {
      badMetaAt = position;
      return false;
    }
    return true;
  });
  const stop = badMetaAt >= 0 ? { position: badMetaAt, status: 'bad-meta' as const } : result;
  return { commitEnd, stop, offsets: confirmed.offsets, keys: confirmed.keys };
}
