// Proves the dedupe window catches repeats within the window, forgets them after it, and stays
// within its capacity.
import { describe, expect, it } from 'vitest';
import { createDedupeWindow, writeEventIdHash } from './dedupe-window.js';

describe('dedupe window', () => {
  it('reports a repeat within the window', () => {
    const window = createDedupeWindow({ capacity: 1_000, windowMs: 60_000 });
    expect(window.checkAndAdd('a', 0)).toBe(false);
    expect(window.checkAndAdd('b', 1)).toBe(false);
    expect(window.checkAndAdd('a', 2)).toBe(true);
    expect(window.has('b')).toBe(true);
    expect(window.has('c')).toBe(false);
  });

  it('forgets a removed id and keeps the others', () => {
    const window = createDedupeWindow({ capacity: 64, windowMs: 60_000 });
    for (let i = 0; i < 20; i++) window.checkAndAdd(`id-${i}`, 0);
    window.remove('id-7');
    expect(window.has('id-7')).toBe(false);
    for (let i = 0; i < 20; i++) if (i !== 7) expect(window.has(`id-${i}`)).toBe(true);
    expect(window.checkAndAdd('id-7', 1)).toBe(false);
    expect(window.checkAndAdd('id-7', 2)).toBe(true);
  });

  it('takes ids hashed elsewhere as the ids themselves', () => {
    const window = createDedupeWindow({ capacity: 1_000, windowMs: 60_000 });
    const hashes = new Uint32Array(4);
    writeEventIdHash('hashed-1', hashes, 0);
    writeEventIdHash('hashed-2', hashes, 2);
    expect(window.checkAndAddHash(hashes[0]!, hashes[1]!, 0)).toBe(false);
    expect(window.checkAndAdd('hashed-1', 1)).toBe(true);
    expect(window.checkAndAdd('hashed-2', 1)).toBe(false);
    expect(window.checkAndAddHash(hashes[2]!, hashes[3]!, 2)).toBe(true);
    window.removeHash(hashes[0]!, hashes[1]!);
    expect(window.has('hashed-1')).toBe(false);
  });

  it('forgets ids after the window has passed', () => {
    const window = createDedupeWindow({ capacity: 1_000, windowMs: 1_000 });
    window.checkAndAdd('old', 0);
    window.checkAndAdd('x', 600); // rotates: old is in the previous generation
    expect(window.has('old')).toBe(true);
    window.checkAndAdd('y', 1_200); // rotates again: old is gone
    expect(window.has('old')).toBe(false);
    expect(window.has('x')).toBe(true);
  });

  it('keeps at most its capacity and never reports a fresh id as seen', () => {
    const window = createDedupeWindow({ capacity: 10_000, windowMs: 1e12 });
    let falseRepeats = 0;
    for (let i = 0; i < 100_000; i++) if (window.checkAndAdd(`id-${i}`, i)) falseRepeats++;
    expect(falseRepeats).toBe(0);
    expect(window.size).toBeLessThanOrEqual(10_000);
    // The most recent ids are still remembered.
    expect(window.has('id-99999')).toBe(true);
    expect(window.checkAndAdd('id-99990', 100_001)).toBe(true);
  });
});
