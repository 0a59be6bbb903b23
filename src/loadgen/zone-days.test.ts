// Proves local days and offsets in zones with odd offsets and daylight saving on both
// hemispheres: Kolkata +5:30, Adelaide +9:30/+10:30, Chatham +12:45/+13:45.
import { describe, expect, it } from 'vitest';
import { formatDay, formatMinute, formatMonth, monthOfDay } from './calendar.js';
import { createZoneDays } from './zone-days.js';

const hourMs = 3_600_000;
const at = (iso: string): number => Date.parse(iso);

describe('zone days', () => {
  it('gives the offsets of half- and quarter-hour zones, summer and winter', () => {
    expect(createZoneDays('Asia/Kolkata').offsetMs(at('2026-07-01T00:00:00Z'))).toBe(5.5 * hourMs);
    const adelaide = createZoneDays('Australia/Adelaide');
    expect(adelaide.offsetMs(at('2026-01-15T00:00:00Z'))).toBe(10.5 * hourMs);
    expect(adelaide.offsetMs(at('2026-07-15T00:00:00Z'))).toBe(9.5 * hourMs);
    const chatham = createZoneDays('Pacific/Chatham');
    expect(chatham.offsetMs(at('2026-01-15T00:00:00Z'))).toBe(13.75 * hourMs);
    expect(chatham.offsetMs(at('2026-07-15T00:00:00Z'))).toBe(12.75 * hourMs);
  });

  it('changes day at local midnight', () => {
    const chatham = createZoneDays('Pacific/Chatham');
    // Local midnight of 2026-07-15 (+12:45) is 2026-07-14T11:15Z.
    expect(formatDay(chatham.localDay(at('2026-07-14T11:14:59Z')))).toBe('2026-07-14');
    expect(formatDay(chatham.localDay(at('2026-07-14T11:15:00Z')))).toBe('2026-07-15');
    const kolkata = createZoneDays('Asia/Kolkata');
    expect(formatDay(kolkata.localDay(at('2026-02-28T18:29:59Z')))).toBe('2026-02-28');
    expect(formatDay(kolkata.localDay(at('2026-02-28T18:30:00Z')))).toBe('2026-03-01');
  });

  it('formats days, minutes and months without Date', () => {
    const day = Math.floor(at('2028-02-29T12:00:00Z') / 86_400_000);
    expect(formatDay(day)).toBe('2028-02-29');
    expect(formatMinute(Math.floor(at('2026-12-31T23:59:30Z') / 60_000))).toBe('2026-12-31T23:59Z');
    expect(formatMonth(monthOfDay(day))).toBe('2028-02');
    expect(formatDay(0)).toBe('1970-01-01');
  });
});
