// Batch views on SQLite: the rollups' published per-link numbers (migration 5). An hour is
// published whole in one transaction (its rows replaced), and only by a publication at least as new
// as the stored one (seal version first, then run id), so a slow old run never overwrites a newer
// correction. Reads sum slices and breakdowns over the hours asked for.
import type {
  BatchBreakdownDimension,
  BatchBreakdownRow,
  BatchHourPublication,
  BatchHourView,
  BatchLinkSlice,
  BatchViewRepository,
  ClassCounts,
} from '../batch-view-types.js';
import { validateRunId, validateTime } from '../batch-validate.js';
import { invalidField } from '../errors.js';
import { validateListLimit } from '../validate.js';
import { prepareLazily, type SqliteContext } from './database.js';

const hourMs = 3_600_000;
const sliceMs = 15 * 60_000;
const dimensions: readonly BatchBreakdownDimension[] = ['country', 'referrer', 'device'];
const idBytesMax = 256;
const valueBytesMax = 1_024;

interface HourRow {
  hour_start_ms: number;
  hour: string;
  run_id: number;
  version: number;
  published_at_ms: number;
  output_hash: string;
}

interface SliceRow {
  link_id: string;
  user_id: string;
  account_id: string;
  slice_start_ms: number;
  human: number;
  bot: number;
  suspicious: number;
  duplicates: number;
}

const sql = {
  hour: 'SELECT * FROM batch_hours WHERE hour_start_ms = ?',
  deleteSlices: 'DELETE FROM batch_link_slices WHERE hour_start_ms = ?',
  deleteVisitors: 'DELETE FROM batch_link_visitors WHERE hour_start_ms = ?',
  deleteBreakdowns: 'DELETE FROM batch_link_breakdowns WHERE hour_start_ms = ?',
  upsertHour: `INSERT INTO batch_hours (hour_start_ms, hour, run_id, version, published_at_ms, output_hash) VALUES (?, ?, ?, ?, ?, ?)
    ON CONFLICT (hour_start_ms) DO UPDATE SET hour = excluded.hour, run_id = excluded.run_id, version = excluded.version,
      published_at_ms = excluded.published_at_ms, output_hash = excluded.output_hash`,
  insertSlice: `INSERT INTO batch_link_slices (link_id, slice_start_ms, hour_start_ms, user_id, account_id, human, bot, suspicious, duplicates)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  insertVisitors: 'INSERT INTO batch_link_visitors (link_id, hour_start_ms, visitors) VALUES (?, ?, ?)',
  insertBreakdown: 'INSERT INTO batch_link_breakdowns (link_id, dimension, hour_start_ms, values_json) VALUES (?, ?, ?, ?)',
  hours: 'SELECT * FROM batch_hours WHERE hour_start_ms >= ? AND hour_start_ms < ? ORDER BY hour_start_ms',
  latest: 'SELECT * FROM batch_hours ORDER BY hour_start_ms DESC LIMIT 1',
  marker: 'SELECT count(*) AS hours, max(published_at_ms) AS at, total(run_id) AS runs, total(version) AS versions FROM batch_hours',
  linkSlices: 'SELECT * FROM batch_link_slices WHERE link_id = ? AND slice_start_ms >= ? AND slice_start_ms < ? ORDER BY slice_start_ms',
  linkVisitors: `SELECT hour_start_ms AS hourStartMs, visitors FROM batch_link_visitors
    WHERE link_id = ? AND hour_start_ms >= ? AND hour_start_ms < ? ORDER BY hour_start_ms`,
  linkBreakdown: 'SELECT values_json FROM batch_link_breakdowns WHERE link_id = ? AND dimension = ? AND hour_start_ms >= ? AND hour_start_ms < ?',
  accountTopLinks: `SELECT link_id AS linkId, sum(human) AS human, sum(bot) AS bot, sum(suspicious) AS suspicious, sum(duplicates) AS duplicates
    FROM batch_link_slices WHERE account_id = ? AND slice_start_ms >= ? AND slice_start_ms < ?
    GROUP BY link_id ORDER BY sum(human) + sum(bot) + sum(suspicious) DESC, link_id LIMIT ?`,
  accountTotals: `SELECT coalesce(sum(human), 0) AS human, coalesce(sum(bot), 0) AS bot, coalesce(sum(suspicious), 0) AS suspicious,
    coalesce(sum(duplicates), 0) AS duplicates FROM batch_link_slices WHERE account_id = ? AND slice_start_ms >= ? AND slice_start_ms < ?`,
};

/** One value of a stored breakdown: [value, human, bot, suspicious]. */
type StoredValue = [string, number, number, number];

/** Breakdown rows grouped by `<link>\n<dimension>`, each a list of stored values. */
function groupBreakdowns(rows: BatchHourPublication['breakdowns']): Map<string, StoredValue[]> {
  const groups = new Map<string, StoredValue[]>();
  for (const row of rows) {
    const key = `${row.linkId}\n${row.dimension}`;
    let values = groups.get(key);
    if (values === undefined) {
      values = [];
      groups.set(key, values);
    }
    values.push([row.value, row.human, row.bot, row.suspicious]);
  }
  return groups;
}

function toView(row: HourRow): BatchHourView {
  return {
    hour: row.hour,
    hourStartMs: row.hour_start_ms,
    runId: row.run_id,
    version: row.version,
    corrected: row.version > 1,
    publishedAtMs: row.published_at_ms,
    outputHash: row.output_hash,
  };
}

function toSlice(row: SliceRow): BatchLinkSlice {
  return {
    linkId: row.link_id,
    userId: row.user_id,
    accountId: row.account_id,
    sliceStartMs: row.slice_start_ms,
    human: row.human,
    bot: row.bot,
    suspicious: row.suspicious,
    duplicates: row.duplicates,
  };
}

function checkId(value: unknown, field: string): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > idBytesMax) {
    throw invalidField(field, `must be a non-empty id of at most ${idBytesMax} characters (got ${JSON.stringify(value)})`);
  }
  return value;
}

function checkCount(value: unknown, field: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw invalidField(field, `must be a count, a whole number of at least 0 (got ${JSON.stringify(value)})`);
  }
  return value;
}

function checkClassCounts(counts: ClassCounts, field: string): void {
  checkCount(counts.human, `${field}.human`);
  checkCount(counts.bot, `${field}.bot`);
  checkCount(counts.suspicious, `${field}.suspicious`);
}

function checkDimension(value: unknown, field: string): BatchBreakdownDimension {
  if (!dimensions.includes(value as BatchBreakdownDimension)) throw invalidField(field, `must be one of ${dimensions.join(', ')} (got ${JSON.stringify(value)})`);
  return value as BatchBreakdownDimension;
}

function checkRange(fromMs: number, toMs: number): void {
  validateTime(fromMs, 'fromMs');
  validateTime(toMs, 'toMs');
  if (toMs < fromMs) throw invalidField('toMs', `must not be before fromMs (${fromMs}), got ${toMs}`);
}

/** The hour's label as the orchestrator names hourly partitions, e.g. `2026-11-25T08`. */
function hourLabel(hourStartMs: number): string {
  return new Date(hourStartMs).toISOString().slice(0, 13);
}

function validatePublication(publication: BatchHourPublication): void {
  const { view } = publication;
  const hourStartMs = validateTime(view.hourStartMs, 'view.hourStartMs');
  if (hourStartMs % hourMs !== 0) throw invalidField('view.hourStartMs', `must be the start of a UTC hour (got ${hourStartMs})`);
  if (view.hour !== hourLabel(hourStartMs)) throw invalidField('view.hour', `must be ${hourLabel(hourStartMs)}, the label of hourStartMs (got ${JSON.stringify(view.hour)})`);
  validateRunId(view.runId, 'view.runId');
  if (!Number.isSafeInteger(view.version) || view.version < 1) throw invalidField('view.version', `must be a seal version of at least 1 (got ${JSON.stringify(view.version)})`);
  if (typeof view.outputHash !== 'string' || view.outputHash.length === 0 || view.outputHash.length > 200) throw invalidField('view.outputHash', 'must be the run output hash');
  const sliceKeys = new Set<string>();
  publication.slices.forEach((slice, index) => {
    const field = `slices[${index}]`;
    checkId(slice.linkId, `${field}.linkId`);
    checkId(slice.userId, `${field}.userId`);
    checkId(slice.accountId, `${field}.accountId`);
    const start = validateTime(slice.sliceStartMs, `${field}.sliceStartMs`);
    if (start < hourStartMs || start >= hourStartMs + hourMs || start % sliceMs !== 0) {
      throw invalidField(`${field}.sliceStartMs`, `must start a 15-minute slice of hour ${view.hour} (got ${start})`);
    }
    checkClassCounts(slice, field);
    checkCount(slice.duplicates, `${field}.duplicates`);
    const key = `${slice.linkId}\n${start}`;
    if (sliceKeys.has(key)) throw invalidField(field, `link ${slice.linkId} has two slices starting at ${start}`);
    sliceKeys.add(key);
  });
  publication.visitors.forEach((entry, index) => {
    checkId(entry.linkId, `visitors[${index}].linkId`);
    checkCount(entry.visitors, `visitors[${index}].visitors`);
  });
  const breakdownKeys = new Set<string>();
  publication.breakdowns.forEach((row, index) => {
    const field = `breakdowns[${index}]`;
    const key = `${row.linkId}\n${row.dimension}\n${row.value}`;
    if (breakdownKeys.has(key)) throw invalidField(field, `link ${row.linkId} has ${row.dimension} ${JSON.stringify(row.value)} twice`);
    breakdownKeys.add(key);
    checkId(row.linkId, `${field}.linkId`);
    checkDimension(row.dimension, `${field}.dimension`);
    if (typeof row.value !== 'string' || row.value.length > valueBytesMax) throw invalidField(`${field}.value`, `must be a string of at most ${valueBytesMax} characters`);
    checkClassCounts(row, field);
  });
}

export function createSqliteBatchViews(context: SqliteContext): BatchViewRepository {
  const { run, write, clock } = context;
  const statements = prepareLazily(context.db, sql);

  const replaceHour = (publication: BatchHourPublication): boolean => {
    const { view } = publication;
    const stored = statements.hour.get(view.hourStartMs) as HourRow | undefined;
    if (stored !== undefined && (stored.version > view.version || (stored.version === view.version && stored.run_id > view.runId))) return false;
    statements.deleteSlices.run(view.hourStartMs);
    statements.deleteVisitors.run(view.hourStartMs);
    statements.deleteBreakdowns.run(view.hourStartMs);
    statements.upsertHour.run(view.hourStartMs, view.hour, view.runId, view.version, clock.nowMs(), view.outputHash);
    for (const slice of publication.slices) {
      statements.insertSlice.run(slice.linkId, slice.sliceStartMs, view.hourStartMs, slice.userId, slice.accountId, slice.human, slice.bot, slice.suspicious, slice.duplicates);
    }
    for (const entry of publication.visitors) statements.insertVisitors.run(entry.linkId, view.hourStartMs, entry.visitors);
    for (const [key, values] of groupBreakdowns(publication.breakdowns)) {
      const [linkId, dimension] = key.split('\n') as [string, string];
      statements.insertBreakdown.run(linkId, dimension, view.hourStartMs, JSON.stringify(values));
    }
    return true;
  };

  return {
    publishHour: (publication) =>
      run(() => {
        validatePublication(publication);
        return write(() => replaceHour(publication));
      }),
    hours: (fromMs, toMs) =>
      run(() => {
        checkRange(fromMs, toMs);
        return (statements.hours.all(fromMs, toMs) as HourRow[]).map(toView);
      }),
    latestHour: () =>
      run(() => {
        const row = statements.latest.get() as HourRow | undefined;
        return row === undefined ? undefined : toView(row);
      }),
    publicationMarker: () =>
      run(() => {
        const row = statements.marker.get() as { hours: number; at: number | null; runs: number; versions: number };
        return row.hours === 0 ? null : `${row.hours}:${row.at}:${row.runs}:${row.versions}`;
      }),
    linkSlices: (linkId, fromMs, toMs) =>
      run(() => {
        checkId(linkId, 'linkId');
        checkRange(fromMs, toMs);
        return (statements.linkSlices.all(linkId, fromMs, toMs) as SliceRow[]).map(toSlice);
      }),
    linkHourVisitors: (linkId, fromMs, toMs) =>
      run(() => {
        checkId(linkId, 'linkId');
        checkRange(fromMs, toMs);
        return statements.linkVisitors.all(linkId, fromMs, toMs) as { hourStartMs: number; visitors: number }[];
      }),
    linkBreakdown: (linkId, dimension, fromMs, toMs, limit) =>
      run(() => {
        checkId(linkId, 'linkId');
        checkDimension(dimension, 'dimension');
        checkRange(fromMs, toMs);
        const max = validateListLimit(limit);
        const sums = new Map<string, BatchBreakdownRow>();
        for (const json of statements.linkBreakdown.pluck().all(linkId, dimension, fromMs, toMs) as string[]) {
          for (const [value, human, bot, suspicious] of JSON.parse(json) as StoredValue[]) {
            const row = sums.get(value) ?? { value, human: 0, bot: 0, suspicious: 0 };
            row.human += human;
            row.bot += bot;
            row.suspicious += suspicious;
            sums.set(value, row);
          }
        }
        const total = (row: BatchBreakdownRow) => row.human + row.bot + row.suspicious;
        return [...sums.values()].sort((a, b) => total(b) - total(a) || (a.value < b.value ? -1 : a.value > b.value ? 1 : 0)).slice(0, max);
      }),
    accountTopLinks: (accountId, fromMs, toMs, limit) =>
      run(() => {
        checkId(accountId, 'accountId');
        checkRange(fromMs, toMs);
        return statements.accountTopLinks.all(accountId, fromMs, toMs, validateListLimit(limit)) as (ClassCounts & { linkId: string; duplicates: number })[];
      }),
    accountTotals: (accountId, fromMs, toMs) =>
      run(() => {
        checkId(accountId, 'accountId');
        checkRange(fromMs, toMs);
        return statements.accountTotals.get(accountId, fromMs, toMs) as ClassCounts & { duplicates: number };
      }),
  };
}
