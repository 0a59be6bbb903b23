// The speed layer's part of a series, from a link's counter rows over every partition: the summed
// minute and quarter buckets, how far back every partition still holds them, and distinct visitor
// estimates for the hours whose sketches are kept (the current hour and the 24 before it).
import { minuteBucketsKept, mergeCounterRows, quarterBucketsKept, type CounterRow } from '../../jobs/counters/index.js';
import { hllEstimateRegisters, hllMergeInto, hllRegisterCount, hllRelativeStandardError } from '../../jobs/sketch/index.js';
import type { LinkCounterRows } from '../counter-views.js';
import type { StreamPart } from './series.js';

const minuteMs = 60_000;
const quarterMs = 15 * minuteMs;
const hourMs = 4 * quarterMs;

/**
 * The oldest bucket every partition holds. Each partition keeps its latest `kept` buckets
 * relative to its own newest one; a bucket after a partition's newest holds nothing of it.
 */
function oldestHeld(rows: readonly CounterRow[], bucketMs: number, kept: number): number {
  let oldest = Number.NEGATIVE_INFINITY;
  for (const row of rows) {
    if (row.newestMs === 0) continue;
    oldest = Math.max(oldest, Math.floor(row.newestMs / bucketMs) - kept + 1);
  }
  return oldest;
}

export function streamPartOf(rows: LinkCounterRows, nowMs: number): StreamPart {
  const merged = mergeCounterRows(rows.counters);
  const oldestQuarter = oldestHeld(rows.counters, quarterMs, quarterBucketsKept);
  const byHour = new Map<number, Uint8Array>();
  for (const slice of rows.visitors) {
    let registers = byHour.get(slice.hour);
    if (registers === undefined) byHour.set(slice.hour, (registers = new Uint8Array(hllRegisterCount)));
    hllMergeInto(registers, slice);
  }
  const hourVisitors = new Map<number, number>();
  const currentHour = Math.floor(nowMs / hourMs);
  for (let hour = currentHour - 24; hour <= currentHour; hour++) {
    if (hour * 4 < oldestQuarter) continue;
    const registers = byHour.get(hour);
    hourVisitors.set(hour, registers === undefined ? 0 : Math.round(hllEstimateRegisters(registers)));
  }
  return {
    minutes: merged.minutes,
    quarters: merged.quarters,
    oldestMinute: oldestHeld(rows.counters, minuteMs, minuteBucketsKept),
    oldestQuarter,
    hourVisitors,
    visitorsRelativeStandardError: hllRelativeStandardError,
  };
}

/**
 * `streamPartOf`, kept per rows object and hour. The counters views hand out one rows object per
 * version of a link's rows (see counter-views.ts), and the part depends on the clock only through
 * the current hour (whose visitor sketches are estimated), so a kept part is the one that would
 * be computed. Held weakly: a part goes with its rows, which the views' bound limits.
 */
export function createStreamPartCache(): (rows: LinkCounterRows, nowMs: number) => StreamPart {
  const parts = new WeakMap<LinkCounterRows, { hour: number; part: StreamPart }>();
  return (rows, nowMs) => {
    const hour = Math.floor(nowMs / hourMs);
    const kept = parts.get(rows);
    if (kept !== undefined && kept.hour === hour) return kept.part;
    const part = streamPartOf(rows, nowMs);
    parts.set(rows, { hour, part });
    return part;
  };
}
