// A partition's checkpoint: a known-good position in its active segment, where recovery starts
// validating frames. It is written only after the data and the index bytes it names are fsynced,
// so it never points past durable data; it is itself not fsynced: a stale checkpoint is still
// true, and a torn or damaged one fails its CRC and recovery scans the whole segment instead.
import { crc32c } from '../../core/index.js';
import { readWholeFile, writeAllAt } from './file-io.js';
import { checkpointPath } from './segment-files.js';

export interface Checkpoint {
  /** Base offset of the segment the position is in. */
  segmentBase: number;
  /** Bytes of the segment known good: the end of a group commit. */
  position: number;
  /** Records in the segment before `position`. */
  relativeOffset: number;
  /** Bytes of the segment's index file that cover the data before `position`. */
  indexBytes: number;
  timeMs: number;
}

const magic = 0x50434643; // "CFCP" read as little endian
const version = 1;
export const checkpointBytes = 48;
const checksumAt = checkpointBytes - 4;

export function encodeCheckpoint(checkpoint: Checkpoint): Buffer {
  const bytes = Buffer.alloc(checkpointBytes);
  bytes.writeUInt32LE(magic, 0);
  bytes.writeUInt16LE(version, 4);
  bytes.writeDoubleLE(checkpoint.segmentBase, 8);
  bytes.writeDoubleLE(checkpoint.position, 16);
  bytes.writeDoubleLE(checkpoint.indexBytes, 24);
  bytes.writeDoubleLE(checkpoint.timeMs, 32);
  bytes.writeUInt32LE(checkpoint.relativeOffset, 40);
  bytes.writeUInt32LE(crc32c(bytes.subarray(0, checksumAt)), checksumAt);
  return bytes;
}

/** The checkpoint in `bytes`, or undefined when they are not a whole, intact checkpoint. */
export function decodeCheckpoint(bytes: Buffer): Checkpoint | undefined {
  if (bytes.length !== checkpointBytes) return undefined;
  if (bytes.readUInt32LE(0) !== magic || bytes.readUInt16LE(4) !== version) return undefined;
  if (crc32c(bytes.subarray(0, checksumAt)) !== bytes.readUInt32LE(checksumAt)) return undefined;
  return {
    segmentBase: bytes.readDoubleLE(8),
    position: bytes.readDoubleLE(16),
    indexBytes: bytes.readDoubleLE(24),
    timeMs: bytes.readDoubleLE(32),
    relativeOffset: bytes.readUInt32LE(40),
  };
}

export type CheckpointReading = { state: 'ok'; checkpoint: Checkpoint } | { state: 'missing' } | { state: 'damaged' };

export async function readCheckpoint(partitionDir: string): Promise<CheckpointReading> {
  const bytes = await readWholeFile(checkpointPath(partitionDir));
  if (bytes === undefined) return { state: 'missing' };
  const checkpoint = decodeCheckpoint(bytes);
  return checkpoint ? { state: 'ok', checkpoint } : { state: 'damaged' };
}

/** Overwrites the checkpoint in place: one 48-byte write, whose tearing the CRC detects. */
export async function writeCheckpoint(fd: number, checkpoint: Checkpoint): Promise<void> {
  await writeAllAt(fd, [encodeCheckpoint(checkpoint)], 0);
}
