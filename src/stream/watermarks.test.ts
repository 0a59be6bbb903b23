// Proves watermarks trail the newest event time by the out-of-orderness, take the minimum over
// partitions, advance idle partitions on the clock after the idle timeout, never run ahead of the
// clock, and never move backwards: misuse fails an assertion.
import { describe, expect, it } from 'vitest';
import { AssertionFailure } from '../core/index.js';
import { noWatermarkMs } from './types.js';
import { createWatermarkTracker } from './watermarks.js';

const nowMs = 1_000_000;
const tracker = (partitions = [0, 1]) => createWatermarkTracker({ partitions, outOfOrdernessMs: 3_000, idleTimeoutMs: 2_000 });

describe('watermark tracker', () => {
  it('trails the newest event time by the out-of-orderness and ignores older events', () => {
    const marks = tracker([0]);
    expect(marks.jobWatermarkMs()).toBe(noWatermarkMs);
    marks.observe(0, 50_000, nowMs);
    expect(marks.partitionWatermarkMs(0)).toBe(47_000);
    marks.observe(0, 40_000, nowMs);
    expect(marks.partitionWatermarkMs(0)).toBe(47_000);
    marks.observe(0, 60_000, nowMs);
    expect(marks.jobWatermarkMs()).toBe(57_000);
  });

  it('gives the job the minimum over its partitions; a partition never heard from holds it back', () => {
    const marks = tracker();
    marks.observe(0, 50_000, nowMs);
    expect(marks.jobWatermarkMs()).toBe(noWatermarkMs);
    marks.observe(1, 30_000, nowMs);
    expect(marks.jobWatermarkMs()).toBe(27_000);
    marks.observe(1, 90_000, nowMs);
    expect(marks.jobWatermarkMs()).toBe(47_000);
  });

  it('advances an idle partition on the clock only after the idle timeout, so the job does not stall', () => {
    const marks = tracker();
    marks.observe(0, 500_000, nowMs);
    marks.observeEmpty(1, nowMs);
    marks.advanceIdle(nowMs + 1_999);
    expect(marks.isIdle(1, nowMs + 1_999)).toBe(false);
    expect(marks.jobWatermarkMs()).toBe(noWatermarkMs);
    marks.advanceIdle(nowMs + 2_000);
    expect(marks.isIdle(1, nowMs + 2_000)).toBe(true);
    expect(marks.partitionWatermarkMs(1)).toBe(nowMs + 2_000 - 3_000);
    expect(marks.jobWatermarkMs()).toBe(497_000);
    // Records end the idleness: the timeout starts again from the next empty read.
    marks.observe(1, 600_000, nowMs + 3_000);
    marks.observeEmpty(1, nowMs + 4_000);
    marks.advanceIdle(nowMs + 5_000);
    expect(marks.isIdle(1, nowMs + 5_000)).toBe(false);
    expect(marks.partitionWatermarkMs(1)).toBe(999_000);
  });

  it('does not let an event stamped in the future drag the watermark ahead of the clock', () => {
    const marks = tracker([0]);
    marks.observe(0, nowMs + 300_000, nowMs);
    expect(marks.partitionWatermarkMs(0)).toBe(nowMs - 3_000);
  });

  it('fails an assertion when a watermark is fed backwards or restored after processing began', () => {
    const marks = tracker([0]);
    marks.advanceTo(0, 10_000);
    expect(() => marks.advanceTo(0, 9_999)).toThrow(AssertionFailure);
    expect(() => marks.advanceTo(0, 9_999)).toThrow(/never move backwards/);
    expect(() => marks.restore(0, 5_000)).toThrow(AssertionFailure);
    expect(() => marks.observe(7, 1, nowMs)).toThrow(/not one of this job/);
    marks.advanceTo(0, 10_000);
    expect(marks.jobWatermarkMs()).toBe(10_000);
  });

  it('starts from restored watermarks', () => {
    const marks = tracker();
    marks.restore(0, 20_000);
    marks.restore(1, 15_000);
    expect(marks.jobWatermarkMs()).toBe(15_000);
    marks.observe(1, 10_000, nowMs);
    expect(marks.partitionWatermarkMs(1)).toBe(15_000);
  });
});
