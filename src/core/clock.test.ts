// Proves the test clock fires timers in due order, only when advanced, and never runs backwards.
import { describe, expect, it } from 'vitest';
import { createTestClock } from './clock.js';

describe('test clock', () => {
  it('fires due timers in order and leaves later ones pending', () => {
    const clock = createTestClock(1_000);
    const fired: string[] = [];
    clock.setTimer(30, () => fired.push('c'));
    clock.setTimer(10, () => fired.push('a'));
    clock.setTimer(10, () => fired.push('b'));
    const cancelled = clock.setTimer(20, () => fired.push('x'));
    cancelled.cancel();
    clock.advance(15);
    expect(fired).toEqual(['a', 'b']);
    expect(clock.nowMs()).toBe(1_015);
    expect(clock.pendingTimers()).toBe(1);
    clock.advance(100);
    expect(fired).toEqual(['a', 'b', 'c']);
  });

  it('sees the due time inside a callback, and timers set by callbacks fire in the same advance', () => {
    const clock = createTestClock(0);
    const seen: number[] = [];
    clock.setTimer(5, () => {
      seen.push(clock.nowMs());
      clock.setTimer(5, () => seen.push(clock.nowMs()));
    });
    clock.advance(20);
    expect(seen).toEqual([5, 10]);
  });

  it('refuses to go backwards', () => {
    const clock = createTestClock(100);
    expect(() => clock.advanceTo(50)).toThrow(/backwards/);
  });
});
