// The local calendar day of an instant in an IANA time zone, fast enough to run per event. Intl
// gives the zone's offset at an instant (a few microseconds); every offset change of the current
// tz database happens on a quarter hour of UTC (local transition times and offsets are whole
// quarter hours, even Chatham's +12:45 and Nepal's +5:45), so the offset is cached per UTC
// quarter hour and a day costs 96 Intl calls per zone at most.
import { dayMs } from './calendar.js';

const quarterHourMs = 15 * 60_000;

export interface ZoneDays {
  readonly timeZone: string;
  /** The zone's offset from UTC at `timeMs`, in ms (e.g. 3,600,000 for CET). */
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

export function createZoneDays(timeZone: string): ZoneDays {
  const format = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  });
  const cache = new Map<number, number>();
  let lastSlot = Number.NaN;
  let lastOffsetMs = 0;
  const offsetMs = (timeMs: number): number => {
    const slot = Math.floor(timeMs / quarterHourMs);
    if (slot === lastSlot) return lastOffsetMs;
    let offset = cache.get(slot);
    if (offset === undefined) {
      offset = intlOffsetMs(format, slot * quarterHourMs);
      cache.set(slot, offset);
    }
    lastSlot = slot;
    lastOffsetMs = offset;
    return offset;
  };
  return { timeZone, offsetMs, localDay: (timeMs) => Math.floor((timeMs + offsetMs(timeMs)) / dayMs) };
}
