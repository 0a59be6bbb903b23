// Proves the sparse index finds the entry at or before an offset, and refuses out-of-order entries.
import { describe, expect, it } from 'vitest';
import { createSparseIndex } from './sparse-index.js';

describe('sparse index', () => {
  it('answers the segment start when empty or before the first entry', () => {
    const index = createSparseIndex();
    expect(index.floor(10)).toEqual({ relativeOffset: 0, position: 0 });
    index.add(5, 500);
    expect(index.floor(4)).toEqual({ relativeOffset: 0, position: 0 });
  });

  it('finds the last entry at or before an offset, across growth', () => {
    const index = createSparseIndex();
    for (let i = 0; i < 1_000; i++) index.add(i * 10, i * 1_000 + 7);
    expect(index.size).toBe(1_000);
    expect(index.floor(0)).toEqual({ relativeOffset: 0, position: 7 });
    expect(index.floor(15)).toEqual({ relativeOffset: 10, position: 1_007 });
    expect(index.floor(20)).toEqual({ relativeOffset: 20, position: 2_007 });
    expect(index.floor(1_000_000)).toEqual({ relativeOffset: 9_990, position: 999_007 });
    expect(index.last()).toEqual({ relativeOffset: 9_990, position: 999_007 });
  });

  it('refuses entries that do not grow', () => {
    const index = createSparseIndex();
    index.add(3, 300);
    expect(() => index.add(3, 400)).toThrow(/index entry/);
    expect(() => index.add(4, 300)).toThrow(/index entry/);
  });
});
