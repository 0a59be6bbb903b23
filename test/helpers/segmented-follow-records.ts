// Records of the follower tests: each one names its partition, its offset and the writer round
// that appended it, followed by filler derived from that name, so a reader can tell a record that
// was written at that offset by that round from a damaged, misplaced or later-replaced one.
import type { SegmentedLogOptions } from '../../src/log/index.js';

/** Options of the writers (and the same folder's followers) in the follower tests. */
export const followLogOptions = (dir: string): SegmentedLogOptions => ({
  dir,
  partitions: 3,
  segmentBytes: 16 * 1024,
  indexIntervalBytes: 1024,
  groupCommitIntervalMs: 1,
  checkpointIntervalMs: 20,
  retentionMs: 0,
});

export interface FollowRecordName {
  partition: number;
  offset: number;
  round: number;
}

function seedOf(header: string): number {
  let hash = 2_166_136_261;
  for (let i = 0; i < header.length; i++) hash = Math.imul(hash ^ header.charCodeAt(i), 16_777_619) >>> 0;
  return hash;
}

const fillerByte = (seed: number, index: number) => 97 + ((Math.imul(seed ^ index, 1_103_515_245) + 12_345) >>> 0) % 26;

export function followRecord(partition: number, offset: number, round = 0): Uint8Array {
  const header = `${partition}.${offset}.${round}|`;
  const seed = seedOf(header);
  const bytes = Buffer.alloc(header.length + 16 + (seed % 160));
  bytes.write(header, 'latin1');
  for (let i = header.length; i < bytes.length; i++) bytes[i] = fillerByte(seed, i - header.length);
  return bytes;
}

/** The name a record carries, if its bytes are exactly what `followRecord` makes for it. */
export function parseFollowRecord(value: Uint8Array): FollowRecordName | undefined {
  const bar = value.indexOf(0x7c);
  if (bar < 0 || bar > 40) return undefined;
  const header = Buffer.from(value.buffer, value.byteOffset, bar + 1).toString('latin1');
  const match = /^(\d+)\.(\d+)\.(\d+)\|$/.exec(header);
  if (!match) return undefined;
  const expected = followRecord(Number(match[1]), Number(match[2]), Number(match[3]));
  return Buffer.compare(expected, value) === 0 ? { partition: Number(match[1]), offset: Number(match[2]), round: Number(match[3]) } : undefined;
}

/** Wall-clock milliseconds with sub-millisecond precision, comparable between processes of one host. */
export const preciseNowMs = (): number => performance.timeOrigin + performance.now();
