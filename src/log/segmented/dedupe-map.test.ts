// Proves idempotency keys are forgotten after the window or beyond the count bound, oldest first.
import { describe, expect, it } from 'vitest';
import { createDedupeMap, type DedupeEntry } from './dedupe-map.js';

const entry = (firstOffset: number, timeMs: number): DedupeEntry => ({ firstOffset, count: 1, timeMs, durable: undefined });

describe('dedupe map', () => {
  it('remembers keys within the window only', () => {
    const map = createDedupeMap(10, 1_000);
    map.set('a', entry(0, 100), 100);
    expect(map.get('a', 1_100)?.firstOffset).toBe(0);
    expect(map.get('a', 1_101)).toBeUndefined();
    map.set('b', entry(1, 2_000), 2_000);
    expect(map.size).toBe(1);
  });

  it('forgets the oldest key when full', () => {
    const map = createDedupeMap(3, 60_000);
    for (const [i, key] of ['a', 'b', 'c', 'd'].entries()) map.set(key, entry(i, i), i);
    expect(map.size).toBe(3);
    expect(map.get('a', 10)).toBeUndefined();
    expect(map.get('d', 10)?.firstOffset).toBe(3);
  });

  it('treats a key set again as the newest', () => {
    const map = createDedupeMap(2, 60_000);
    map.set('a', entry(0, 0), 0);
    map.set('b', entry(1, 1), 1);
    map.set('a', entry(2, 2), 2);
    map.set('c', entry(3, 3), 3);
    expect(map.get('b', 3)).toBeUndefined();
    expect(map.get('a', 3)?.firstOffset).toBe(2);
  });
});
