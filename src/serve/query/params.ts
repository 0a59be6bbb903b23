// Query parameters of the query API, validated once per request: instants (epoch ms, ISO-8601
// instants, or local dates and times read in the request's zone), ranges, intervals, zones, limits
// and the response format. Every problem is a 400 naming the parameter.
import { zoneCalendar, type ZoneCalendar } from '../../jobs/counters/index.js';
import { badRequest } from '../http-error.js';
import { queryLimits } from './query-limits.js';

export type Interval = 'minute' | 'hour' | 'day';
export const intervals: readonly Interval[] = ['minute', 'hour', 'day'];

export const intervalMs: Record<Interval, number> = { minute: 60_000, hour: 3_600_000, day: 86_400_000 };

type Query = (name: string) => string | undefined;

const isoPattern = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?)?(Z|[+-]\d{2}:?\d{2})?$/;
/** Epoch ms from 1970 to 2200: a 10-digit number is seconds, and is refused as such. */
const epochMsMax = 7_258_118_400_000;

function invalid(field: string, problem: string): never {
  throw badRequest(`${field}: ${problem}`, { field });
}

const shown = (text: string): string => JSON.stringify(text.slice(0, 64));

function zoneDesignatorMs(designator: string): number {
  if (designator === 'Z') return 0;
  const sign = designator.startsWith('-') ? -1 : 1;
  const digits = designator.slice(1).replace(':', '');
  const hours = Number(digits.slice(0, 2));
  const minutes = Number(digits.slice(2));
  return sign * (hours * 60 + minutes) * 60_000;
}

/** The UTC instant of a local wall time in a zone; in a gap (spring forward) the time moves on by the gap. */
export function localToUtcMs(calendar: ZoneCalendar, localMs: number): number {
  const first = localMs - calendar.offsetMs(localMs);
  const second = localMs - calendar.offsetMs(first);
  return calendar.offsetMs(second) === calendar.offsetMs(first) ? second : first;
}

/**
 * An instant: epoch ms (digits), an ISO-8601 instant with `Z` or an offset, or a local date or
 * date-time without one, read in `calendar` (`2026-03-08` is local midnight there).
 */
export function parseInstant(field: string, text: string, calendar: ZoneCalendar): number {
  if (/^\d{1,16}$/.test(text)) {
    const ms = Number(text);
    if (ms < 100_000_000_000 || ms > epochMsMax) invalid(field, `${shown(text)} is not epoch milliseconds between 1973 and 2200 (seconds are not accepted)`);
    return ms;
  }
  const match = isoPattern.exec(text);
  if (!match) invalid(field, `${shown(text)} is neither epoch milliseconds nor an ISO-8601 instant such as 2026-03-08T05:00:00Z or a local date such as 2026-03-08`);
  const [year, month, day, hour = 0, minute = 0, second = 0] = match.slice(1, 7).map((part) => (part === undefined ? undefined : Number(part))) as number[];
  const millis = match[7] === undefined ? 0 : Number(match[7].padEnd(3, '0'));
  const localMs = Date.UTC(year!, month! - 1, day!, hour, minute, second, millis);
  const check = new Date(localMs);
  if (check.getUTCFullYear() !== year || check.getUTCMonth() !== month! - 1 || check.getUTCDate() !== day || hour > 23 || minute > 59 || second > 59) {
    invalid(field, `${shown(text)} is not a valid date and time`);
  }
  const designator = match[8];
  if (designator !== undefined) {
    const offsetMs = zoneDesignatorMs(designator);
    if (Math.abs(offsetMs) > 14 * 3_600_000) invalid(field, `${shown(text)} has an offset beyond ±14:00`);
    return localMs - offsetMs;
  }
  return localToUtcMs(calendar, localMs);
}

/** The zone of `?tz=`, or `fallback` (the link owner's, or UTC). */
export function parseZone(query: Query, fallback: string): ZoneCalendar {
  const text = query('tz');
  if (text === undefined) return zoneCalendar(fallback) ?? zoneCalendar('UTC')!;
  const calendar = text === '' ? undefined : zoneCalendar(text);
  if (calendar === undefined) invalid('tz', `${shown(text)} is not an IANA time zone such as Europe/Berlin or Asia/Kolkata`);
  return calendar;
}

export interface Range {
  fromMs: number;
  toMs: number;
}

/** `from` and `to` (both required, from < to), at most `spanMsMax` apart. */
export function parseRange(query: Query, calendar: ZoneCalendar, spanMsMax: number): Range {
  const from = query('from');
  const to = query('to');
  if (from === undefined || from === '') invalid('from', 'is required (epoch ms, an ISO-8601 instant, or a local date)');
  if (to === undefined || to === '') invalid('to', 'is required (epoch ms, an ISO-8601 instant, or a local date)');
  const fromMs = parseInstant('from', from, calendar);
  const toMs = parseInstant('to', to, calendar);
  if (fromMs >= toMs) invalid('to', `must be after from (from is ${new Date(fromMs).toISOString()}, to is ${new Date(toMs).toISOString()})`);
  if (toMs - fromMs > spanMsMax) invalid('to', `the range may span at most ${Math.round(spanMsMax / 3_600_000)} hours`);
  return { fromMs, toMs };
}

export function parseInterval(query: Query): Interval {
  const text = query('interval') ?? 'hour';
  if (!(intervals as readonly string[]).includes(text)) invalid('interval', `${shown(text)} is not one of minute, hour, day`);
  return text as Interval;
}

export function parseChoice<T extends string>(query: Query, field: string, choices: readonly T[], fallback?: T): T {
  const text = query(field);
  if (text === undefined || text === '') {
    if (fallback !== undefined) return fallback;
    invalid(field, `is required: one of ${choices.join(', ')}`);
  }
  if (!(choices as readonly string[]).includes(text)) invalid(field, `${shown(text)} is not one of ${choices.join(', ')}`);
  return text as T;
}

/** A whole number in 1..max, or `fallback` when absent. */
export function parseLimit(query: Query, field: string, fallback: number, max: number): number {
  const text = query(field);
  if (text === undefined) return fallback;
  const value = /^\d{1,6}$/.test(text) ? Number(text) : NaN;
  if (!(value >= 1 && value <= max)) invalid(field, `${shown(text)} is not a whole number from 1 to ${max}`);
  return value;
}

/** `json` or `csv`: `?format=` wins, else `Accept: text/csv`. */
export function parseFormat(query: Query, accept: string | undefined): 'json' | 'csv' {
  const format = query('format');
  if (format !== undefined) return parseChoice(query, 'format', ['json', 'csv'] as const);
  return accept !== undefined && /\btext\/csv\b/i.test(accept) && !/\bapplication\/json\b/i.test(accept) ? 'csv' : 'json';
}

export const rangeLimitFor = (interval: Interval): number => queryLimits.bucketsMax[interval] * intervalMs[interval] + 2 * intervalMs.day;
