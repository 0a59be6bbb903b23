// A partition's acknowledged end, `<partition>/committed-end`: where its last acknowledged group
// commit ends. The writer overwrites it in place (one 40-byte write) after each commit's fsync (or
// write, under `fsync: interval`) and before acknowledging the commit, and once on open after
// recovery. Followers read only up to it: it is never past a whole commit frame, and never past
// data a crash of the writer can lose, so a follower never shows a record that recovery later
// cuts. It is not fsynced: a stale one is still true (it lags), and a torn one fails its CRC.
import { crc32c } from '../../core/index.js';
import { readAt, writeAllAt } from './file-io.js';

export interface CommittedEnd {
  /** Base offset of the segment the commit is in (the active segment when it was written). */
  segmentBase: number;
  /** Bytes of that segment up to the end of the commit frame. */
  position: number;
  /** Records of that segment before `position`. */
  relativeOffset: number;
  /** The commit's time, as its commit frame says (meaningless when `position` is 0). */
  timeMs: number;
}

const magic = 0x45434643; // "CFCE" read as little endian
const version = 1;
export const committedEndBytes = 40;
const checksumAt = committedEndBytes - 4;

export function encodeCommittedEnd(end: CommittedEnd): Buffer {
  const bytes = Buffer.alloc(committedEndBytes);
  bytes.writeUInt32LE(magic, 0);
  bytes.writeUInt16LE(version, 4);
  bytes.writeDoubleLE(end.segmentBase, 8);
  bytes.writeDoubleLE(end.position, 16);
  bytes.writeDoubleLE(end.timeMs, 24);
  bytes.writeUInt32LE(end.relativeOffset, 32);
  bytes.writeUInt32LE(crc32c(bytes.subarray(0, checksumAt)), checksumAt);
  return bytes;
}

/** The value in `bytes`, or undefined when they are not a whole, intact one (e.g. read mid-write). */
export function decodeCommittedEnd(bytes: Buffer): CommittedEnd | undefined {
  if (bytes.length !== committedEndBytes) return undefined;
  if (bytes.readUInt32LE(0) !== magic || bytes.readUInt16LE(4) !== version) return undefined;
  if (crc32c(bytes.subarray(0, checksumAt)) !== bytes.readUInt32LE(checksumAt)) return undefined;
  return {
    segmentBase: bytes.readDoubleLE(8),
    position: bytes.readDoubleLE(16),
    timeMs: bytes.readDoubleLE(24),
    relativeOffset: bytes.readUInt32LE(32),
  };
}

export async function writeCommittedEnd(fd: number, end: CommittedEnd): Promise<void> {
  await writeAllAt(fd, [encodeCommittedEnd(end)], 0);
}

/** Reads the file's value; undefined when it is empty or torn (a read racing the writer's). */
export async function readCommittedEnd(fd: number): Promise<CommittedEnd | undefined> {
  const bytes = Buffer.alloc(committedEndBytes);
  const length = await readAt(fd, bytes, committedEndBytes, 0);
  return length === committedEndBytes ? decodeCommittedEnd(bytes) : undefined;
}

export function sameCommittedEnd(a: CommittedEnd, b: CommittedEnd): boolean {
  return a.segmentBase === b.segmentBase && a.position === b.position && a.relativeOffset === b.relativeOffset && a.timeMs === b.timeMs;
}
