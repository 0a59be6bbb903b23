// Proves hour folders are UTC Hive partitions that parse back to their hour, and bad hours are refused.
import { describe, expect, it } from 'vitest';
import { hourFolder, hourLabel, hourStartOf, isHourStart, parseHourFolder, rawHourPath } from './lake-layout.js';

describe('lake layout', () => {
  const hour = Date.UTC(2026, 10, 25, 8);

  it('names an hour by its UTC date and hour, and parses the name back', () => {
    expect(hourFolder(hour)).toBe('date=2026-11-25/hour=08');
    expect(rawHourPath(hour)).toBe('raw/date=2026-11-25/hour=08');
    expect(hourLabel(hour)).toBe('2026-11-25T08');
    expect(parseHourFolder('date=2026-11-25/hour=08')).toBe(hour);
    expect(hourStartOf(hour + 3_599_999)).toBe(hour);
    expect(hourStartOf(hour - 1)).toBe(hour - 3_600_000);
  });

  it('refuses what is not an hour, and names that are not hour folders', () => {
    expect(isHourStart(hour + 1)).toBe(false);
    expect(() => hourFolder(hour + 1)).toThrow(/not the start of a UTC hour/);
    expect(() => hourLabel(-3_600_000)).toThrow(/not the start of a UTC hour/);
    for (const name of ['date=2026-11-25/hour=24', 'date=2026-02-30/hour=01', 'date=2026-11-25/hour=8', 'date=2026-11-25', 'x']) {
      expect(parseHourFolder(name), name).toBeUndefined();
    }
  });
});
