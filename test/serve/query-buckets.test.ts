// Proves the series' buckets in time zones: 23- and 25-hour days in America/New_York, +5:30 days
// in Asia/Kolkata, +5:45 hours in Asia/Kathmandu, a day that starts at 01:00 because midnight was
// skipped, the repeated hour of a fall-back night, and local dates read in the request's zone.
import { describe, expect, it } from 'vitest';
import { zoneCalendar } from '../../src/jobs/counters/index.js';
import { parseInstant } from '../../src/serve/query/params.js';
import { localLabel, zoneBuckets, type Bucket } from '../../src/serve/query/zone-buckets.js';

const hourMs = 3_600_000;
const buckets = (zone: string, interval: 'minute' | 'hour' | 'day', from: string, to: string, max = 5_000): Bucket[] =>
  zoneBuckets(zoneCalendar(zone)!, interval, Date.parse(from), Date.parse(to), max)!;
const described = (list: Bucket[]) => list.map((bucket) => [localLabel(bucket.startMs, bucket.offsetMs), (bucket.endMs - bucket.startMs) / hourMs]);

describe('series buckets in time zones', () => {
  it('gives America/New_York a 23-hour day in March and a 25-hour day in November', () => {
    expect(described(buckets('America/New_York', 'day', '2026-03-07T05:00:00Z', '2026-03-10T04:00:00Z'))).toEqual([
      ['2026-03-07T00:00:00-05:00', 24],
      ['2026-03-08T00:00:00-05:00', 23],
      ['2026-03-09T00:00:00-04:00', 24],
    ]);
    expect(described(buckets('America/New_York', 'day', '2026-10-31T04:00:00Z', '2026-11-03T05:00:00Z'))).toEqual([
      ['2026-10-31T00:00:00-04:00', 24],
      ['2026-11-01T00:00:00-04:00', 25],
      ['2026-11-02T00:00:00-05:00', 24],
    ]);
  });

  it('skips the missing hour of spring and keeps the repeated hour of autumn as two buckets', () => {
    expect(described(buckets('America/New_York', 'hour', '2026-03-08T05:00:00Z', '2026-03-08T08:00:00Z')).map(([label]) => label)).toEqual([
      '2026-03-08T00:00:00-05:00',
      '2026-03-08T01:00:00-05:00',
      '2026-03-08T03:00:00-04:00',
    ]);
    expect(described(buckets('America/New_York', 'hour', '2026-11-01T04:00:00Z', '2026-11-01T08:00:00Z')).map(([label]) => label)).toEqual([
      '2026-11-01T00:00:00-04:00',
      '2026-11-01T01:00:00-04:00',
      '2026-11-01T01:00:00-05:00',
      '2026-11-01T02:00:00-05:00',
    ]);
  });

  it('starts Asia/Kolkata days at 18:30 UTC and Asia/Kathmandu hours at :15 past the UTC hour', () => {
    const days = buckets('Asia/Kolkata', 'day', '2026-03-07T00:00:00Z', '2026-03-08T00:00:00Z');
    expect(days.map((bucket) => new Date(bucket.startMs).toISOString())).toEqual(['2026-03-06T18:30:00.000Z', '2026-03-07T18:30:00.000Z']);
    expect(days.every((bucket) => bucket.endMs - bucket.startMs === 24 * hourMs)).toBe(true);
    const hours = buckets('Asia/Kathmandu', 'hour', '2026-03-07T00:00:00Z', '2026-03-07T02:00:00Z');
    expect(hours.map((bucket) => new Date(bucket.startMs).toISOString().slice(11, 16))).toEqual(['23:15', '00:15', '01:15']);
  });

  it('starts a day at 01:00 where a zone skips midnight (America/Santiago, September)', () => {
    const days = described(buckets('America/Santiago', 'day', '2026-09-06T12:00:00Z', '2026-09-06T13:00:00Z'));
    expect(days).toEqual([['2026-09-06T01:00:00-03:00', 23]]);
  });

  it('covers the buckets overlapping the range and refuses more than the bound', () => {
    const minutes = buckets('UTC', 'minute', '2026-09-05T00:00:30Z', '2026-09-05T00:03:00Z');
    expect(minutes.map((bucket) => new Date(bucket.startMs).toISOString().slice(11, 16))).toEqual(['00:00', '00:01', '00:02']);
    expect(zoneBuckets(zoneCalendar('UTC')!, 'hour', 0, 25 * hourMs, 24)).toBeUndefined();
  });

  it('reads local dates in the request zone and instants with their offset', () => {
    const newYork = zoneCalendar('America/New_York')!;
    expect(parseInstant('from', '2026-03-08', newYork)).toBe(Date.parse('2026-03-08T05:00:00Z'));
    expect(parseInstant('from', '2026-03-09', newYork)).toBe(Date.parse('2026-03-09T04:00:00Z'));
    // 02:30 does not exist on 2026-03-08 in New York: it moves on by the gap.
    expect(parseInstant('from', '2026-03-08T02:30', newYork)).toBe(Date.parse('2026-03-08T07:30:00Z'));
    expect(parseInstant('from', '2026-03-08T10:00:00+05:30', newYork)).toBe(Date.parse('2026-03-08T04:30:00Z'));
    expect(parseInstant('from', '1772946000000', newYork)).toBe(1_772_946_000_000);
    expect(() => parseInstant('from', '1772946000', newYork)).toThrow(/from: .*seconds are not accepted/);
    expect(() => parseInstant('to', '2026-02-30', newYork)).toThrow(/to: .*not a valid date/);
    expect(() => parseInstant('to', 'yesterday', newYork)).toThrow(/to: .*neither epoch milliseconds nor an ISO-8601 instant/);
  });
});
