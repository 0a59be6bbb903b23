// Proves the generational cache keeps keys in use, ages out unused ones, and stays within capacity.
import { describe, expect, it } from 'vitest';
import { GenerationalCache } from './generational-cache.js';

describe('GenerationalCache', () => {
  it('keeps keys that are used and drops the ones that are not', () => {
    const cache = new GenerationalCache<string, number>(4);
    cache.set('hot', 1);
    cache.set('cold', 2);
    cache.set('a', 3); // current full (2): hot and cold move to the previous generation
    expect(cache.get('hot')).toBe(1); // copied back into the current generation
    cache.set('b', 4);
    cache.set('c', 5);
    expect(cache.get('hot')).toBe(1);
    expect(cache.get('cold')).toBeUndefined();
    expect(cache.size).toBeLessThanOrEqual(4);
  });

  it('never holds more than its capacity', () => {
    const cache = new GenerationalCache<number, number>(100);
    for (let i = 0; i < 10_000; i++) cache.set(i, i);
    expect(cache.size).toBeLessThanOrEqual(100);
    expect(cache.get(9_999)).toBe(9_999);
  });

  it('forgets deleted keys', () => {
    const cache = new GenerationalCache<string, number>(10);
    cache.set('x', 1);
    cache.delete('x');
    expect(cache.get('x')).toBeUndefined();
  });
});
