// Days in a time zone, from UTC quarter-hour buckets. Every UTC offset in the tz database is a
// whole number of quarter hours (India +5:30, Nepal +5:45, Chatham +12:45) and every transition
// happens on a quarter hour of UTC, so a local day always starts and ends on a UTC quarter hour:
// "today in zone Z" is exactly the quarter buckets whose start falls on today's local date, on
// daylight-saving days too (23 or 25 hours). The offset at an instant comes from Intl and is
// cached per zone and quarter hour (bounded).
import { limits } from '../../core/index.js';
import { quarterHourMs } from './counter-rows.js';

const dayMs = 24 * 60 * 60 * 1000;
const zoneNamePattern = /^[A-Za-z0-9_+\-/]{1,64}$/;

export interface ZoneCalendar {
  /** The zone's IANA name, as asked for (Intl may know it by another: Asia/Kathmandu is Asia/Katmandu to ICU). */
  readonly timeZone: string;
  /** The zone's offset from UTC at `timeMs`, in ms. */
  offsetMs(timeMs: number): number;
  /** Days since 1970-01-01 of the local date at `timeMs`. */
  localDay(timeMs: number): number;
}

function intlOffsetMs(format: Intl.DateTimeFormat, timeMs: number): number {
  const parts: Record<string, number> = {};
  for (const part of format.formatToParts(timeMs)) if (part.type !== 'literal') parts[part.type] = Number(part.value);
  const localMs = Date.UTC(parts.year!, parts.month! - 1, parts.day!, parts.hour!, parts.minute!, parts.second!);
  return localMs - Math.floor(timeMs / 1000) * 1000;
}

function formatFor(timeZone: string): Intl.DateTimeFormat | undefined {
  if (!zoneNamePattern.test(timeZone)) return undefined;
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' });
  } catch {
    return undefined;
  }
}

function createZoneCalendar(timeZone: string, format: Intl.DateTimeFormat): ZoneCalendar {
  const offsets = new Map<number, number>();
  const offsetMs = (timeMs: number): number => {
    const quarter = Math.floor(timeMs / quarterHourMs);
    let offset = offsets.get(quarter);
    if (offset === undefined) {
      if (offsets.size >= limits.countersZoneOffsetsCachedMax) offsets.clear();
      offset = intlOffsetMs(format, quarter * quarterHourMs);
      offsets.set(quarter, offset);
    }
    return offset;
  };
  return { timeZone, offsetMs, localDay: (timeMs) => Math.floor((timeMs + offsetMs(timeMs)) / dayMs) };
}

/** Calendars by the name asked for; the zones Intl knows are a few hundred, so this stays small. */
const calendars = new Map<string, ZoneCalendar | null>();

/** The calendar of an IANA zone name, or undefined when Intl does not know it. */
export function zoneCalendar(timeZone: string): ZoneCalendar | undefined {
  let calendar = calendars.get(timeZone);
  if (calendar === undefined) {
    const format = formatFor(timeZone);
    calendar = format === undefined ? null : createZoneCalendar(timeZone, format);
    // Unknown names are not remembered: there are infinitely many.
    if (calendar !== null) calendars.set(timeZone, calendar);
  }
  return calendar ?? undefined;
}

/** The local date `day` (days since 1970-01-01) as YYYY-MM-DD. */
export function formatLocalDay(day: number): string {
  return new Date(day * dayMs).toISOString().slice(0, 10);
}

/** A local day as UTC instants: [startMs, endMs), whole quarter hours. */
export interface LocalDayBounds {
  date: string;
  startMs: number;
  endMs: number;
}

/**
 * The local day of `nowMs` in `calendar` as UTC instants: the run of quarter hours around now that
 * share its local date (23, 24 or 25 hours; 24.5 on Lord Howe).
 */
export function localDayBounds(calendar: ZoneCalendar, nowMs: number): LocalDayBounds {
  const today = calendar.localDay(nowMs);
  let first = Math.floor(nowMs / quarterHourMs);
  while (calendar.localDay((first - 1) * quarterHourMs) === today) first--;
  let last = Math.floor(nowMs / quarterHourMs);
  while (calendar.localDay((last + 1) * quarterHourMs) === today) last++;
  return { date: formatLocalDay(today), startMs: first * quarterHourMs, endMs: (last + 1) * quarterHourMs };
}
