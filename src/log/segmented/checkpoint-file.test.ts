// Proves a checkpoint round-trips and that a torn, damaged or foreign one is refused.
import { describe, expect, it } from 'vitest';
import { checkpointBytes, decodeCheckpoint, encodeCheckpoint } from './checkpoint-file.js';

const checkpoint = { segmentBase: 123_456, position: 65_536, relativeOffset: 999, indexBytes: 2_048, timeMs: 1_767_225_600_000 };

describe('checkpoint file', () => {
  it('round-trips', () => {
    const bytes = encodeCheckpoint(checkpoint);
    expect(bytes.length).toBe(checkpointBytes);
    expect(decodeCheckpoint(bytes)).toEqual(checkpoint);
  });

  it('refuses torn, damaged or foreign bytes', () => {
    const bytes = encodeCheckpoint(checkpoint);
    expect(decodeCheckpoint(bytes.subarray(0, 40))).toBeUndefined();
    for (const position of [0, 9, 20, 41, 47]) {
      const damaged = Buffer.from(bytes);
      damaged[position]! ^= 0x04;
      expect(decodeCheckpoint(damaged)).toBeUndefined();
    }
    expect(decodeCheckpoint(Buffer.alloc(checkpointBytes))).toBeUndefined();
  });
});
