// Proves "today in zone Z" from the stream's quarter-hour buckets equals a count by each click's
// local date (from Intl, independently), at every quarter hour of three days around a
// daylight-saving change in Europe/Berlin (2026-03-29, 23 hours) and America/New_York
// (2026-11-01, 25 hours), and in Asia/Kathmandu (+5:45) and Australia/Lord_Howe (a 30-minute DST).
import { describe, expect, it } from 'vitest';
import { createTestClock } from '../../../src/core/index.js';
import { encodeClick } from '../../../src/events/index.js';
import { counterViewNames, localDayBounds, todayCounts, zoneCalendar, quarterHourMs, type MergedCounters } from '../../../src/jobs/counters/index.js';
import { createOperatorHarness } from '../../../src/stream/index.js';
import { address, click, countersTestJob, mergedByLink } from './counter-fixtures.js';

const hourMs = 3_600_000;

const formats = new Map<string, Intl.DateTimeFormat>();

function localDate(timeZone: string, timeMs: number): string {
  let format = formats.get(timeZone);
  if (format === undefined) formats.set(timeZone, (format = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' })));
  return format.format(timeMs);
}

/** Clicks every 7 minutes (and a burst at each quarter's last minute) from `fromMs` to `toMs`, counted by the harness. */
function countedClicks(fromMs: number, toMs: number): { merged: MergedCounters; times: number[] } {
  const times: number[] = [];
  for (let timeMs = fromMs; timeMs < toMs; timeMs += 7 * 60_000) times.push(timeMs);
  for (let quarter = fromMs; quarter < toMs; quarter += quarterHourMs) times.push(quarter + quarterHourMs - 1);
  times.sort((a, b) => a - b);
  const harness = createOperatorHarness(countersTestJob(), { clock: createTestClock(toMs + hourMs) });
  harness.process(0, times.map((timeMs, index) => encodeClick(click('lnk_tz', timeMs, address(index % 500)))));
  harness.snapshot();
  return { merged: mergedByLink(harness.store.viewRows(counterViewNames.links)).get('lnk_tz')!, times };
}

describe('today in a time zone', () => {
  it.each([
    ['Europe/Berlin', 'DST starts: 2026-03-29 has 23 hours', Date.UTC(2026, 2, 28), '2026-03-29', 23],
    ['America/New_York', 'DST ends: 2026-11-01 has 25 hours', Date.UTC(2026, 9, 31), '2026-11-01', 25],
    ['Asia/Kathmandu', 'a :45 offset', Date.UTC(2026, 5, 10), '2026-06-11', 24],
    ['Australia/Lord_Howe', 'DST ends by 30 minutes: 2026-04-05 has 24.5 hours', Date.UTC(2026, 3, 4), '2026-04-05', 24.5],
  ])('in %s (%s)', (timeZone, _why, dayBeforeMs, changeDate, changeDayHours) => {
    const calendar = zoneCalendar(timeZone)!;
    const changeDay = localDayBounds(calendar, dayBeforeMs + 36 * hourMs);
    expect(changeDay.date).toBe(changeDate);
    // The day of the change has its real length, starting and ending on local midnights.
    expect((changeDay.endMs - changeDay.startMs) / hourMs).toBe(changeDayHours);
    expect(localDate(timeZone, changeDay.startMs)).toBe(changeDate);
    expect(localDate(timeZone, changeDay.startMs - 1)).not.toBe(changeDate);
    expect(localDate(timeZone, changeDay.endMs)).not.toBe(changeDate);
    let checked = 0;
    // The stream has counted every click up to `upToMs`; "now" is any instant of the 24 hours before it.
    for (const upToMs of [1, 7, 13, 19].map((hours) => changeDay.startMs + hours * hourMs).concat([changeDay.endMs + hourMs, changeDay.endMs + 5 * hourMs])) {
      const { merged, times } = countedClicks(upToMs - 3 * 24 * hourMs, upToMs);
      const clicksByDate = new Map<string, number>();
      for (const timeMs of times) clicksByDate.set(localDate(timeZone, timeMs), (clicksByDate.get(localDate(timeZone, timeMs)) ?? 0) + 1);
      for (let nowMs = upToMs - 24 * hourMs; nowMs < upToMs; nowMs += quarterHourMs) {
        for (const atMs of [nowMs, nowMs + 1, nowMs + quarterHourMs - 1]) {
          const date = localDate(timeZone, atMs);
          const expected = clicksByDate.get(date) ?? 0;
          const today = todayCounts(merged, calendar, atMs);
          expect(today.date, new Date(atMs).toISOString()).toBe(date);
          expect(today.total, `${timeZone} at ${new Date(atMs).toISOString()}`).toBe(expected);
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThan(1_500);
  });

  it('knows IANA zones and refuses anything else', () => {
    expect(zoneCalendar('Asia/Kathmandu')!.offsetMs(Date.UTC(2026, 0, 1))).toBe((5 * 60 + 45) * 60_000);
    expect(zoneCalendar('UTC')!.offsetMs(0)).toBe(0);
    for (const bad of ['Mars/Olympus', '', 'Europe/Berlin; drop table', 'x'.repeat(65)]) expect(zoneCalendar(bad)).toBeUndefined();
  });
});
