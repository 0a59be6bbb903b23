// `GET /v1/links/:id/stats` (a time series over batch and stream, JSON or CSV) and
// `GET /v1/links/:id/breakdown` (clicks by country, referrer, device or class, from the batch views).
import type { Context, Hono } from 'hono';
import { LruCache } from '../../core/index.js';
import type { BatchBreakdownDimension, BatchHourView, ClassCounts } from '../../store/index.js';
import type { ServeEnv } from '../app-env.js';
import { badRequest } from '../http-error.js';
import type { ServingServices } from '../services.js';
import { toCsv } from './csv.js';
import { ownerZone, readableLink } from './link-access.js';
import { parseChoice, parseFormat, parseInterval, parseLimit, parseRange, parseZone, rangeLimitFor } from './params.js';
import { queryLimits } from './query-limits.js';
import { mergeSeries, type BatchPart, type Finality, type SeriesBucket, type StreamPart } from './series.js';
import { createStreamPartCache } from './stream-part.js';
import { localLabel, zoneBuckets, type Bucket } from './zone-buckets.js';

const hourMs = 3_600_000;
const floorHour = (ms: number): number => Math.floor(ms / hourMs) * hourMs;
const ceilHour = (ms: number): number => Math.ceil(ms / hourMs) * hourMs;
const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

type Query = (name: string) => string | undefined;
const queryOf = (c: Context<ServeEnv>): Query => (name) => c.req.query(name);

/** Completeness of both layers: the newest published batch hour's end and the stream's committed watermark. */
async function completeness(services: ServingServices) {
  const nowMs = services.clock.nowMs();
  const [latest, freshness] = await Promise.all([services.store.batchViews.latestHour(), services.counterViews.freshness()]);
  const batchMs = latest === undefined ? null : latest.hourStartMs + hourMs;
  return {
    batch: { watermarkMs: batchMs, watermark: iso(batchMs), latestRunId: latest?.runId ?? null },
    stream: {
      watermarkMs: freshness.watermarkMs,
      watermark: iso(freshness.watermarkMs),
      lagMs: freshness.watermarkMs === null ? null : Math.max(0, nowMs - freshness.watermarkMs),
      committedAtMs: freshness.committedAtMs,
      partitions: freshness.partitions,
    },
  };
}

function totalsOf(buckets: readonly SeriesBucket[]) {
  const totals = { total: 0, human: 0, bot: 0, suspicious: 0 };
  for (const bucket of buckets) {
    totals.total += bucket.total;
    totals.human += bucket.human;
    totals.bot += bucket.bot;
    totals.suspicious += bucket.suspicious;
  }
  return totals;
}

async function readBatchPart(services: ServingServices, linkId: string, fromMs: number, toMs: number): Promise<BatchPart> {
  const { batchViews } = services.store;
  const [hours, slices, visitors] = await Promise.all([
    batchViews.hours(floorHour(fromMs), ceilHour(toMs)),
    batchViews.linkSlices(linkId, fromMs, toMs),
    batchViews.linkHourVisitors(linkId, floorHour(fromMs), ceilHour(toMs)),
  ]);
  return {
    hours: new Map(hours.map((view) => [view.hourStartMs, view])),
    slices: new Map(slices.map((slice) => [slice.sliceStartMs, slice])),
    hourVisitors: new Map(visitors.map((row) => [row.hourStartMs, row.visitors])),
  };
}

/**
 * The batch part of a series, kept per (link, span) until any hour is published or re-published:
 * the views change a few times an hour, while a stats page or a dashboard asks every second or
 * more. Whether something was published is asked of the store at most every `batchPartTtlMs`, so
 * a publication shows within that; concurrent requests for one span share one read.
 */
function createBatchPartCache(services: ServingServices): (linkId: string, fromMs: number, toMs: number) => Promise<BatchPart> {
  const cache = new LruCache<string, { marker: string | null; part: Promise<BatchPart> }>(queryLimits.batchPartsCachedMax);
  let marker: { checkedAtMs: number; value: Promise<string | null> } | undefined;
  const currentMarker = (nowMs: number): Promise<string | null> => {
    if (marker === undefined || nowMs - marker.checkedAtMs >= queryLimits.batchPartTtlMs) {
      const value = services.store.batchViews.publicationMarker();
      marker = { checkedAtMs: nowMs, value };
      value.catch(() => {
        if (marker?.value === value) marker = undefined;
      });
    }
    return marker.value;
  };
  return async (linkId, fromMs, toMs) => {
    const key = `${linkId}|${fromMs}|${toMs}`;
    const published = await currentMarker(services.clock.nowMs());
    const cached = cache.get(key);
    if (cached !== undefined && cached.marker === published) return cached.part;
    const part = readBatchPart(services, linkId, fromMs, toMs);
    cache.set(key, { marker: published, part });
    // A failed read is not kept.
    part.catch(() => {
      if (cache.get(key)?.part === part) cache.delete(key);
    });
    return part;
  };
}

const csvHeader = ['start', 'start_ms', 'end_ms', 'source', 'finality', 'total', 'human', 'bot', 'suspicious', 'visitors_kind', 'visitors', 'visitors_min', 'visitors_max', 'run_ids'];

function csvRow(bucket: LabelledBucket) {
  const { visitors } = bucket;
  return [
    bucket.start,
    bucket.startMs,
    bucket.endMs,
    bucket.source,
    bucket.finality,
    bucket.total,
    bucket.human,
    bucket.bot,
    bucket.suspicious,
    visitors.kind,
    visitors.kind === 'exact' || visitors.kind === 'estimate' ? visitors.value : null,
    visitors.kind === 'bounds' ? visitors.min : null,
    visitors.kind === 'bounds' ? visitors.max : null,
    bucket.runIds.join(' '),
  ];
}

type LabelledBucket = SeriesBucket & { start: string };

/** A merged series as answered, with the parts it was made of. */
interface KeptSeries {
  batch: BatchPart;
  stream: StreamPart;
  labelled: LabelledBucket[];
  totals: ReturnType<typeof totalsOf>;
}

/**
 * Merged series per (link, interval, zone, span), each kept while its batch and stream parts are
 * the very objects it was made of: both are kept and handed out once per version (the batch part
 * per publication, the stream part per commit that changed the link and per hour), so a kept
 * series is the one the merge would make. A dashboard asks for the same series every few seconds,
 * far more often than either layer changes it.
 */
function createSeriesCache() {
  const kept = new LruCache<string, KeptSeries>(queryLimits.seriesCachedMax);
  return (key: string, batch: BatchPart, stream: StreamPart, merge: () => SeriesBucket[], buckets: readonly Bucket[]): KeptSeries => {
    const found = kept.get(key);
    if (found !== undefined && found.batch === batch && found.stream === stream) return found;
    const merged = merge();
    const labelled = merged.map((bucket, index) => ({ start: localLabel(bucket.startMs, buckets[index]!.offsetMs), ...bucket }));
    const series = { batch, stream, labelled, totals: totalsOf(merged) };
    kept.set(key, series);
    return series;
  };
}

interface StatsCaches {
  batchPartOf: ReturnType<typeof createBatchPartCache>;
  streamPartOf: ReturnType<typeof createStreamPartCache>;
  series: ReturnType<typeof createSeriesCache>;
}

async function statsHandler(c: Context<ServeEnv>, services: ServingServices, caches: StatsCaches): Promise<Response> {
  const query = queryOf(c);
  const link = await readableLink(services.store, c.get('principal'), c.req.param('id')!, query('accountId'));
  const calendar = parseZone(query, await ownerZone(services.store, link));
  const interval = parseInterval(query);
  const format = parseFormat(query, c.req.header('accept'));
  const range = parseRange(query, calendar, rangeLimitFor(interval));
  const bucketsMax = queryLimits.bucketsMax[interval];
  const buckets = zoneBuckets(calendar, interval, range.fromMs, range.toMs, bucketsMax);
  if (buckets === undefined) throw badRequest(`to: the range holds more than ${bucketsMax} ${interval} buckets; narrow it or ask for a coarser interval`, { field: 'to' });
  const spanFromMs = buckets[0]!.startMs;
  const spanToMs = buckets.at(-1)!.endMs;
  const [batch, rows, complete] = await Promise.all([caches.batchPartOf(link.id, spanFromMs, spanToMs), services.counterViews.rows(link.id), completeness(services)]);
  const nowMs = services.clock.nowMs();
  const stream = caches.streamPartOf(rows, nowMs);
  const key = `${link.id}|${interval}|${calendar.timeZone}|${spanFromMs}|${spanToMs}`;
  const { labelled, totals } = caches.series(key, batch, stream, () => mergeSeries(interval, buckets, batch, stream), buckets);
  if (format === 'csv') {
    c.header('content-type', 'text/csv; charset=utf-8');
    c.header('content-disposition', `attachment; filename="${link.id}-${interval}.csv"`);
    return c.body(toCsv(csvHeader, labelled.map(csvRow)));
  }
  return c.json({
    linkId: link.id,
    interval,
    timeZone: calendar.timeZone,
    from: iso(spanFromMs),
    to: iso(spanToMs),
    fromMs: spanFromMs,
    toMs: spanToMs,
    requested: { fromMs: range.fromMs, toMs: range.toMs },
    totals,
    buckets: labelled,
    completeness: complete,
    generatedAtMs: nowMs,
  });
}

type Dimension = BatchBreakdownDimension | 'class';
const dimensions: readonly Dimension[] = ['country', 'referrer', 'device', 'class'];

/** Finality of a batch-only answer over [fromMs, toMs): incomplete while any hour of it is unpublished. */
function batchFinality(hours: readonly BatchHourView[], fromMs: number, toMs: number): Finality {
  if (hours.length < (toMs - fromMs) / hourMs) return 'incomplete';
  return hours.some((view) => view.corrected) ? 'corrected' : 'final';
}

function classRows(slices: readonly ClassCounts[]) {
  const sums = { human: 0, bot: 0, suspicious: 0 };
  for (const slice of slices) {
    sums.human += slice.human;
    sums.bot += slice.bot;
    sums.suspicious += slice.suspicious;
  }
  return (['human', 'bot', 'suspicious'] as const).map((kind) => ({ value: kind, total: sums[kind], human: kind === 'human' ? sums.human : 0, bot: kind === 'bot' ? sums.bot : 0, suspicious: kind === 'suspicious' ? sums.suspicious : 0 }));
}

async function breakdownHandler(c: Context<ServeEnv>, services: ServingServices): Promise<Response> {
  const query = queryOf(c);
  const link = await readableLink(services.store, c.get('principal'), c.req.param('id')!, query('accountId'));
  const calendar = parseZone(query, await ownerZone(services.store, link));
  const dimension = parseChoice(query, 'dimension', dimensions);
  const limit = parseLimit(query, 'limit', queryLimits.breakdownRowsDefault, queryLimits.breakdownRowsMax);
  const range = parseRange(query, calendar, queryLimits.rangeMsMax);
  // Breakdowns are kept per hour: the range is widened to whole UTC hours.
  const fromMs = floorHour(range.fromMs);
  const toMs = ceilHour(range.toMs);
  const { batchViews } = services.store;
  const [hours, rows] = await Promise.all([
    batchViews.hours(fromMs, toMs),
    dimension === 'class'
      ? batchViews.linkSlices(link.id, fromMs, toMs).then(classRows)
      : batchViews.linkBreakdown(link.id, dimension, fromMs, toMs, limit).then((found) => found.map((row) => ({ ...row, total: row.human + row.bot + row.suspicious }))),
  ]);
  return c.json({
    linkId: link.id,
    dimension,
    from: iso(fromMs),
    to: iso(toMs),
    fromMs,
    toMs,
    source: 'batch',
    finality: batchFinality(hours, fromMs, toMs),
    coverage: { hoursInRange: (toMs - fromMs) / hourMs, publishedHours: hours.length, runIds: [...new Set(hours.map((view) => view.runId))].sort((a, b) => a - b).slice(0, 1_000) },
    rows: rows.map(({ value, total, human, bot, suspicious }) => ({ value, total, human, bot, suspicious })),
    note: 'Breakdowns come from the published batch hours only; hours not yet published are not in them (finality incomplete).',
    generatedAtMs: services.clock.nowMs(),
  });
}

export function registerStatsRoutes(app: Hono<ServeEnv>, services: ServingServices): void {
  const caches: StatsCaches = { batchPartOf: createBatchPartCache(services), streamPartOf: createStreamPartCache(), series: createSeriesCache() };
  app.get('/v1/links/:id/stats', (c) => statsHandler(c, services, caches));
  app.get('/v1/links/:id/breakdown', (c) => breakdownHandler(c, services));
}

