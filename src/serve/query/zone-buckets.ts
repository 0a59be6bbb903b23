// The buckets of a series in a time zone: minutes, local hours or local days as UTC instants.
// Every UTC offset in the tz database is a whole number of quarter hours and every transition
// happens on a UTC quarter hour, so a local hour or day is always a whole number of the batch
// layer's 15-minute slices and of the stream's quarter buckets: 23- and 25-hour days, +5:30 and
// +5:45 zones included. Offsets come from the zone calendar (Intl) at a few sample points; a
// change between two samples is found by bisection to its quarter hour.
import type { ZoneCalendar } from '../../jobs/counters/index.js';
import { intervalMs, type Interval } from './params.js';

const quarterMs = 15 * 60_000;
const sampleMs = 6 * 3_600_000;

export interface Bucket {
  startMs: number;
  endMs: number;
  /** The zone's offset at the start, in ms (for the local label). */
  offsetMs: number;
}

interface OffsetRun {
  startMs: number;
  offsetMs: number;
}

/** Runs of constant offset covering [fromMs, toMs) (both on quarter hours). */
function offsetRuns(calendar: ZoneCalendar, fromMs: number, toMs: number): OffsetRun[] {
  const runs: OffsetRun[] = [{ startMs: fromMs, offsetMs: calendar.offsetMs(fromMs) }];
  let atMs = fromMs;
  while (atMs < toMs) {
    const current = runs.at(-1)!.offsetMs;
    const nextMs = Math.min(atMs + sampleMs, toMs);
    if (calendar.offsetMs(nextMs) === current) {
      atMs = nextMs;
      continue;
    }
    // The first quarter in (atMs, nextMs] whose offset differs.
    let low = atMs / quarterMs;
    let high = nextMs / quarterMs;
    while (high - low > 1) {
      const middle = Math.floor((low + high) / 2);
      if (calendar.offsetMs(middle * quarterMs) === current) low = middle;
      else high = middle;
    }
    atMs = high * quarterMs;
    runs.push({ startMs: atMs, offsetMs: calendar.offsetMs(atMs) });
  }
  return runs;
}

const floorTo = (value: number, unit: number): number => Math.floor(value / unit) * unit;

/**
 * The buckets of `interval` in `calendar` that overlap [fromMs, toMs): from the start of the
 * bucket holding `fromMs` to the end of the one holding `toMs - 1`. A bucket starts where the local
 * time is a whole unit, or where an offset change moves the local time into another unit (a day
 * that starts at 01:00 because midnight was skipped).
 */
export function zoneBuckets(calendar: ZoneCalendar, interval: Interval, fromMs: number, toMs: number, bucketsMax: number): Bucket[] | undefined {
  const unit = intervalMs[interval];
  const margin = interval === 'day' ? 2 * unit : 2 * 3_600_000;
  const runs = offsetRuns(calendar, floorTo(fromMs - margin, quarterMs), floorTo(toMs + margin, quarterMs) + quarterMs);
  const boundaries: { atMs: number; offsetMs: number }[] = [];
  runs.forEach((run, index) => {
    const endMs = runs[index + 1]?.startMs ?? Number.POSITIVE_INFINITY;
    const previous = runs[index - 1];
    if (previous !== undefined && Math.floor((run.startMs - 1 + previous.offsetMs) / unit) !== Math.floor((run.startMs + run.offsetMs) / unit)) {
      if ((run.startMs + run.offsetMs) % unit !== 0) boundaries.push({ atMs: run.startMs, offsetMs: run.offsetMs });
    }
    const lastMs = Math.min(endMs, toMs + unit + margin);
    for (let atMs = Math.ceil((run.startMs + run.offsetMs) / unit) * unit - run.offsetMs; atMs < lastMs; atMs += unit) {
      boundaries.push({ atMs, offsetMs: run.offsetMs });
    }
  });
  const buckets: Bucket[] = [];
  for (let index = 0; index + 1 < boundaries.length; index++) {
    const start = boundaries[index]!;
    const endMs = boundaries[index + 1]!.atMs;
    if (endMs <= fromMs || start.atMs >= toMs) continue;
    if (buckets.length === bucketsMax) return undefined;
    buckets.push({ startMs: start.atMs, endMs, offsetMs: start.offsetMs });
  }
  return buckets;
}

/** The local time of an instant with its offset, ISO-8601: `2026-03-08T00:00:00-05:00`. */
export function localLabel(atMs: number, offsetMs: number): string {
  const local = new Date(atMs + offsetMs).toISOString().slice(0, 19);
  const sign = offsetMs < 0 ? '-' : '+';
  const minutes = Math.abs(offsetMs) / 60_000;
  return `${local}${sign}${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}
