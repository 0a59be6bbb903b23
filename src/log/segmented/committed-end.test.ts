// Proves a committed end round-trips and that a torn, damaged or foreign one is refused, so a
// follower reading it while the writer overwrites it never believes a mix of the two.
import { describe, expect, it } from 'vitest';
import { checkpointBytes, encodeCheckpoint } from './checkpoint-file.js';
import { committedEndBytes, decodeCommittedEnd, encodeCommittedEnd, sameCommittedEnd } from './committed-end.js';

const end = { segmentBase: 41_288, position: 65_553, relativeOffset: 812, timeMs: 1_767_225_600_123 };

describe('committed end file', () => {
  it('round-trips', () => {
    const bytes = encodeCommittedEnd(end);
    expect(bytes.length).toBe(committedEndBytes);
    expect(decodeCommittedEnd(bytes)).toEqual(end);
    expect(sameCommittedEnd(decodeCommittedEnd(bytes)!, end)).toBe(true);
    expect(sameCommittedEnd(end, { ...end, position: end.position + 17 })).toBe(false);
  });

  it('refuses torn, damaged or foreign bytes', () => {
    const bytes = encodeCommittedEnd(end);
    const newer = encodeCommittedEnd({ ...end, position: end.position + 170, relativeOffset: end.relativeOffset + 10 });
    // Half of the old value and half of the new, as a read racing the overwrite could see.
    expect(decodeCommittedEnd(Buffer.concat([newer.subarray(0, 24), bytes.subarray(24)]))).toBeUndefined();
    expect(decodeCommittedEnd(bytes.subarray(0, 30))).toBeUndefined();
    for (const position of [0, 5, 12, 20, 30, 39]) {
      const damaged = Buffer.from(bytes);
      damaged[position]! ^= 0x10;
      expect(decodeCommittedEnd(damaged)).toBeUndefined();
    }
    expect(decodeCommittedEnd(Buffer.alloc(committedEndBytes))).toBeUndefined();
    const checkpoint = encodeCheckpoint({ ...end, indexBytes: 0 });
    expect(checkpoint.length).toBe(checkpointBytes);
    expect(decodeCommittedEnd(checkpoint.subarray(0, committedEndBytes))).toBeUndefined();
  });
});
