// Proves frames round-trip, and that every kind of damage (torn, flipped body or meta bit, zeroed
// tail, absurd length) is refused rather than read.
import { describe, expect, it } from 'vitest';
import { crc32c } from '../../core/index.js';
import { frameChecksum, lengthWordChecksum } from './checksum.js';
import {
  assertFramesBuilt,
  createFrameView,
  dataFramesBytes,
  encodeMetaFrame,
  frameHeaderBytes,
  readFrame,
  writeDataFrames,
} from './frame-codec.js';
import { decodeMeta, encodeMeta } from './meta-records.js';

const encoder = new TextEncoder();
const records = ['alpha', '', 'gamma-gamma'].map((text) => encoder.encode(text));

function build(): Buffer {
  const buffer = Buffer.alloc(dataFramesBytes(records));
  expect(writeDataFrames(buffer, 0, records)).toBe(buffer.length);
  return buffer;
}

describe('frame checksum', () => {
  it('is CRC-32C of the length word followed by the body', () => {
    const word = Buffer.alloc(4);
    word.writeUInt32LE(5);
    expect(lengthWordChecksum(5)).toBe(crc32c(word));
    expect(frameChecksum(5, encoder.encode('alpha'))).toBe(crc32c(Buffer.concat([word, Buffer.from('alpha')])));
  });
});

describe('frame codec', () => {
  it('round-trips data frames and meta frames', () => {
    const meta = encodeMetaFrame(encodeMeta({ kind: 'commit', timeMs: 1_234 }));
    const buffer = Buffer.concat([build(), meta]);
    const view = createFrameView();
    const bodies: string[] = [];
    let position = 0;
    while (position < buffer.length) {
      expect(readFrame(buffer, position, buffer.length, view)).toBe('ok');
      bodies.push(view.meta ? `meta:${JSON.stringify(decodeMeta(view.body))}` : view.body.toString());
      position = view.end;
    }
    expect(bodies).toEqual(['alpha', '', 'gamma-gamma', 'meta:{"kind":"commit","timeMs":1234}']);
    assertFramesBuilt(buffer, 3);
    expect(() => assertFramesBuilt(buffer, 4)).toThrow(/expected 4/);
    expect(() => assertFramesBuilt(buffer.subarray(0, buffer.length - 1), 3)).toThrow(/end at/);
    const flipped = Buffer.from(buffer);
    flipped[flipped.length - 1]! ^= 1;
    expect(() => assertFramesBuilt(flipped, 3)).toThrow(/bad-checksum/);
  });

  it('reports a frame cut short as incomplete', () => {
    const buffer = build();
    const view = createFrameView();
    expect(readFrame(buffer, 0, 3, view)).toBe('incomplete');
    expect(readFrame(buffer, 0, frameHeaderBytes + 4, view)).toBe('incomplete');
  });

  it('refuses a flipped body byte, a flipped meta bit and a zero-filled tail', () => {
    const view = createFrameView();
    const flippedBody = build();
    flippedBody[frameHeaderBytes + 2]! ^= 0x01;
    expect(readFrame(flippedBody, 0, flippedBody.length, view)).toBe('bad-checksum');
    const flippedMeta = build();
    flippedMeta[3]! ^= 0x80;
    expect(readFrame(flippedMeta, 0, flippedMeta.length, view)).toBe('bad-checksum');
    const zeros = Buffer.alloc(64);
    expect(readFrame(zeros, 0, zeros.length, view)).toBe('bad-checksum');
  });

  it('refuses a length no writer could have produced', () => {
    const buffer = Buffer.alloc(16);
    buffer.writeUInt32LE(0x7fff_0000, 0);
    expect(readFrame(buffer, 0, buffer.length, createFrameView())).toBe('bad-length');
    buffer.writeUInt32LE(0x8000_ffff, 0);
    expect(readFrame(buffer, 0, buffer.length, createFrameView())).toBe('bad-length');
  });
});

describe('meta records', () => {
  it('round-trips every kind and rejects unknown ones', () => {
    const samples = [
      { kind: 'commit', timeMs: 1_767_225_600_000 },
      { kind: 'idempotency', key: 'batch-é-1', firstOffset: 2 ** 40, count: 7, timeMs: 5 },
      { kind: 'offset', relativeOffset: 12, position: 4_096 },
      { kind: 'seal', records: 100, sizeBytes: 16_384, newestAppendMs: 99 },
    ] as const;
    for (const sample of samples) expect(decodeMeta(encodeMeta(sample))).toEqual(sample);
    expect(decodeMeta(Buffer.from([99, 1, 2]))).toBeUndefined();
    expect(decodeMeta(Buffer.alloc(0))).toBeUndefined();
  });
});
