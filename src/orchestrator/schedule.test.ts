// Proves cron schedules: fires in (after, until], read in their time zone across clock changes,
// the newest ones kept when there are too many, and bad patterns or zones named in the error.
import { describe, expect, it } from 'vitest';
import { OptionsError } from '../core/index.js';
import { createSchedule } from './schedule.js';

const iso = (times: number[]) => times.map((time) => new Date(time).toISOString());

describe('schedules', () => {
  it('lists fires after the start (exclusive) up to the end (inclusive)', () => {
    const hourly = createSchedule('15 * * * *', 'UTC', 'jobs[0].schedule');
    expect(iso(hourly.firesBetween(Date.UTC(2026, 0, 1, 0, 15), Date.UTC(2026, 0, 1, 3, 15), 100))).toEqual([
      '2026-01-01T01:15:00.000Z',
      '2026-01-01T02:15:00.000Z',
      '2026-01-01T03:15:00.000Z',
    ]);
    expect(hourly.firesBetween(Date.UTC(2026, 0, 1, 0, 16), Date.UTC(2026, 0, 1, 1, 14), 100)).toEqual([]);
    expect(hourly.nextAfter(Date.UTC(2026, 0, 1, 0, 15))).toBe(Date.UTC(2026, 0, 1, 1, 15));
  });

  it('reads the pattern in its time zone, through a change of clocks', () => {
    const morning = createSchedule('0 6 * * *', 'Europe/Berlin', 'jobs[0].schedule');
    expect(iso(morning.firesBetween(Date.UTC(2026, 2, 28), Date.UTC(2026, 2, 31), 100))).toEqual([
      '2026-03-28T05:00:00.000Z',
      '2026-03-29T04:00:00.000Z',
      '2026-03-30T04:00:00.000Z',
    ]);
  });

  it('keeps the newest fires when there are more than asked for', () => {
    const minutely = createSchedule('* * * * *', 'UTC', 'jobs[0].schedule');
    const fires = minutely.firesBetween(Date.UTC(2026, 0, 1), Date.UTC(2026, 0, 2), 10);
    expect(fires).toHaveLength(10);
    expect(fires[9]).toBe(Date.UTC(2026, 0, 2));
    expect(fires[0]).toBe(Date.UTC(2026, 0, 2) - 9 * 60_000);
  });

  it('names the field of a bad pattern or zone', () => {
    expect(() => createSchedule('every hour', 'UTC', 'jobs[2].schedule')).toThrow(OptionsError);
    expect(() => createSchedule('every hour', 'UTC', 'jobs[2].schedule')).toThrow(/jobs\[2\]\.schedule\.cron: "every hour" is not a cron pattern/);
    expect(() => createSchedule('0 6 * * *', 'Berlin', 'jobs[2].schedule')).toThrow(/jobs\[2\]\.schedule\.timeZone/);
  });
});
