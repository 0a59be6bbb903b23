// Merging a link's partial rows over partitions, as the serving side does: counts add up (per
// bucket), visitor sketches union per hour and over the window. Each row is one partition's full
// value, so merging the latest row of every partition gives the link's whole counters.
import { hllMergeInto, hllRegisterCount, hllEstimateRegisters, hllRelativeStandardError } from '../sketch/index.js';
import type { BucketCounts, CounterRow, VisitorSlice } from './counter-rows.js';
import { hourMs, minuteMs, quarterHourMs } from './counter-rows.js';
import { localDayBounds, type ZoneCalendar } from './zone-days.js';

/** Clicks by kind, and their sum. */
export interface ClickSplit {
  total: number;
  human: number;
  bot: number;
  suspicious: number;
}

/** A link's counters over every partition. */
export interface MergedCounters {
  totals: ClickSplit;
  /** Earliest and latest event time counted over the partitions (0 when none). */
  sinceMs: number;
  newestMs: number;
  /** Summed per bucket, ascending. */
  minutes: BucketCounts[];
  quarters: BucketCounts[];
}

export function emptySplit(): ClickSplit {
  return { total: 0, human: 0, bot: 0, suspicious: 0 };
}

function addTo(split: ClickSplit, human: number, bot: number, suspicious: number): void {
  split.human += human;
  split.bot += bot;
  split.suspicious += suspicious;
  split.total += human + bot + suspicious;
}

function mergeSeries(series: readonly (readonly BucketCounts[])[]): BucketCounts[] {
  const byBucket = new Map<number, BucketCounts>();
  for (const buckets of series) {
    for (const { bucket, human, bot, suspicious } of buckets) {
      const sum = byBucket.get(bucket);
      if (sum === undefined) byBucket.set(bucket, { bucket, human, bot, suspicious });
      else {
        sum.human += human;
        sum.bot += bot;
        sum.suspicious += suspicious;
      }
    }
  }
  return [...byBucket.values()].sort((a, b) => a.bucket - b.bucket);
}

/** Adds up the partitions' rows of one link. */
export function mergeCounterRows(rows: readonly CounterRow[]): MergedCounters {
  const totals = emptySplit();
  let sinceMs = 0;
  let newestMs = 0;
  for (const row of rows) {
    addTo(totals, row.human, row.bot, row.suspicious);
    if (row.sinceMs > 0 && (sinceMs === 0 || row.sinceMs < sinceMs)) sinceMs = row.sinceMs;
    newestMs = Math.max(newestMs, row.newestMs);
  }
  return { totals, sinceMs, newestMs, minutes: mergeSeries(rows.map((row) => row.minutes)), quarters: mergeSeries(rows.map((row) => row.quarters)) };
}

/** Sums the buckets whose start lies in [fromMs, toMs). */
export function sumBuckets(buckets: readonly BucketCounts[], bucketMs: number, fromMs: number, toMs: number): ClickSplit {
  const split = emptySplit();
  for (const { bucket, human, bot, suspicious } of buckets) {
    const startMs = bucket * bucketMs;
    if (startMs >= fromMs && startMs < toMs) addTo(split, human, bot, suspicious);
  }
  return split;
}

/** One minute of the last-hour series. */
export interface MinuteCounts extends ClickSplit {
  startMs: number;
}

/** The `minutes` minutes up to and including the one of `nowMs`, oldest first, zeros included. */
export function lastMinutes(merged: MergedCounters, nowMs: number, minutes = 60): MinuteCounts[] {
  const byBucket = new Map(merged.minutes.map((bucket) => [bucket.bucket, bucket]));
  const current = Math.floor(nowMs / minuteMs);
  const series: MinuteCounts[] = [];
  for (let bucket = current - minutes + 1; bucket <= current; bucket++) {
    const counts = byBucket.get(bucket);
    const split = emptySplit();
    if (counts !== undefined) addTo(split, counts.human, counts.bot, counts.suspicious);
    series.push({ startMs: bucket * minuteMs, ...split });
  }
  return series;
}

export interface DayCounts extends ClickSplit {
  /** The local date, YYYY-MM-DD. */
  date: string;
  timeZone: string;
  /** The local day as UTC instants [startMs, endMs). */
  startMs: number;
  endMs: number;
}

/**
 * The clicks of the local day of `nowMs` in `calendar`: the quarter buckets whose start falls on
 * that local date, exact on daylight-saving days and in :30 and :45 zones.
 */
export function todayCounts(merged: MergedCounters, calendar: ZoneCalendar, nowMs: number): DayCounts {
  const bounds = localDayBounds(calendar, nowMs);
  const today = calendar.localDay(nowMs);
  const split = emptySplit();
  for (const { bucket, human, bot, suspicious } of merged.quarters) {
    // Whole quarter hours share a local date, so a bucket is today's exactly when its start is.
    const startMs = bucket * quarterHourMs;
    if (calendar.localDay(startMs) === today) addTo(split, human, bot, suspicious);
  }
  return { date: bounds.date, timeZone: calendar.timeZone, startMs: bounds.startMs, endMs: bounds.endMs, ...split };
}

export interface DistinctVisitors {
  estimate: number;
  /** One standard error, relative (p = 12: about 1.6%). */
  relativeStandardError: number;
  /** The hours united: the current clock hour and the 24 before it. */
  windowStartMs: number;
  windowEndMs: number;
}

/** Distinct visitor addresses in the hours [hour(nowMs) − 24, hour(nowMs)], from every partition's slices. */
export function distinctVisitors(slices: readonly VisitorSlice[], nowMs: number): DistinctVisitors {
  const currentHour = Math.floor(nowMs / hourMs);
  const registers = new Uint8Array(hllRegisterCount);
  for (const slice of slices) if (slice.hour >= currentHour - 24 && slice.hour <= currentHour) hllMergeInto(registers, slice);
  return {
    estimate: Math.round(hllEstimateRegisters(registers)),
    relativeStandardError: hllRelativeStandardError,
    windowStartMs: (currentHour - 24) * hourMs,
    windowEndMs: (currentHour + 1) * hourMs,
  };
}
