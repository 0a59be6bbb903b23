// Proves latency quantiles are within the histogram's 6.25 % precision, from microseconds to minutes.
import { describe, expect, it } from 'vitest';
import { createLatencyHistogram } from './latency-histogram.js';

describe('latency histogram', () => {
  it('answers quantiles within its precision', () => {
    const histogram = createLatencyHistogram();
    for (let value = 1; value <= 10_000; value++) histogram.record(value / 100); // 0.01 .. 100 ms
    for (const q of [0.5, 0.9, 0.99]) {
      const exact = q * 100;
      expect(Math.abs(histogram.quantileMs(q) - exact) / exact).toBeLessThan(0.0625);
    }
    expect(histogram.maxMs).toBe(100);
    expect(histogram.count).toBe(10_000);
  });

  it('merges, resets, and keeps huge values in its last bucket', () => {
    const a = createLatencyHistogram();
    const b = createLatencyHistogram();
    a.record(1);
    b.record(3_000_000);
    a.merge(b);
    expect(a.quantileMs(1)).toBe(3_000_000);
    expect(a.quantileMs(0.5)).toBeCloseTo(1, 1);
    a.reset();
    expect(a.quantileMs(0.5)).toBe(0);
  });
});
