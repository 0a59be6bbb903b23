// Calendar days in an IANA time zone, a custom partition kind: `2026-11-25` in Europe/Berlin runs
// from local midnight to the next, 23 or 25 hours on the days clocks change. The daily rollup and
// the digest use it, so "yesterday" is the link owner's yesterday.
import { OrchestratorError } from './errors.js';
import type { PartitionKind } from './types.js';

const minuteMs = 60_000;
const dayPattern = /^(\d{4})-(\d{2})-(\d{2})$/;
// Every zone's offset lies within ±15 hours of UTC; a local midnight is searched for in that window.
const searchMinutes = 30 * 60;

interface LocalDate {
  year: number;
  month: number;
  day: number;
}

function dateKey(date: LocalDate): number {
  return date.year * 10_000 + date.month * 100 + date.day;
}

function dateId(date: LocalDate): string {
  return `${String(date.year).padStart(4, '0')}-${String(date.month).padStart(2, '0')}-${String(date.day).padStart(2, '0')}`;
}

/** The days of `timeZone` (an IANA name such as `Europe/Berlin`), ids `YYYY-MM-DD`. */
export function zonedDayPartitions(timeZone: string): PartitionKind {
  let formatter: Intl.DateTimeFormat;
  try {
    formatter = new Intl.DateTimeFormat('en-US', { timeZone, year: 'numeric', month: 'numeric', day: 'numeric', hourCycle: 'h23' });
  } catch (error) {
    throw new OrchestratorError('invalid_partition', `${JSON.stringify(timeZone)} is not an IANA time zone; use a name such as Europe/Berlin`, { cause: error });
  }
  const zone = formatter.resolvedOptions().timeZone;
  const name = `day@${zone}`;
  const shape = `YYYY-MM-DD (a day in ${zone}), e.g. 2026-11-25`;

  const localDate = (instantMs: number): LocalDate => {
    const parts = formatter.formatToParts(instantMs);
    const part = (type: string) => Number(parts.find((entry) => entry.type === type)!.value);
    return { year: part('year'), month: part('month'), day: part('day') };
  };

  const parseDate = (id: string): LocalDate => {
    const match = dayPattern.exec(id);
    const [year, month, day] = match ? [Number(match[1]), Number(match[2]), Number(match[3])] : [0, 0, 0];
    const check = new Date(Date.UTC(year, month - 1, day));
    if (!match || year < 1970 || year > 9999 || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day) {
      throw new OrchestratorError('invalid_partition', `${JSON.stringify(id)} is not a valid day: write ${shape}`);
    }
    return { year, month, day };
  };

  // The first minute whose local date is `date` or later: local midnight, or the first minute
  // after it where a zone skips midnight. Local dates only grow with time, so a binary search works.
  const startOf = (date: LocalDate): number => {
    const target = dateKey(date);
    let low = Date.UTC(date.year, date.month - 1, date.day) / minuteMs - searchMinutes / 2;
    let high = low + searchMinutes;
    while (low < high) {
      const middle = Math.floor((low + high) / 2);
      if (dateKey(localDate(middle * minuteMs)) >= target) high = middle;
      else low = middle + 1;
    }
    return low * minuteMs;
  };

  const dayAfter = (date: LocalDate): LocalDate => {
    const next = new Date(Date.UTC(date.year, date.month - 1, date.day + 1));
    return { year: next.getUTCFullYear(), month: next.getUTCMonth() + 1, day: next.getUTCDate() };
  };

  return {
    name,
    shape,
    parse: (text) => dateId(parseDate(text.trim())),
    format: (instantMs) => dateId(localDate(instantMs)),
    next: (id) => dateId(dayAfter(parseDate(id))),
    bounds: (id) => {
      const date = parseDate(id);
      return { startMs: startOf(date), endMs: startOf(dayAfter(date)) };
    },
  };
}
