// Proves a bucket series keeps exactly the buckets of (newest − horizon, newest] with every click
// of them, whatever the order clicks arrive in, and that counter rows round-trip their layout.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addToSeries, createBucketSeries, forEachBucket, type BucketSeries } from './bucket-series.js';
import { countClick, createLinkCounters, decodeCounterRow, decodeLinkCounters, encodeLinkCounters, minuteBucketsKept, quarterBucketsKept } from './counter-rows.js';

function contents(series: BucketSeries): number[][] {
  const entries: number[][] = [];
  forEachBucket(series, (bucket, human, bot, suspicious) => entries.push([bucket, human, bot, suspicious]));
  return entries;
}

/** What the series must hold after `clicks`: whole counts of the buckets in the final window. */
function expected(clicks: readonly [number, number][], horizon: number): number[][] {
  if (clicks.length === 0) return [];
  const newest = Math.max(...clicks.map(([bucket]) => bucket));
  const counts = new Map<number, number[]>();
  for (const [bucket, kind] of clicks) {
    if (bucket <= newest - horizon) continue;
    const entry = counts.get(bucket) ?? [bucket, 0, 0, 0];
    entry[1 + kind]!++;
    counts.set(bucket, entry);
  }
  return [...counts.values()].sort((a, b) => a[0]! - b[0]!);
}

describe('bucket series', () => {
  it('keeps whole counts of the last `horizon` buckets, in any arrival order', () => {
    const click = fc.tuple(fc.integer({ min: 1_000, max: 1_300 }), fc.integer({ min: 0, max: 2 }));
    fc.assert(
      fc.property(fc.array(click, { maxLength: 400 }), fc.constantFrom(1, 3, 66, 200), (clicks, horizon) => {
        const series = createBucketSeries();
        for (const [bucket, kind] of clicks) addToSeries(series, bucket, kind, horizon);
        expect(contents(series)).toEqual(expected(clicks, horizon));
        expect(series.count).toBeLessThanOrEqual(horizon);
        expect(series.data.length / 4).toBeLessThanOrEqual(horizon + 1);
      }),
      { numRuns: 500 },
    );
  });

  it('says whether a click was kept: not when its bucket is already out of the window', () => {
    const series = createBucketSeries();
    expect(addToSeries(series, 100, 0, 10)).toBe(true);
    expect(addToSeries(series, 91, 1, 10)).toBe(true);
    expect(addToSeries(series, 90, 2, 10)).toBe(false);
    expect(contents(series)).toEqual([
      [91, 0, 1, 0],
      [100, 1, 0, 0],
    ]);
  });
});

describe('counter rows', () => {
  it('round-trip a link through its layout, exactly', () => {
    const counters = createLinkCounters();
    const startMs = Date.UTC(2026, 2, 28, 20);
    for (let index = 0; index < 20_000; index++) countClick(counters, startMs + index * 9_000 - (index % 7) * 30_000, index % 3);
    const bytes = encodeLinkCounters(counters);
    const row = decodeCounterRow(bytes);
    expect(row.human + row.bot + row.suspicious).toBe(20_000);
    expect(row.minutes).toHaveLength(minuteBucketsKept);
    expect(row.quarters).toHaveLength(quarterBucketsKept);
    expect(encodeLinkCounters(decodeLinkCounters(bytes))).toEqual(bytes);
    // A busy link's row stays small: one to three bytes per number.
    expect(bytes.length).toBeLessThan(2_000);
  });

  it('refuse rows that are cut short, padded or of another version', () => {
    const bytes = encodeLinkCounters(createLinkCounters());
    expect(() => decodeCounterRow(bytes.subarray(0, bytes.length - 1))).toThrow(RangeError);
    expect(() => decodeCounterRow(Uint8Array.of(...bytes, 0))).toThrow(RangeError);
    expect(() => decodeCounterRow(Uint8Array.of(2, ...bytes.subarray(1)))).toThrow(RangeError);
  });
});
