// Proves the partition kinds: UTC hours, days and months parse strictly, format instants, step
// and bound correctly; time-zone days follow local midnight through clock changes; covering and
// range helpers give the hours of a day and the days of a month.
import { describe, expect, it } from 'vitest';
import { OrchestratorError } from './errors.js';
import {
  checkPartitionKind,
  dayPartitions,
  hourPartitions,
  latestEndedPartition,
  monthPartitions,
  partitionContains,
  partitionRange,
  partitionsCovering,
  previousPartition,
} from './partitions.js';
import { zonedDayPartitions } from './zoned-day-partitions.js';

const hourMs = 3_600_000;

function parseError(run: () => unknown): OrchestratorError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(OrchestratorError);
    expect((error as OrchestratorError).code).toBe('invalid_partition');
    expect((error as OrchestratorError).domain).toBe('user');
    return error as OrchestratorError;
  }
  throw new Error('expected a parse error');
}

describe('UTC partition kinds', () => {
  it('formats an instant as the hour, day and month that hold it', () => {
    const instant = Date.UTC(2026, 10, 25, 8, 59, 59, 999);
    expect(hourPartitions.format(instant)).toBe('2026-11-25T08');
    expect(dayPartitions.format(instant)).toBe('2026-11-25');
    expect(monthPartitions.format(instant)).toBe('2026-11');
  });

  it('bounds each partition as a half-open range and steps to the next across day, month and year ends', () => {
    expect(hourPartitions.bounds('2026-11-25T08')).toEqual({ startMs: Date.UTC(2026, 10, 25, 8), endMs: Date.UTC(2026, 10, 25, 9) });
    expect(hourPartitions.next('2026-12-31T23')).toBe('2027-01-01T00');
    expect(dayPartitions.next('2028-02-28')).toBe('2028-02-29');
    expect(dayPartitions.next('2026-02-28')).toBe('2026-03-01');
    expect(monthPartitions.bounds('2026-02')).toEqual({ startMs: Date.UTC(2026, 1, 1), endMs: Date.UTC(2026, 2, 1) });
    expect(monthPartitions.next('2026-12')).toBe('2027-01');
    expect(partitionContains(dayPartitions, '2026-11-25', Date.UTC(2026, 10, 26) - 1)).toBe(true);
    expect(partitionContains(dayPartitions, '2026-11-25', Date.UTC(2026, 10, 26))).toBe(false);
  });

  it('parses canonical ids, trims spaces, and refuses impossible or malformed ones with the shape to write', () => {
    expect(hourPartitions.parse(' 2026-11-25T08 ')).toBe('2026-11-25T08');
    expect(parseError(() => hourPartitions.parse('2026-11-25T24')).message).toBe('"2026-11-25T24" is not a valid hour: write YYYY-MM-DDTHH (a UTC hour), e.g. 2026-11-25T08');
    parseError(() => hourPartitions.parse('2026-11-25 08'));
    parseError(() => dayPartitions.parse('2026-02-30'));
    parseError(() => dayPartitions.parse('2026-2-3'));
    expect(parseError(() => monthPartitions.parse('2026-13')).message).toContain('write YYYY-MM (a UTC month), e.g. 2026-11');
    parseError(() => monthPartitions.parse('1969-12'));
  });

  it('finds the latest partition ended by an instant, the one before, and the partitions covering a range', () => {
    expect(latestEndedPartition(hourPartitions, Date.UTC(2026, 10, 25, 9, 15))).toBe('2026-11-25T08');
    expect(latestEndedPartition(hourPartitions, Date.UTC(2026, 10, 25, 9))).toBe('2026-11-25T08');
    expect(latestEndedPartition(monthPartitions, Date.UTC(2026, 11, 4, 3))).toBe('2026-11');
    expect(previousPartition(dayPartitions, '2026-03-01')).toBe('2026-02-28');
    const hours = partitionsCovering(hourPartitions, dayPartitions.bounds('2026-11-25'));
    expect(hours).toHaveLength(24);
    expect([hours[0], hours[23]]).toEqual(['2026-11-25T00', '2026-11-25T23']);
    expect(partitionsCovering(dayPartitions, monthPartitions.bounds('2026-02'))).toHaveLength(28);
    expect(partitionRange(hourPartitions, '2026-11-25T22', '2026-11-26T01', 10)).toEqual(['2026-11-25T22', '2026-11-25T23', '2026-11-26T00', '2026-11-26T01']);
    expect(() => partitionRange(hourPartitions, '2026-11-26T01', '2026-11-25T22', 10)).toThrow(/after its end/);
    expect(() => partitionRange(hourPartitions, '2026-11-01T00', '2026-11-30T00', 100)).toThrow(/more than 100 hour partitions/);
  });

  it('keeps the kind contract at many instants', () => {
    for (const kind of [hourPartitions, dayPartitions, monthPartitions, zonedDayPartitions('Europe/Berlin'), zonedDayPartitions('Asia/Kolkata')]) {
      for (let instant = Date.UTC(2026, 0, 1); instant < Date.UTC(2027, 0, 1); instant += 31 * hourMs + 13 * 60_000) checkPartitionKind(kind, instant);
    }
  });
});

describe('time-zone days', () => {
  const berlin = zonedDayPartitions('Europe/Berlin');

  it('runs from local midnight to local midnight: 23 hours in spring, 25 in autumn, 24 otherwise', () => {
    expect(berlin.name).toBe('day@Europe/Berlin');
    expect(berlin.bounds('2026-11-25')).toEqual({ startMs: Date.UTC(2026, 10, 24, 23), endMs: Date.UTC(2026, 10, 25, 23) });
    const length = (day: string) => (berlin.bounds(day).endMs - berlin.bounds(day).startMs) / hourMs;
    expect(length('2026-03-29')).toBe(23);
    expect(length('2026-10-25')).toBe(25);
    expect(length('2026-07-01')).toBe(24);
    expect(partitionsCovering(hourPartitions, berlin.bounds('2026-03-29'))).toHaveLength(23);
  });

  it('names the local day of an instant, which may be the next or previous UTC day', () => {
    expect(berlin.format(Date.UTC(2026, 10, 24, 23, 30))).toBe('2026-11-25');
    expect(berlin.format(Date.UTC(2026, 10, 24, 22, 59))).toBe('2026-11-24');
    expect(zonedDayPartitions('America/Los_Angeles').format(Date.UTC(2026, 10, 25, 7))).toBe('2026-11-24');
    expect(berlin.next('2026-12-31')).toBe('2027-01-01');
  });

  it('covers partial UTC hours in a zone with a half-hour offset', () => {
    const kolkata = zonedDayPartitions('Asia/Kolkata');
    expect(kolkata.bounds('2026-11-25').startMs).toBe(Date.UTC(2026, 10, 24, 18, 30));
    expect(partitionsCovering(hourPartitions, kolkata.bounds('2026-11-25'))).toHaveLength(25);
  });

  it('refuses an unknown zone and a malformed day', () => {
    expect(() => zonedDayPartitions('Mars/Olympus')).toThrow(/not an IANA time zone/);
    expect(parseError(() => berlin.parse('2026-11-31')).message).toContain('a day in Europe/Berlin');
  });
});
