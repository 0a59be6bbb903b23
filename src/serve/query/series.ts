// The merge of the batch and speed layers into one series (docs/query-api.md, "Merge rule"):
// every 15-minute slice of a bucket comes from the batch views when its UTC hour is published,
// else from the stream's quarter buckets when the stream still holds that quarter, else it is
// missing. A bucket says which layers it was made of, its finality (the weakest of its slices),
// the batch runs it read, and its unique visitors as far as they are known.
import type { BatchHourView, ClassCounts } from '../../store/index.js';
import type { BucketCounts } from '../../jobs/counters/index.js';
import type { Interval } from './params.js';
import type { Bucket } from './zone-buckets.js';

const quarterMs = 15 * 60_000;
const hourMs = 3_600_000;
const minuteMs = 60_000;

export type Source = 'batch' | 'stream' | 'mixed' | 'none';
export type Finality = 'final' | 'corrected' | 'provisional' | 'incomplete';

/** Unique visitors of a bucket as far as they are known. */
export type Visitors =
  | { kind: 'exact'; value: number }
  | { kind: 'estimate'; value: number; relativeStandardError: number }
  /** A bucket over several hours: distinct counts do not add up; the truth is within these. */
  | { kind: 'bounds'; min: number; max: number }
  | { kind: 'unknown' };

export interface SeriesBucket extends ClassCounts {
  startMs: number;
  endMs: number;
  total: number;
  source: Source;
  finality: Finality;
  /** The batch runs whose views the bucket read, ascending. */
  runIds: number[];
  /** Slices (15 minutes; one minute for minute buckets) by where they came from. */
  slices: { batch: number; stream: number; missing: number };
  visitors: Visitors;
}

/** The speed layer's part: a link's rows merged over partitions, and how far back each partition holds them. */
export interface StreamPart {
  minutes: readonly BucketCounts[];
  quarters: readonly BucketCounts[];
  /** The oldest minute and quarter (bucket numbers) every partition still holds. */
  oldestMinute: number;
  oldestQuarter: number;
  /** Distinct visitor estimates per hour (hours since the epoch) the stream holds. */
  hourVisitors: ReadonlyMap<number, number>;
  visitorsRelativeStandardError: number;
}

/** The batch layer's part for the range: published hours, the link's slices and hourly visitors. */
export interface BatchPart {
  hours: ReadonlyMap<number, BatchHourView>;
  slices: ReadonlyMap<number, ClassCounts>;
  hourVisitors: ReadonlyMap<number, number>;
}

interface Accumulator extends ClassCounts {
  batch: number;
  stream: number;
  missing: number;
  corrected: boolean;
  runIds: Set<number>;
}

function add(into: Accumulator, counts: ClassCounts | undefined): void {
  if (counts === undefined) return;
  into.human += counts.human;
  into.bot += counts.bot;
  into.suspicious += counts.suspicious;
}

function sourceOf(slices: { batch: number; stream: number }): Source {
  if (slices.batch > 0) return slices.stream > 0 ? 'mixed' : 'batch';
  return slices.stream > 0 ? 'stream' : 'none';
}

function finalityOf(acc: Accumulator): Finality {
  if (acc.missing > 0) return 'incomplete';
  if (acc.stream > 0) return 'provisional';
  return acc.corrected ? 'corrected' : 'final';
}

/** Visitors of one hour: exact from a published hour, an estimate from the stream, else unknown. */
function hourVisitors(hourStartMs: number, batch: BatchPart, stream: StreamPart): Visitors {
  if (batch.hours.has(hourStartMs)) return { kind: 'exact', value: batch.hourVisitors.get(hourStartMs) ?? 0 };
  const estimate = stream.hourVisitors.get(hourStartMs / hourMs);
  return estimate === undefined ? { kind: 'unknown' } : { kind: 'estimate', value: estimate, relativeStandardError: stream.visitorsRelativeStandardError };
}

/**
 * A bucket of one whole UTC hour gets that hour's visitors; a longer or shifted bucket gets bounds:
 * at least the busiest hour wholly inside it, at most the sum of every hour it touches.
 */
function bucketVisitors(bucket: Bucket, batch: BatchPart, stream: StreamPart): Visitors {
  if (bucket.endMs - bucket.startMs < quarterMs) return { kind: 'unknown' };
  if (bucket.startMs % hourMs === 0 && bucket.endMs - bucket.startMs === hourMs) return hourVisitors(bucket.startMs, batch, stream);
  let min = 0;
  let max = 0;
  for (let hourStartMs = Math.floor(bucket.startMs / hourMs) * hourMs; hourStartMs < bucket.endMs; hourStartMs += hourMs) {
    const visitors = hourVisitors(hourStartMs, batch, stream);
    if (visitors.kind !== 'exact' && visitors.kind !== 'estimate') return { kind: 'unknown' };
    max += visitors.value;
    if (hourStartMs >= bucket.startMs && hourStartMs + hourMs <= bucket.endMs) min = Math.max(min, visitors.value);
  }
  return { kind: 'bounds', min, max };
}

function finish(bucket: Bucket, acc: Accumulator, visitors: Visitors): SeriesBucket {
  const slices = { batch: acc.batch, stream: acc.stream, missing: acc.missing };
  return {
    startMs: bucket.startMs,
    endMs: bucket.endMs,
    total: acc.human + acc.bot + acc.suspicious,
    human: acc.human,
    bot: acc.bot,
    suspicious: acc.suspicious,
    source: sourceOf(slices),
    finality: finalityOf(acc),
    runIds: [...acc.runIds].sort((a, b) => a - b),
    slices,
    visitors,
  };
}

const emptyAccumulator = (): Accumulator => ({ human: 0, bot: 0, suspicious: 0, batch: 0, stream: 0, missing: 0, corrected: false, runIds: new Set() });

/** One bucket of whole quarter hours (hour and day intervals). */
function quarterBucket(bucket: Bucket, batch: BatchPart, stream: StreamPart, streamQuarters: ReadonlyMap<number, BucketCounts>): SeriesBucket {
  const acc = emptyAccumulator();
  for (let sliceMs = bucket.startMs; sliceMs < bucket.endMs; sliceMs += quarterMs) {
    const view = batch.hours.get(Math.floor(sliceMs / hourMs) * hourMs);
    if (view !== undefined) {
      acc.batch++;
      acc.runIds.add(view.runId);
      if (view.corrected) acc.corrected = true;
      add(acc, batch.slices.get(sliceMs));
    } else if (sliceMs / quarterMs >= stream.oldestQuarter) {
      acc.stream++;
      add(acc, streamQuarters.get(sliceMs / quarterMs));
    } else acc.missing++;
  }
  return finish(bucket, acc, bucketVisitors(bucket, batch, stream));
}

/**
 * Minute buckets exist only in the speed layer (the batch layer's finest grain is 15 minutes): a
 * minute is from the stream while every partition still holds it, else missing.
 */
function minuteBucket(bucket: Bucket, stream: StreamPart, streamMinutes: ReadonlyMap<number, BucketCounts>): SeriesBucket {
  const acc = emptyAccumulator();
  const minute = bucket.startMs / minuteMs;
  if (minute >= stream.oldestMinute) {
    acc.stream++;
    add(acc, streamMinutes.get(minute));
  } else acc.missing++;
  return finish(bucket, acc, { kind: 'unknown' });
}

export function mergeSeries(interval: Interval, buckets: readonly Bucket[], batch: BatchPart, stream: StreamPart): SeriesBucket[] {
  if (interval === 'minute') {
    const minutes = new Map(stream.minutes.map((counts) => [counts.bucket, counts]));
    return buckets.map((bucket) => minuteBucket(bucket, stream, minutes));
  }
  const quarters = new Map(stream.quarters.map((counts) => [counts.bucket, counts]));
  return buckets.map((bucket) => quarterBucket(bucket, batch, stream, quarters));
}
