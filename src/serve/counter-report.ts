// The counters of a link as the API answers them: its partitions' rows merged (sums, sketch
// unions), today in a time zone, the last 60 minutes, the split, distinct visitors with their
// error, and how fresh it all is. Always `source: 'provisional'`: these come from the stream; the
// batch layer's final numbers replace them for closed days.
import {
  distinctVisitors,
  lastMinutes,
  mergeCounterRows,
  todayCounts,
  type ClickSplit,
  type DayCounts,
  type DistinctVisitors,
  type MinuteCounts,
  type ZoneCalendar,
} from '../jobs/counters/index.js';
import type { CounterFreshness, LinkCounterRows } from './counter-views.js';

export interface CounterReport {
  linkId: string;
  source: 'provisional';
  /** All clicks counted, by kind (human, bot, suspicious: a click flagged by fraud is suspicious even when it is a bot). */
  total: number;
  split: Omit<ClickSplit, 'total'>;
  /** The earliest click counted (0 when none): the total counts from it. */
  countingSinceMs: number;
  /** The latest click counted (0 when none). */
  lastClickMs: number;
  today: DayCounts;
  lastHour: ClickSplit & { minutes: MinuteCounts[] };
  distinctVisitors24h: DistinctVisitors;
  freshness: {
    /** Clicks stamped before this are all counted (null before the stream's first commit). */
    watermarkMs: number | null;
    /** How far the watermark is behind the clock. */
    lagMs: number | null;
    committedAtMs: number | null;
    partitions: number;
  };
  generatedAtMs: number;
}

export function buildCounterReport(linkId: string, rows: LinkCounterRows, calendar: ZoneCalendar, freshness: CounterFreshness, nowMs: number): CounterReport {
  const merged = mergeCounterRows(rows.counters);
  const minutes = lastMinutes(merged, nowMs);
  const lastHour: ClickSplit = { total: 0, human: 0, bot: 0, suspicious: 0 };
  for (const minute of minutes) {
    lastHour.total += minute.total;
    lastHour.human += minute.human;
    lastHour.bot += minute.bot;
    lastHour.suspicious += minute.suspicious;
  }
  const { human, bot, suspicious, total } = merged.totals;
  return {
    linkId,
    source: 'provisional',
    total,
    split: { human, bot, suspicious },
    countingSinceMs: merged.sinceMs,
    lastClickMs: merged.newestMs,
    today: todayCounts(merged, calendar, nowMs),
    lastHour: { ...lastHour, minutes },
    distinctVisitors24h: distinctVisitors(rows.visitors, nowMs),
    freshness: {
      watermarkMs: freshness.watermarkMs,
      lagMs: freshness.watermarkMs === null ? null : Math.max(0, nowMs - freshness.watermarkMs),
      committedAtMs: freshness.committedAtMs,
      partitions: freshness.partitions,
    },
    generatedAtMs: nowMs,
  };
}
