// Frames, the unit of every segment and index file: [length u32 LE][crc32c u32 LE][body].
// The length word's high bit marks a meta frame (idempotency key, commit time), which takes no
// offset; the low 31 bits are the body length. The CRC covers the length word and the body
// (see checksum.ts). docs/log-segmented.md describes the format for readers of the files.
import { assert, limits } from '../../core/index.js';
import { frameChecksum } from './checksum.js';

export const frameHeaderBytes = 8;
const metaFlag = 0x8000_0000;
const lengthMask = 0x7fff_ffff;

/** Why a frame could not be read. `incomplete`: the bytes end inside it (a torn tail, or a chunk boundary). */
export type FrameStatus = 'ok' | 'incomplete' | 'bad-length' | 'bad-checksum';

/** Where a frame's body lies; filled in by {@link readFrame} so scans allocate no result objects. */
export interface FrameView {
  meta: boolean;
  body: Buffer;
  /** Position just after the frame. */
  end: number;
}

export function createFrameView(): FrameView {
  return { meta: false, body: Buffer.alloc(0), end: 0 };
}

/** Bytes the frames of `records` take. */
export function dataFramesBytes(records: readonly Uint8Array[]): number {
  let total = 0;
  for (const record of records) total += frameHeaderBytes + record.byteLength;
  return total;
}

/** Writes one data frame per record into `target` from `position`; returns the position after them. */
export function writeDataFrames(target: Buffer, position: number, records: readonly Uint8Array[]): number {
  let at = position;
  for (const record of records) {
    const length = record.byteLength;
    assert(length <= limits.logRecordBytesMax, 'record length checked before encoding');
    target.writeUInt32LE(length, at);
    // The checksum is taken from the caller's bytes, before the copy: no view is allocated.
    target.writeUInt32LE(frameChecksum(length, record), at + 4);
    target.set(record, at + frameHeaderBytes);
    at += frameHeaderBytes + length;
  }
  return at;
}

/** Writes a meta frame with `body` into `target` at `position`; returns the position after it. */
export function writeMetaFrame(target: Buffer, position: number, body: Uint8Array): number {
  assert(body.byteLength <= limits.logMetaFrameBytesMax, 'meta frame body within its bound');
  const word = (body.byteLength | metaFlag) >>> 0;
  target.writeUInt32LE(word, position);
  target.writeUInt32LE(frameChecksum(word, body), position + 4);
  target.set(body, position + frameHeaderBytes);
  return position + frameHeaderBytes + body.byteLength;
}

/** A meta frame holding `body`, as its own buffer. */
export function encodeMetaFrame(body: Uint8Array): Buffer {
  const frame = Buffer.allocUnsafe(frameHeaderBytes + body.byteLength);
  writeMetaFrame(frame, 0, body);
  return frame;
}

/**
 * Reads the frame at `position` of `buffer`, whose valid bytes end at `limit`, into `out`.
 * Never trusts a length beyond the bounds a writer could have produced.
 */
export function readFrame(buffer: Buffer, position: number, limit: number, out: FrameView): FrameStatus {
  if (limit - position < frameHeaderBytes) return 'incomplete';
  const word = buffer.readUInt32LE(position);
  const meta = word >>> 31 === 1;
  const length = word & lengthMask;
  if (length > (meta ? limits.logMetaFrameBytesMax : limits.logRecordBytesMax)) return 'bad-length';
  const end = position + frameHeaderBytes + length;
  if (end > limit) return 'incomplete';
  const body = buffer.subarray(position + frameHeaderBytes, end);
  if (frameChecksum(word, body) !== buffer.readUInt32LE(position + 4)) return 'bad-checksum';
  out.meta = meta;
  out.body = body;
  out.end = end;
  return 'ok';
}

/**
 * The write-side half of the checksum pairing (CONVENTIONS.md rule 5): asserts that `buffer`
 * frames exactly `dataFrames` data frames (plus meta frames) edge to edge, and that the first and
 * last frames pass their checksum. Any misplaced byte shifts every later frame and breaks the
 * chain or the last checksum; checking every checksum again would double the cost of an append.
 */
export function assertFramesBuilt(buffer: Buffer, dataFrames: number): void {
  const view = createFrameView();
  let position = 0;
  let seen = 0;
  let last = 0;
  while (position < buffer.length) {
    const word = buffer.readUInt32LE(position);
    if (word >>> 31 === 0) seen++;
    last = position;
    position += frameHeaderBytes + (word & lengthMask);
  }
  assert(position === buffer.length, () => `built frames end at ${position}, not at ${buffer.length}`);
  assert(seen === dataFrames, () => `built ${seen} data frames, expected ${dataFrames}`);
  for (const at of buffer.length > 0 ? [0, last] : []) {
    const status = readFrame(buffer, at, buffer.length, view);
    assert(status === 'ok', () => `built frame at ${at} is ${status}`);
  }
}
