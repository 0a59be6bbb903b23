// Proves a cursor's buffer returns records from its position within the read's bounds, resumes
// mid-message, turns damage into an error at its place, and fails a gap only when retention cut
// past where the reader stood.
import type { Msg } from 'nats';
import { describe, expect, it } from 'vitest';
import { encodeBatch } from './batch-codec.js';
import { bufferDelivery, takeRecords, verifyGaps, type CursorBuffer } from './cursor-buffer.js';
import { offsetOf } from './offsets.js';

const text = (value: Uint8Array) => new TextDecoder().decode(value);
const batch = (...values: string[]) => encodeBatch(values.map((value) => new TextEncoder().encode(value)));
const deliver = (cursor: CursorBuffer, sequence: number, data: Uint8Array) =>
  bufferDelivery(cursor, { subject: 'x.p.0', sequence, timestampMs: 0, msg: { data } as Msg });
const bounds = (maxRecords: number, maxBytes = 1_000_000) => ({ maxRecords, maxBytes, waitMs: 0 });

function cursorAt(position: number): CursorBuffer {
  return { partition: 0, position, resumeSequence: Math.max(1, Math.floor(position / 65_536)), buffer: [], knownCut: 0 };
}

describe('cursor buffer', () => {
  it('takes records in order within bounds and resumes mid-message', () => {
    const cursor = cursorAt(offsetOf(3, 1));
    deliver(cursor, 3, batch('a', 'b', 'c'));
    deliver(cursor, 4, batch('d'));
    const first = takeRecords(cursor, bounds(1));
    expect(first.map((r) => [r.offset, text(r.value)])).toEqual([[offsetOf(3, 1), 'b']]);
    expect(cursor.position).toBe(offsetOf(3, 2));
    const rest = takeRecords(cursor, bounds(10));
    expect(rest.map((r) => text(r.value))).toEqual(['c', 'd']);
    expect(cursor.position).toBe(offsetOf(5, 0));
    expect(takeRecords(cursor, bounds(10))).toEqual([]);
  });

  it('stops at the byte bound but always returns one record', () => {
    const cursor = cursorAt(offsetOf(1, 0));
    deliver(cursor, 1, batch('x'.repeat(10), 'y'.repeat(10), 'z'));
    expect(takeRecords(cursor, bounds(10, 5)).map((r) => text(r.value))).toEqual(['x'.repeat(10)]);
    expect(takeRecords(cursor, bounds(10, 10)).map((r) => text(r.value))).toEqual(['y'.repeat(10)]);
    expect(takeRecords(cursor, bounds(10, 10)).map((r) => text(r.value))).toEqual(['z']);
  });

  it('returns what precedes damage, then fails at the damaged message', () => {
    const cursor = cursorAt(offsetOf(1, 0));
    deliver(cursor, 1, batch('ok'));
    deliver(cursor, 2, new TextEncoder().encode('not a batch'));
    expect(takeRecords(cursor, bounds(10)).map((r) => text(r.value))).toEqual(['ok']);
    expect(() => takeRecords(cursor, bounds(10))).toThrow(/partition 0, offset 131072: not a clickflow record batch/);
  });

  it('fails a gap that retention cut past, and not one that only skips other partitions', async () => {
    const cursor = cursorAt(offsetOf(5, 0));
    deliver(cursor, 9, batch('after a gap'));
    await verifyGaps(cursor, async () => 5);
    expect(takeRecords(cursor, bounds(10)).map((r) => text(r.value))).toEqual(['after a gap']);

    deliver(cursor, 20, batch('after retention'));
    await verifyGaps(cursor, async () => 15);
    expect(() => takeRecords(cursor, bounds(10))).toThrow(/offset 655360 was removed by retention; the first stored offset is 983040/);
  });

  it('ignores a delivery it already has', () => {
    const cursor = cursorAt(offsetOf(1, 0));
    deliver(cursor, 1, batch('once'));
    deliver(cursor, 1, batch('once'));
    expect(takeRecords(cursor, bounds(10)).map((r) => text(r.value))).toEqual(['once']);
  });
});
