// Proves the batch payload round-trips any records, and that damage of any kind is a log_corrupt
// error rather than wrong records.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { batchBytes, decodeBatch, encodeBatch } from './batch-codec.js';
import { packRecords } from './packing.js';

const bytesOf = (text: string) => new TextEncoder().encode(text);

describe('batch codec', () => {
  it('round-trips records, empty ones included', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 300 }), { minLength: 1, maxLength: 50 }), (records) => {
        const payload = encodeBatch(records);
        expect(payload.byteLength).toBe(batchBytes(records.length, records.reduce((sum, r) => sum + r.byteLength, 0)));
        expect(decodeBatch(payload).map((r) => [...r])).toEqual(records.map((r) => [...r]));
      }),
    );
  });

  it('decodes a payload that sits inside a larger buffer', () => {
    const payload = encodeBatch([bytesOf('a'), bytesOf('bc')]);
    const framed = new Uint8Array(payload.byteLength + 10);
    framed.set(payload, 7);
    expect(decodeBatch(framed.subarray(7, 7 + payload.byteLength)).map((r) => new TextDecoder().decode(r))).toEqual(['a', 'bc']);
  });

  it('refuses any flipped bit, truncation or trailing bytes', () => {
    const payload = encodeBatch([bytesOf('first record'), bytesOf('second')]);
    for (let byte = 0; byte < payload.byteLength; byte++) {
      const damaged = payload.slice();
      damaged[byte]! ^= 0x10;
      expect(() => decodeBatch(damaged, { partition: 3, offset: 65_536 })).toThrow(/partition 3, offset 65536: not a clickflow record batch/);
    }
    expect(() => decodeBatch(payload.subarray(0, payload.byteLength - 1))).toThrow(/log|batch/);
    const longer = new Uint8Array(payload.byteLength + 1);
    longer.set(payload);
    expect(() => decodeBatch(longer)).toThrow(/not a clickflow record batch/);
    expect(() => decodeBatch(bytesOf('{"foreign":"json"}'))).toThrow(/bad magic/);
  });

  it('classifies damage as log_corrupt with its partition and offset', () => {
    try {
      decodeBatch(new Uint8Array(3), { partition: 1, offset: 9 });
      expect.unreachable();
    } catch (error) {
      expect(error).toMatchObject({ name: 'LogError', code: 'log_corrupt', domain: 'external', partition: 1, offset: 9 });
    }
  });
});

describe('packing', () => {
  const records = (sizes: number[]) => sizes.map((size) => new Uint8Array(size));

  it('fills messages up to the byte target and the record bound, in order', () => {
    expect(packRecords(records([10, 10, 10, 10, 10]), { recordsPerMessageMax: 2, messageBytesMax: 1_000 })).toEqual([
      [0, 2],
      [2, 4],
      [4, 5],
    ]);
    // 12-byte header + 3 × (4 + 10) = 54 fits in 60; a fourth record would not.
    expect(packRecords(records([10, 10, 10, 10]), { recordsPerMessageMax: 100, messageBytesMax: 60 })).toEqual([
      [0, 3],
      [3, 4],
    ]);
  });

  it('gives a record larger than the target a message of its own', () => {
    expect(packRecords(records([5, 500, 5]), { recordsPerMessageMax: 100, messageBytesMax: 100 })).toEqual([
      [0, 1],
      [1, 2],
      [2, 3],
    ]);
    expect(packRecords([], { recordsPerMessageMax: 1, messageBytesMax: 100 })).toEqual([]);
  });

  it('covers every record exactly once within both bounds', () => {
    fc.assert(
      fc.property(fc.array(fc.nat(400), { maxLength: 200 }), fc.integer({ min: 1, max: 20 }), fc.integer({ min: 16, max: 2_000 }), (sizes, perMessage, target) => {
        const ranges = packRecords(records(sizes), { recordsPerMessageMax: perMessage, messageBytesMax: target });
        expect(ranges.flatMap(([s, e]) => Array.from({ length: e - s }, (_, i) => s + i))).toEqual(sizes.map((_, i) => i));
        for (const [s, e] of ranges) {
          expect(e - s).toBeLessThanOrEqual(perMessage);
          const bytes = batchBytes(e - s, sizes.slice(s, e).reduce((a, b) => a + b, 0));
          if (e - s > 1) expect(bytes).toBeLessThanOrEqual(target);
        }
      }),
    );
  });
});
